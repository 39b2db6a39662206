import { describe, expect, it } from 'vitest';
import { balanceCard } from '../../src/lib/client/playground-balance';
import { figure } from '../../src/lib/counted';

// The playground's Balance card said the account's Available (every module's free allowance, every
// model's tokens) above an operation that could spend only part of it. Once the operation is priced it
// says what that operation can spend, in the dashboard's words, with the account's figure under it.
const account = { available: 12_300, unlimited: { every: false, words: null }, bound: null };

describe("the playground's Balance card", () => {
	it('says what the chosen operation can spend, with the account’s Available under it when that is more', () => {
		expect(balanceCard({ name: 'Chatbot reply', spendable: 9_800 }, account)).toEqual({ label: 'Available for Chatbot reply', figure: figure(9_800), sub: `of ${figure(12_300)} in the account` });
	});

	it('says nothing under it when the operation can spend all of the account’s Available, and "Unlimited" for an unlimited one', () => {
		expect(balanceCard({ name: 'Generate all', spendable: 12_300 }, account)).toEqual({ label: 'Available for Generate all', figure: figure(12_300), sub: null });
		expect(balanceCard({ name: 'Generate all', spendable: null }, account)).toEqual({ label: 'Available for Generate all', figure: 'Unlimited', sub: null });
	});

	it('names the pool under a capped member’s figure, as the dashboard’s card', () => {
		const bound = { tokens: 500, sub: `of ${figure(12_300)} in the pool` };
		expect(balanceCard({ name: 'Chatbot reply', spendable: 500 }, { ...account, bound })).toEqual({ label: 'Available for Chatbot reply', figure: figure(500), sub: `of ${figure(12_300)} in the pool` });
	});

	it('before an operation is priced (offline), says the account’s figures as the dashboard does', () => {
		expect(balanceCard(null, account)).toEqual({ label: 'Available in the account', figure: figure(12_300), sub: null });
		// Unlimited use as GET /api/v1/balance says it: of every model, the figure; of some models, beside it.
		expect(balanceCard(null, { ...account, unlimited: { every: true, words: 'all models unlimited' } })).toEqual({ label: 'Available in the account', figure: 'Unlimited', sub: 'all models unlimited' });
		expect(balanceCard(null, { ...account, unlimited: { every: false, words: '+ 1 unlimited model' } })).toEqual({ label: 'Available in the account', figure: figure(12_300), sub: '+ 1 unlimited model' });
		// A copy saved by an earlier version says none.
		expect(balanceCard(null, { ...account, unlimited: undefined })).toEqual({ label: 'Available in the account', figure: figure(12_300), sub: null });
		expect(balanceCard(null, { ...account, bound: { tokens: 500, sub: 'of 12,300 in the pool' } })).toEqual({ label: 'Available to you', figure: figure(500), sub: 'of 12,300 in the pool' });
	});
});
