import { describe, expect, it } from 'vitest';
import { subscriptionState } from '../../src/lib/client/subscription-status';

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
