/**
 * Paddle's own example payloads (tests/fixtures/paddle, each citing its source) through the real
 * webhook path: signed here with HMAC-SHA256 as Paddle's docs describe (not with the app's
 * signer), POSTed over loopback, verified and parsed by the SDK's `webhooks.unmarshal`. The
 * expected figures are worked out by hand from the payloads, so the oracle is not the code under
 * test (the simulator's payload builders are not used in this file).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { eventRows, lotsOf, post, SECRET, useStoreTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { orders, subscriptions } from '../../src/lib/server/db/schema';
import { balances, consume } from '../../src/lib/server/ledger';
import { getProduct, upsertProduct } from '../../src/lib/server/store/catalog';
import { getPurchase, soldAs } from '../../src/lib/server/store/orders';
import { transactionCompleted } from '../fixtures/paddle/transaction-completed';
import { transactionCanceled } from '../fixtures/paddle/transaction-canceled';
import { refundApproved, refundCreated } from '../fixtures/paddle/adjustments';
import { subscriptionCanceled } from '../fixtures/paddle/subscription-canceled';

const bed = useStoreTestBed({ withRates: true });
let db: Db;

/** `Paddle-Signature: ts=…;h1=…`, h1 = HMAC-SHA256 of `ts:body` with the destination's secret (Paddle's docs). */
function paddleSignature(body: string) {
	const ts = Math.floor(Date.now() / 1000);
	return `ts=${ts};h1=${createHmac('sha256', SECRET).update(`${ts}:${body}`).digest('hex')}`;
}

/** POSTs a payload exactly as serialized here, signed the way Paddle signs. */
function deliver(event: { event_id: string }) {
	const body = JSON.stringify(event);
	return post(bed.hook.url, event, { body, header: paddleSignature(body) });
}

type Event = { event_id: string; data: Record<string, unknown> };
/** The same Paddle payload under new ids, for a second scenario in the same database. */
const again = <T extends Event>(e: T, n: number, data: Record<string, unknown> = {}): T => ({
	...e,
	event_id: `${e.event_id.slice(0, -2)}${String(n).padStart(2, '0')}`,
	data: { ...e.data, ...data }
});
const txnId = (n: number) => `${transactionCompleted.data.id.slice(0, -2)}${String(n).padStart(2, '0')}`;

beforeAll(async () => {
	db = bed.db;
	// Our catalog sells the fixture's three prices as packs: 1,000 general tokens per seat, 500 GPT-5 Nano
	// tokens for the add-on, 2,000 general tokens for the one-time charge.
	const pack = (id: string, price: string, grants: { model: string | null; tokens: number }[]) =>
		upsertProduct(db.orm, { id, kind: grants[0]!.model ? 'model_pack' : 'pack', name: id, grants, priceCents: 100, maxQuantity: 999, paddlePriceSandbox: price, paddlePriceProduction: null });
	await pack('fixture-seats', 'pri_01gsz8x8sawmvhz1pv30nge1ke', [{ model: null, tokens: 1_000 }]);
	await pack('fixture-addon', 'pri_01h1vjfevh5etwq3rb416a23h2', [{ model: 'gpt-5-nano', tokens: 500 }]);
	await pack('fixture-one-time', 'pri_01gsz98e27ak2tyhexptwc58yk', [{ model: null, tokens: 2_000 }]);
});
afterEach(() => void vi.restoreAllMocks());

/** A member with the pending order our checkout stored for Paddle's transaction `transactionId`. */
async function buyer(transactionId: string) {
	const u = await makeUser(db);
	const [order] = await db.orm
		.insert(orders)
		.values({ accountId: u.accountId, productId: 'fixture-seats', quantity: 10, ...soldAs(await getProduct(db.orm, 'fixture-seats'), 10), status: 'pending', currency: 'USD', paddleTransactionId: transactionId })
		.returning();
	return { ...u, orderId: order!.id };
}

/** The completed-transaction example again, as transaction `n` of a new buyer (flagged events warn: silenced). */
async function completedPurchase(n: number) {
	vi.spyOn(console, 'warn').mockImplementation(() => {});
	const txn = txnId(n);
	const u = await buyer(txn);
	expect(await deliver(again(transactionCompleted, n, { id: txn }))).toMatchObject({ body: { outcome: 'processed' } });
	return { txn, u };
}
const numbers = (xs: number[]) => xs.map(Number).sort((a, b) => a - b);
const outcomeOf = async (eventId: string) => (await eventRows(db)).find((e) => e.event_id === eventId);

describe(`Paddle's example webhooks on ${backend}`, () => {
	it('transaction.completed: grants each item × quantity once and completes the order with Paddle’s totals', async () => {
		const u = await buyer(transactionCompleted.data.id);
		expect(await deliver(transactionCompleted)).toMatchObject({ status: 200, body: { ok: true, outcome: 'processed' } });
		expect(await deliver(transactionCompleted)).toMatchObject({ status: 200, body: { duplicate: true } });
		const lots = await lotsOf(db, u.accountId);
		expect(lots).toHaveLength(3);
		expect(lots.map((l) => [l.model, l.amount, l.grant_key])).toEqual(expect.arrayContaining([
			['gpt-5-nano', 500, 'paddle:txn_01h8dzxgkvdwemdhbpcapj2tbj:pri_01h1vjfevh5etwq3rb416a23h2:gpt-5-nano'],
			[null, 10_000, 'paddle:txn_01h8dzxgkvdwemdhbpcapj2tbj:pri_01gsz8x8sawmvhz1pv30nge1ke:general'],
			[null, 2_000, 'paddle:txn_01h8dzxgkvdwemdhbpcapj2tbj:pri_01gsz98e27ak2tyhexptwc58yk:general']
		]));
		expect(lots.every((l) => l.source === 'purchase' && l.expires_at === null)).toBe(true);
		const order = await getPurchase(db.orm, u.accountId, u.orderId);
		expect(order).toMatchObject({ status: 'completed', amountCents: 65_215, currency: 'USD' });
		const [row] = await db.orm.select().from(orders).where(eq(orders.id, u.orderId));
		expect(row!.completedAt!.toISOString()).toBe('2023-08-22T07:15:44.296Z');
		await expectInvariants(db);
	});

	it('transaction.canceled: the pending order fails, nothing is granted; a canceled transaction of no order of ours is ignored', async () => {
		const u = await buyer(transactionCanceled.data.id);
		expect(await deliver(transactionCanceled)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
		expect((await getPurchase(db.orm, u.accountId, u.orderId)).status).toBe('failed');
		expect(await lotsOf(db, u.accountId)).toEqual([]);
		const stranger = again(transactionCanceled, 1, { id: 'txn_01h8e0d5sej61d5n18bth8d7zz' });
		expect(await deliver(stranger)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
		await expectInvariants(db);
	});

	it('a partial refund (no top-level type, as Paddle sent it) leaves the tokens, flags the event and marks the order partly refunded', async () => {
		const { txn, u } = await completedPurchase(2);
		expect((await balances(db.orm, u.accountId)).available).toBe(12_500);
		const created = again(refundCreated, 2, { transaction_id: txn });
		const approved = again(refundApproved, 2, { transaction_id: txn });
		expect(await deliver(created)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
		expect(await deliver(approved)).toMatchObject({ status: 200, body: { outcome: 'flagged' } });
		expect((await outcomeOf(approved.event_id))!.note).toMatch(/partial refund/);
		expect((await balances(db.orm, u.accountId)).available).toBe(12_500);
		expect(numbers((await lotsOf(db, u.accountId)).map((l) => l.remaining))).toEqual([500, 2_000, 10_000]);
		expect((await getPurchase(db.orm, u.accountId, u.orderId)).status).toBe('partially_refunded');
		await expectInvariants(db);
	});

	it('a chargeback reversal that arrives before its chargeback waits, then gives back exactly what the chargeback took', async () => {
		const { txn, u } = await completedPurchase(3);
		// 300 general tokens spent before the dispute: the chargeback can take back 12,200.
		await consume(db.orm, { accountId: u.accountId, feature: 'search_images', units: 30, actor: {}, idempotency: { scope: 'fixtures', key: `spend-${txn}` } });
		const before = await balances(db.orm, u.accountId);
		expect(before.available).toBe(12_200);
		const left = numbers((await lotsOf(db, u.accountId)).map((l) => l.remaining));
		const dispute = { action: 'chargeback', type: 'full', status: 'approved', transaction_id: txn, subscription_id: null, reason: 'fraudulent' };
		const chargeback = { ...again(refundCreated, 3, { ...dispute, id: 'adj_01h8c6tbrkpdd7vx61w7b1r003' }), occurred_at: '2023-08-23T10:00:00.000000Z' };
		const reversal = {
			...again(refundCreated, 4, { ...dispute, action: 'chargeback_reverse', id: 'adj_01h8c6tbrkpdd7vx61w7b1r004' }),
			occurred_at: '2023-09-20T10:00:00.000000Z'
		};

		expect(await deliver(reversal)).toMatchObject({ status: 200, body: { outcome: 'deferred' } });
		expect((await balances(db.orm, u.accountId)).available).toBe(12_200);
		expect(await deliver(chargeback)).toMatchObject({ status: 200, body: { outcome: 'flagged' } });

		expect((await outcomeOf(chargeback.event_id))!.note).toContain('took back 12,200 tokens; 300 tokens were already spent');
		expect(await outcomeOf(reversal.event_id)).toMatchObject({ outcome: 'processed', note: 'chargeback reversed: gave back 12,200 tokens' });
		const after = await balances(db.orm, u.accountId);
		expect(after.available).toBe(before.available);
		expect(after.allocations.map((a) => [a.model, a.remaining])).toEqual(before.allocations.map((a) => [a.model, a.remaining]));
		expect(numbers((await lotsOf(db, u.accountId)).filter((l) => l.source === 'refund-reversal').map((l) => l.amount))).toEqual(left);
		expect((await getPurchase(db.orm, u.accountId, u.orderId)).status).toBe('completed');
		// Delivered again, neither takes nor gives anything more.
		expect(await deliver(chargeback)).toMatchObject({ body: { duplicate: true } });
		expect(await deliver(reversal)).toMatchObject({ body: { duplicate: true } });
		expect((await balances(db.orm, u.accountId)).available).toBe(12_200);
		await expectInvariants(db);
	});

	it('subscription.canceled: the subscription we mirror ends with Paddle’s cancel date; an older event changes nothing', async () => {
		const u = await makeUser(db);
		const sub = subscriptionCanceled.data;
		await db.orm.insert(subscriptions).values({
			accountId: u.accountId, productId: 'fixture-seats', paddleSubscriptionId: sub.id, status: 'active',
			currentPeriodStart: new Date('2023-12-11T08:33:04Z'), currentPeriodEnd: new Date('2024-01-11T08:33:04Z'), lastEventAt: new Date(0)
		});
		expect(await deliver(subscriptionCanceled)).toMatchObject({ status: 200, body: { outcome: 'processed' } });
		const [row] = await db.orm.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, sub.id));
		expect(row).toMatchObject({ status: 'canceled', currentPeriodEnd: null, nextBilledAt: null });
		expect(row!.canceledAt!.toISOString()).toBe('2024-01-11T08:34:01.787Z');
		const older = { ...again(subscriptionCanceled, 1, { status: 'active', canceled_at: null }), occurred_at: '2023-08-11T15:00:00.000000Z' };
		expect(await deliver(older)).toMatchObject({ status: 200, body: { outcome: 'ignored' } });
		expect((await db.orm.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, sub.id)))[0]).toMatchObject({ status: 'canceled' });
	});
});
