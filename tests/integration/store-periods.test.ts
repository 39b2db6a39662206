import { describe, expect, it } from 'vitest';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { lotsOf, paddleEventsFor, post, useStoreTestBed } from '../helpers/paddle';
import { startCheckout } from '../../src/lib/server/store/orders';

// A subscription's tokens last one billing period. When Paddle's event carries no billing period,
// the period is one calendar month from the payment, clamped to the month's end (DESIGN.md "Periods").
const bed = useStoreTestBed();

describe(`subscription periods end on the right day, on ${backend}`, () => {
	it.each([
		['31 March', '2027-03-31T10:00:00.000Z', '2027-04-30T10:00:00.000Z'],
		['31 January of a leap year', '2028-01-31T23:00:00.000Z', '2028-02-29T23:00:00.000Z'],
		['31 December', '2027-12-31T12:00:00.000Z', '2028-01-31T12:00:00.000Z']
	])('a monthly plan paid on %s grants tokens that expire a calendar month later, clamped', async (_, paidAt, expires) => {
		const u = await makeUser(bed.db);
		const checkout = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'monthly-20k', quantity: 1 });
		const events = await paddleEventsFor(bed.db, checkout, 'monthly-20k');
		expect((await post(bed.hook.url, events.completed(new Date(paidAt)))).status).toBe(200);
		const lots = await lotsOf(bed.db, u.accountId);
		expect(lots.map((l) => [l.source, l.amount, new Date(l.expires_at!).toISOString()])).toEqual([['subscription', 20_000, expires]]);
		await expectInvariants(bed.db);
	});
});
