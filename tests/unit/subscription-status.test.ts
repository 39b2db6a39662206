import { describe, expect, it } from 'vitest';
import { otherPlanWords, subscriptionState } from '../../src/lib/client/subscription-status';

const UTC = 'UTC';
const base = { status: 'active', currentPeriodEnd: '2027-01-02T10:00:00Z', nextBilledAt: '2027-01-02T10:00:00Z', canceledAt: null };

describe('a subscription’s state in words (Purchases, the store and the admin’s user page)', () => {
	it('renewing: Active, with the date it renews', () => {
		expect(subscriptionState(base, UTC)).toEqual({ label: 'Active', tone: 'ok', when: 'Renews Jan 2, 2027', held: true, ending: false });
	});
	it('canceled at the period’s end: still held, Ending, with the date it ends — never plain "active"', () => {
		const s = { ...base, nextBilledAt: null, canceledAt: '2026-12-02T10:00:00Z' };
		expect(subscriptionState(s, UTC)).toEqual({ label: 'Ending', tone: 'low', when: 'Canceled · ends Jan 2, 2027', held: true, ending: true });
	});
	it('ended: Canceled, with the date it ended, and no longer held', () => {
		const s = { ...base, status: 'canceled', nextBilledAt: null, canceledAt: '2027-01-02T10:00:00Z' };
		expect(subscriptionState(s, UTC)).toEqual({ label: 'Canceled', tone: 'empty', when: 'Ended Jan 2, 2027', held: false, ending: false });
	});
	it('a payment due is held and says so', () => {
		expect(subscriptionState({ ...base, status: 'past_due' }, UTC)).toMatchObject({ label: 'Payment due', tone: 'low', held: true, ending: false });
	});
});

// The store's note on a plan the account does not have, beside the one it has.
describe('subscribing beside another plan, in words (the store)', () => {
	const monthly = { ...base, productName: 'Monthly plan' };
	it('a plan that renews: both are billed, each renewing on its own', () => {
		expect(otherPlanWords(monthly, UTC)).toBe('You already have “Monthly plan”: subscribing to this one too bills both, each renewing on its own.');
	});
	it('a plan cancelled at its period’s end: not billed again, so only the new one is, and when the old one ends', () => {
		const ending = { ...monthly, nextBilledAt: null, canceledAt: '2026-12-02T10:00:00Z' };
		expect(otherPlanWords(ending, UTC)).toBe('You already have “Monthly plan” until Jan 2, 2027, and it is not billed again: subscribing to this one bills only this one.');
		expect(otherPlanWords(ending, 'Pacific/Kiritimati')).toContain('until Jan 3, 2027');
		expect(otherPlanWords({ ...ending, currentPeriodEnd: null }, UTC)).toBe('You already have “Monthly plan” until its period ends, and it is not billed again: subscribing to this one bills only this one.');
	});
});
