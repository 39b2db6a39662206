import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { eventRows, lotsOf, paddleEventsFor, post, SECRET, useStoreTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { balances } from '../../src/lib/server/ledger';
import { startCheckout, getPurchase } from '../../src/lib/server/store/orders';
import { paddleId } from '../../src/lib/server/store/paddle/simulator/payloads';
import { signatureHeader } from '../../src/lib/server/store/paddle/signature';

const bed = useStoreTestBed({ poolSize: 16 });
let db: Db;
let hook: typeof bed.hook;
let paddle: typeof bed.paddle;

beforeAll(async () => {
	({ db, hook, paddle } = bed);
});
afterEach(() => vi.restoreAllMocks());

/** A checkout the way the store starts one: our pending order, Paddle's (the simulator's) transaction. */
async function checkout(accountId: string, productId: string, quantity: number) {
	return startCheckout(db.orm, paddle, { accountId, userId: null, email: null, productId, quantity });
}

/** The transaction.completed event Paddle would send for a checkout, built in the SDK's shape. */
async function completedEvent(c: { transactionId: string; orderId: string }, productId: string, quantity: number) {
	return (await paddleEventsFor(db, c, productId, quantity)).completed();
}

const available = async (accountId: string) => (await balances(db.orm, accountId)).available;

describe(`Paddle webhooks through the real SDK on ${backend}`, () => {
	it('a signed transaction.completed grants the catalog tokens × quantity, once, and completes the order', async () => {
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'tokens-5k', 2);
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('pending');
		const event = await completedEvent(c, 'tokens-5k', 2);
		expect(await post(hook.url, event)).toMatchObject({ status: 200, body: { ok: true, outcome: 'processed' } });
		expect(await available(u.accountId)).toBe(10_000);
		const lots = await lotsOf(db, u.accountId);
		expect(lots).toMatchObject([{ source: 'purchase', amount: 10_000, model: null, grant_key: `paddle:${c.transactionId}:pri_quota_demo_tokens_5k:general` }]);
		const order = await getPurchase(db.orm, u.accountId, c.orderId);
		expect(order).toMatchObject({ status: 'completed', amountCents: 1000, currency: 'USD', tokens: 10_000 });
		await expectInvariants(db);
	});

	it('the same event 10× at once and replayed later grants once and is stored once', async () => {
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'starter-bundle', 1);
		const event = await completedEvent(c, 'starter-bundle', 1);
		const replies = await Promise.all(Array.from({ length: 10 }, () => post(hook.url, event)));
		expect(replies.every((r) => r.status === 200)).toBe(true);
		expect(replies.filter((r) => r.body.duplicate === false)).toHaveLength(1);
		expect((await post(hook.url, event)).body).toMatchObject({ ok: true, duplicate: true });
		const lots = await lotsOf(db, u.accountId);
		expect(lots.map((l) => [l.model, l.amount]).sort()).toEqual([
			['claude-sonnet-4-5', 10_000],
			['gpt-5-nano', 50_000],
			['text-embedding-3-small', 25_000]
		]);
		const [stored] = await db.rows<{ n: number }>(sql`select count(*)::int as n from paddle_events where event_id = ${event.event_id}`);
		expect(stored!.n).toBe(1);
		await expectInvariants(db);
	});

	it('a different event for an already granted transaction grants nothing more (keyed by transaction)', async () => {
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'tokens-5k', 1);
		const first = await completedEvent(c, 'tokens-5k', 1);
		await post(hook.url, first);
		await post(hook.url, { ...first, event_id: paddleId('evt') });
		expect(await available(u.accountId)).toBe(5_000);
		await expectInvariants(db);
	});

	describe('refuses what Paddle did not sign, with a 4xx, storing and granting nothing, and logs it', () => {
		const cases: [string, (body: string) => { header?: string | null; body?: string }][] = [
			['a bad signature', (body) => ({ header: signatureHeader(body, SECRET).replace(/h1=./, (m) => (m.endsWith('0') ? 'h1=1' : 'h1=0')) })],
			['the wrong secret', (body) => ({ header: signatureHeader(body, 'pdl_ntfset_someone_elses_secret') })],
			['a stale timestamp (6 s old)', (body) => ({ header: signatureHeader(body, SECRET, new Date(Date.now() - 6_000)) })],
			['re-serialized JSON', (body) => ({ header: signatureHeader(body, SECRET), body: JSON.stringify(JSON.parse(body), null, 2) })],
			['no Paddle-Signature header', () => ({ header: null })],
			['a malformed header', () => ({ header: 'ts=abc;h1=xyz' })]
		];
		for (const [what, tamper] of cases) {
			it(what, async () => {
				const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
				const u = await makeUser(db);
				const c = await checkout(u.accountId, 'tokens-5k', 1);
				const event = await completedEvent(c, 'tokens-5k', 1);
				const body = JSON.stringify(event);
				const t = tamper(body);
				const reply = await post(hook.url, event, { body: t.body ?? body, header: t.header });
				expect(reply.status).toBeGreaterThanOrEqual(400);
				expect(reply.status).toBeLessThan(500);
				expect(reply.body.ok).toBe(false);
				expect(await available(u.accountId)).toBe(0);
				const [stored] = await db.rows<{ n: number }>(sql`select count(*)::int as n from paddle_events where event_id = ${event.event_id}`);
				expect(stored!.n).toBe(0);
				expect(warn).toHaveBeenCalledWith(expect.stringContaining('[paddle-webhook] refused'));
				expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('pending');
			});
		}
	});

	it('a correctly signed body that is not a Paddle event is refused with 400 and stores nothing', async () => {
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const reply = await post(hook.url, { event_id: 'evt_01broken', event_type: 'transaction.completed', occurred_at: new Date().toISOString(), data: {} });
		expect(reply).toMatchObject({ status: 400, body: { ok: false, error: 'unreadable event' } });
		expect((await eventRows(db)).some((r) => r.event_id === 'evt_01broken')).toBe(false);
		expect(warn).toHaveBeenCalledWith(expect.stringContaining('rejected (400): unreadable event'));
	});

	it('an unknown price id: the event is stored and flagged for an admin, nothing granted', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'tokens-5k', 1);
		const event = await completedEvent(c, 'tokens-5k', 1);
		event.data.items[0]!.price!.id = 'pri_01notinourcatalog0000000000';
		expect((await post(hook.url, event)).body).toMatchObject({ ok: true, outcome: 'flagged' });
		expect(await available(u.accountId)).toBe(0);
		const row = (await eventRows(db)).find((r) => r.event_id === event.event_id);
		expect(row).toMatchObject({ outcome: 'flagged', note: expect.stringContaining('unknown price id pri_01notinourcatalog') });
		await expectInvariants(db);
	});

	it('custom data naming someone else’s order that already has its transaction grants nothing', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const victim = await makeUser(db);
		const v = await checkout(victim.accountId, 'tokens-5k', 1);
		const event = await completedEvent({ transactionId: paddleId('txn'), orderId: v.orderId }, 'tokens-5k', 1);
		expect((await post(hook.url, event)).body).toMatchObject({ outcome: 'flagged' });
		expect(await available(victim.accountId)).toBe(0);
	});

	it('a zero-value payment-method-change transaction grants nothing', async () => {
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'tokens-5k', 1);
		const event = await completedEvent(c, 'tokens-5k', 1);
		(event.data as { origin: string }).origin = 'subscription_payment_method_change';
		expect((await post(hook.url, event)).body).toMatchObject({ outcome: 'ignored' });
		expect(await available(u.accountId)).toBe(0);
	});

	it('a declined card marks the order failed; paying afterwards still completes it', async () => {
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'tokens-5k', 3);
		expect(await paddle.decline(c.transactionId)).toEqual([{ eventType: 'transaction.payment_failed', status: 200 }]);
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('failed');
		expect(await paddle.pay(c.transactionId)).toEqual([{ eventType: 'transaction.completed', status: 200 }]);
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('completed');
		expect(await available(u.accountId)).toBe(15_000);
		await expectInvariants(db);
	});

	it('a failure before commit answers 500 and stores nothing, so Paddle’s retry succeeds', async () => {
		const error = vi.spyOn(console, 'error').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await checkout(u.accountId, 'tokens-5k', 1);
		const event = await completedEvent(c, 'tokens-5k', 1);
		// Make every new lot fail for a moment, as a broken database would.
		await db.rows(sql`alter table lots add constraint quota_test_block check (amount < 0) not valid`);
		try {
			expect((await post(hook.url, event)).status).toBe(500);
		} finally {
			await db.rows(sql`alter table lots drop constraint quota_test_block`);
		}
		expect(error).toHaveBeenCalled();
		expect((await eventRows(db)).some((r) => r.event_id === event.event_id)).toBe(false);
		expect((await post(hook.url, event)).body).toMatchObject({ ok: true, outcome: 'processed' });
		expect(await available(u.accountId)).toBe(5_000);
		await expectInvariants(db);
	});
});
