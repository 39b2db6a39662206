import { describe, expect, it } from 'vitest';
import { availableCard, capBoundAvailable, lowBalanceAlert } from '../../src/lib/available-words';

describe('what a capped person is told they can spend (the dashboard’s Available card, the playground)', () => {
	it('is what the cap leaves when that is less than the account’s Available, with the pool’s or the account’s own figure under it, short enough for a card’s line at 390 px', () => {
		const member = capBoundAvailable(91_900, { limitOf: 'member', left: 4_705 });
		expect(member).toEqual({ tokens: 4_705, sub: 'of 91,900 in the pool', meaning: "For you it is what the cap above leaves, less than the pool's 91,900." });
		expect(capBoundAvailable(91_900, { limitOf: 'team', left: 0 })).toMatchObject({ tokens: 0, sub: 'of 91,900 in the pool' });
		expect(capBoundAvailable(12_000, { limitOf: 'user', left: 100 })).toMatchObject({ tokens: 100, sub: 'of 12,000 in the account' });
	});

	it('is nothing (the account’s Available is what they can spend) without a cap, or with one that leaves as much or more', () => {
		expect(capBoundAvailable(91_900, null)).toBeNull();
		expect(capBoundAvailable(4_000, { limitOf: 'member', left: 4_705 })).toBeNull();
		expect(capBoundAvailable(4_705, { limitOf: 'member', left: 4_705 })).toBeNull();
	});
});

describe('the dashboard’s Available card', () => {
	const none = { every: false, words: null };
	it('says what can be spent: "Unlimited" with every model unlimited, not the tokens counted beside it', () => {
		expect(availableCard(14_455, 0, { every: true, words: 'all models unlimited' }, null)).toEqual({ value: 'Unlimited', sub: 'all models unlimited' });
		expect(availableCard(14_455, 1_200, { every: false, words: '+ 1 unlimited model' }, null)).toEqual({ value: '14,455', sub: '+ 1 unlimited model · 1,200 on hold' });
		expect(availableCard(14_455, 0, none, null)).toEqual({ value: '14,455', sub: 'none on hold' });
	});
	it('is what a cap leaves, when it leaves less, unlimited lots or not', () => {
		const bound = capBoundAvailable(14_455, { limitOf: 'member', left: 500 })!;
		expect(availableCard(14_455, 0, { every: true, words: 'all models unlimited' }, bound)).toEqual({ value: '500', sub: 'of 14,455 in the pool' });
	});
});

describe('lowBalanceAlert: the dashboard’s warning above its figures', () => {
	it('warns as the balance runs low or out, never a member who never had tokens while free allowances pay', () => {
		expect(lowBalanceAlert('ok', true, false)).toBeNull();
		expect(lowBalanceAlert('empty', false, true)).toBeNull();
		expect(lowBalanceAlert('low', true, true)).toEqual({ tone: 'low', text: 'Tokens are running low — buy more' });
		expect(lowBalanceAlert('empty', false, false)).toEqual({ tone: 'low', text: 'You have no tokens yet — buy a pack to get started' });
		expect(lowBalanceAlert('empty', true, true)).toEqual({ tone: 'low', text: 'No purchased tokens left (free allowances still apply) — buy more' });
		expect(lowBalanceAlert('empty', true, false)).toEqual({ tone: 'empty', text: 'You have no tokens left — buy more to keep going' });
	});
});
