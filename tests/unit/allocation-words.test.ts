import { describe, expect, it } from 'vitest';
import { allocationWords } from '../../src/lib/allocation-words';

describe('the dashboard’s words under Balance and Active allocations', () => {
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

	it('says the balance leaves out the free allowances, or which models have unlimited tokens on top of it', () => {
		expect(allocationWords([]).balance).toBe('excl. free allowances');
		expect(allocationWords([general, nano]).balance).toBe('excl. free allowances');
		expect(allocationWords([general, nano, claude]).balance).toBe('+ 1 unlimited model');
		expect(allocationWords([claude, { model: 'gpt-5', unlimited: true }]).balance).toBe('+ 2 unlimited models');
		// An unlimited general balance is usable by every model: a count of unlimited models would say less.
		expect(allocationWords([{ model: null, unlimited: true }, nano, claude]).balance).toBe('all models unlimited');
	});
});
