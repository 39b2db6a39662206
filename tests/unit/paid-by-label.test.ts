import { describe, expect, it } from 'vitest';
import { catalogNames, paidByLabel, settledWords, usedWords } from '../../src/lib/client/paid-by';

const names = catalogNames({ models: [{ key: 'gpt-5-nano', name: 'GPT-5 Nano' }], modules: [{ key: 'chat', name: 'Chatbot' }] });
const paid = (type: 'allowance' | 'lot', label: string, model: string | null = null) => ({ type, id: 'x', label, model, tokens: 10, unlimited: false });

describe('what paid a use, in the names the app shows', () => {
	it('names a free allowance by its module, and a lot as the dashboard does: its model or the general balance, then its source', () => {
		expect(paidByLabel(paid('allowance', 'chat'), names)).toBe('Free allowance · Chatbot');
		expect(paidByLabel(paid('lot', 'purchase', 'gpt-5-nano'), names)).toBe('GPT-5 Nano · Purchased');
		expect(paidByLabel(paid('lot', 'referral'), names)).toBe('General balance · Referral bonus');
		expect(paidByLabel(paid('lot', 'admin'), names)).toBe('General balance · Added by an admin');
	});

	it('falls back to the key for what the catalog does not list (yet)', () => {
		expect(paidByLabel(paid('allowance', 'forms', 'old-model'), catalogNames(null))).toBe('Free allowance · forms · old-model');
	});
});

describe('what a settled hold cost, in words', () => {
	it('says the hold, what was charged and what went back, not units × rate', () => {
		expect(settledWords({ held: 2000, released: 1223 }, 777)).toBe('Settled from a hold of 2,000: 777 charged, 1,223 released');
		expect(settledWords({ held: 500, released: 0 }, 500)).toBe('Settled from a hold of 500: 500 charged, 0 released');
		// A hold settled at 0 is a use that charged nothing: said so, not "Used 0".
		expect(settledWords({ held: 400, released: 400 }, 0)).toBe('Settled at 0 from a hold of 400: all of it released, nothing charged');
		expect(usedWords({ hold: { held: 400 }, tokensUsed: 0 })).toBe('Released — nothing charged');
		expect(usedWords({ hold: { held: 400 }, tokensUsed: 250 })).toBe('250');
		expect(usedWords({ hold: null, tokensUsed: 0 })).toBe('0');
	});
});
