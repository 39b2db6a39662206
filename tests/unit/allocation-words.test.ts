import { describe, expect, it } from 'vitest';
import { allocationWords, unlimitedUse } from '../../src/lib/allocation-words';

describe('the dashboard’s words under Available and Active allocations', () => {
	const general = { model: null, unlimited: false };
	const nano = { model: 'gpt-5-nano', unlimited: false };
	const embedding = { model: 'text-embedding-3-small', unlimited: false };
	const claude = { model: 'claude-sonnet-4-5', unlimited: true };

	it('says what the allocations are: the models counted, and whether the general balance (usable by every model) is among them, named as the vocabulary names it', () => {
		expect(allocationWords([general, nano, embedding, claude]).allocations).toBe('3 models + general');
		expect(allocationWords([general, nano]).allocations).toBe('1 model + general');
		expect(allocationWords([general]).allocations).toBe('general balance only');
		expect(Object.values(allocationWords([general]))).not.toContainEqual(expect.stringMatching(/pool/));
		expect(allocationWords([nano]).allocations).toBe('1 model only');
		expect(allocationWords([nano, embedding]).allocations).toBe('2 models only');
		expect(allocationWords([]).allocations).toBe('no tokens in lots');
	});

	it('says unlimited use beside what can be spent, as GET /api/v1/balance does: every model, or the models named', () => {
		expect(allocationWords([]).unlimited).toBeNull();
		expect(allocationWords([general, nano])).toMatchObject({ unlimited: null, unlimitedMeaning: '' });
		expect(allocationWords([general, nano, { ...claude, name: 'Claude Sonnet 4.5' }])).toMatchObject({
			unlimited: '+ 1 unlimited model',
			unlimitedMeaning: 'Unlimited: Claude Sonnet 4.5, whose use takes no tokens while it lasts; Available counts what every other model can spend.'
		});
		expect(allocationWords([claude, { model: 'gpt-5', name: 'GPT-5', unlimited: true }]).unlimitedMeaning).toMatch(/^Unlimited: claude-sonnet-4-5 and GPT-5, /);
		expect(allocationWords([claude, { model: 'gpt-5', unlimited: true }]).unlimited).toBe('+ 2 unlimited models');
		// An unlimited general balance is usable by every model: a count of unlimited models would say less (the Available card's figure is "Unlimited").
		expect(allocationWords([{ model: null, unlimited: true }, nano, claude]).unlimited).toBe('all models unlimited');
		expect(allocationWords([{ model: null, unlimited: true }]).unlimitedMeaning).toMatch(/^Unlimited: no use of any model takes tokens/);
	});

	it("reads unlimited use as the balance API's `unlimited` and `unlimited_models`", () => {
		expect(unlimitedUse([general, nano, claude])).toEqual({ unlimited: false, unlimitedModels: ['claude-sonnet-4-5'] });
		expect(unlimitedUse([{ model: null, unlimited: true }, claude])).toEqual({ unlimited: true, unlimitedModels: ['claude-sonnet-4-5'] });
		expect(unlimitedUse([general])).toEqual({ unlimited: false, unlimitedModels: [] });
	});
});
