import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { makeUser, outcome } from '../helpers/ledger';
import { delivered, useStoreTestBed } from '../helpers/paddle';
import { listPurchases, startCheckout } from '../../src/lib/server/store/orders';
import { siteRevenue } from '../../src/lib/server/store';
import { listPaymentEvents } from '../../src/lib/server/admin';

// The simulator's seller page refunds part of a transaction, as Paddle's dashboard does: a partial
// adjustment of the amount typed, which Quota flags for an admin and counts in the month's refunds.
const bed = useStoreTestBed();

describe(`a partial refund from the simulator's seller page on ${backend}`, () => {
	it('sends a partial refund of the amount, again for the rest, never more than is left, and no full refund after one', async () => {
		const u = await makeUser(bed.db);
		const c = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 3 }); // $15.00
		delivered(await bed.paddle.pay(c.transactionId));
		const before = (await siteRevenue(bed.db.orm)).month.find((r) => r.currency === 'USD')!;

		delivered(await bed.paddle.refundPart(c.transactionId, 1_000));
		const [order] = await bed.db.rows<{ status: string }>(sql`select status from orders where id = ${c.orderId}::uuid`);
		expect(order!.status).toBe('partially_refunded');
		const events = await bed.db.rows<{ outcome: string; type: string; total: string }>(
			sql`select outcome, payload #>> '{data,type}' as type, payload #>> '{data,totals,total}' as total from paddle_events where event_type = 'adjustment.updated' and payload #>> '{data,transaction_id}' = ${c.transactionId}`
		);
		expect(events).toEqual([{ outcome: 'flagged', type: 'partial', total: '1000' }]);

		delivered(await bed.paddle.refundPart(c.transactionId, 250));
		expect(await outcome(bed.paddle.refundPart(c.transactionId, 251))).toBe('invalid_input'); // $2.50 is left
		expect(await outcome(bed.paddle.refundPart(c.transactionId, 0))).toBe('invalid_input');
		expect(await outcome(bed.paddle.refund(c.transactionId))).toBe('conflict');

		const { transactions } = await bed.paddle.listRecords();
		expect(transactions.find((t) => t.id === c.transactionId)).toMatchObject({ partlyRefundedCents: 1_250, refundableCents: 250, currency: 'USD', nextAdjustments: ['chargeback'] });
		// The member's purchase (and the console's user page, which lists the same) says what came back of it.
		expect(await listPurchases(bed.db.orm, u.accountId)).toMatchObject([{ status: 'partially_refunded', amountCents: 1_500, refundedCents: 1_250 }]);
		// The console's Payments says what each part paid back: it took no tokens, so nothing else there did.
		const listed = (await listPaymentEvents(bed.db.orm, { account: u.accountId })).rows.filter((r) => r.eventType === 'adjustment.updated');
		expect(listed.map((r) => r.adjusted)).toEqual([
			{ action: 'refund', partial: true, cents: 250, currency: 'USD' },
			{ action: 'refund', partial: true, cents: 1_000, currency: 'USD' }
		]);
		const after = (await siteRevenue(bed.db.orm)).month.find((r) => r.currency === 'USD')!;
		expect(after.refundedCents - before.refundedCents).toBe(1_250);
	});
});
