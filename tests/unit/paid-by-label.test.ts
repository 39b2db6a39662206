import { describe, expect, it } from 'vitest';
import { catalogNames, paidByLabel } from '../../src/lib/client/paid-by';

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
