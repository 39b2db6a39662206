// Money changes balances: a purchase, a refund, a chargeback and its reversal are in the audit log,
// written with the ledger's change, worded as the log says them, and once however often Paddle
// sends the notification.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { makeUser } from '../helpers/ledger';
import { post, storeTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { startCheckout } from '../../src/lib/server/store/orders';
import { auditActions, listAudit, type AuditRow } from '../../src/lib/server/admin';
import { paddleId } from '../../src/lib/server/store/paddle/simulator/payloads';

let bed: Awaited<ReturnType<typeof storeTestBed>>;
let db: Db;

beforeAll(async () => {
	bed = await storeTestBed();
	db = bed.db;
});
afterAll(async () => bed?.close());

const ok = (deliveries: { status: number }[]) => expect(deliveries.every((d) => d.status === 200)).toBe(true);

/** The account's entries of one action, as the console's log lists them (filtered by that action). */
async function logged(accountId: string, action: string): Promise<AuditRow[]> {
	return (await listAudit(db.orm, { account: accountId, action })).rows;
}

/** Every Paddle notification stored for a transaction, in the order they came, with the body Paddle signed. */
async function notifications(transactionId: string) {
	return db.rows<{ event_id: string; event_type: string; payload: { event_id: string } & Record<string, unknown> }>(
		sql`select event_id, event_type, payload from paddle_events where transaction_id = ${transactionId} order by received_at, event_id`
	);
}

/** Paddle sending a stored notification again: the same event, and the same under a new event id. */
async function replay(transactionId: string, eventType: string) {
	const stored = (await notifications(transactionId)).filter((n) => n.event_type === eventType).at(-1)!;
	expect((await post(bed.hook.url, stored.payload)).body).toMatchObject({ ok: true, duplicate: true });
	expect((await post(bed.hook.url, { ...stored.payload, event_id: paddleId('evt') })).body).toMatchObject({ ok: true, duplicate: false });
}

describe(`purchases in the audit log on ${backend}`, () => {
	it('a paid checkout: one entry credited to its buyer, with the order, the Paddle transaction, the tokens and the money, however often Paddle sends it', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 2 });
		ok(await bed.paddle.pay(c.transactionId));
		await replay(c.transactionId, 'transaction.completed');

		const [entry, ...more] = await logged(u.accountId, 'store.purchase_completed');
		expect(more).toEqual([]);
		expect(entry).toMatchObject({
			action: 'store.purchase_completed',
			actor: { userId: u.userId },
			actorKind: 'on their account',
			account: { accountId: u.accountId },
			targetType: 'order',
			targetId: c.orderId,
			after: { package: 'tokens-5k', quantity: 2, tokens: 10_000, amount_cents: 1000, currency: 'USD', transaction_id: c.transactionId, origin: 'api', channel: 'store' }
		});
		expect(entry!.words).toEqual({
			title: 'Purchase completed',
			lines: [
				{ label: 'Package', value: { text: 'Token pack' } },
				{ label: 'Quantity', value: { text: '2' } },
				{ label: 'Tokens', value: { figure: 10_000 } },
				{ label: 'Amount', value: { cents: 1000, currency: 'USD' } },
				{ label: 'Paid as', value: { text: 'A checkout' } },
				{ label: 'Bought in', value: { text: 'The member store' } },
				{ label: 'Paddle transaction', value: { text: c.transactionId } }
			],
			changes: []
		});
		// Written in the grant's transaction: the entry's time is the lot's.
		const [same] = await db.rows<{ same: boolean }>(sql`
			select (select at from audit_log where action = 'store.purchase_completed' and target_id = ${c.orderId}) =
			       (select created_at from lots where account_id = ${u.accountId}::uuid) as same`);
		expect(same!.same).toBe(true);
	});

	it('a checkout opened in the embedded store says so, beside its host-site buyer', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1, channel: 'embed' });
		ok(await bed.paddle.pay(c.transactionId));
		const [entry] = await logged(u.accountId, 'store.purchase_completed');
		expect(entry!.after).toMatchObject({ origin: 'api', channel: 'embed' });
		expect(entry!.words.lines).toContainEqual({ label: 'Bought in', value: { text: 'The embedded store' } });
	});

	it('the log’s action filter lists purchases, refunds and reversals by their words', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		ok(await bed.paddle.pay(c.transactionId));
		ok(await bed.paddle.refund(c.transactionId));
		expect(await auditActions(db.orm)).toEqual(
			expect.arrayContaining([
				{ action: 'store.purchase_completed', title: 'Purchase completed' },
				{ action: 'store.purchase_refunded', title: 'Purchase refunded' }
			])
		);
	});

	it('a full refund: one entry by Paddle with what it took back, what was spent already and the money, however often Paddle sends it', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		ok(await bed.paddle.pay(c.transactionId));
		ok(await bed.paddle.refund(c.transactionId));
		await replay(c.transactionId, 'adjustment.updated');

		const entries = await logged(u.accountId, 'store.purchase_refunded');
		expect(entries).toHaveLength(1);
		const adjustment = (await notifications(c.transactionId)).find((n) => n.event_type === 'adjustment.updated')!.payload.data as { id: string };
		expect(entries[0]).toMatchObject({
			actor: null,
			actorKeyId: null,
			actorKind: null,
			detail: { via: 'Paddle' },
			account: { accountId: u.accountId },
			targetType: 'order',
			targetId: c.orderId,
			after: { cause: 'refund', tokens_taken_back: 5000, tokens_already_spent: 0, amount_cents: 500, currency: 'USD', transaction_id: c.transactionId, adjustment_id: adjustment.id }
		});
		expect(entries[0]!.words.title).toBe('Purchase refunded');
	});

	it('a chargeback and its reversal: an entry each, by Paddle, with the tokens taken and given back', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		ok(await bed.paddle.pay(c.transactionId));
		ok(await bed.paddle.chargeback(c.transactionId));
		ok(await bed.paddle.chargeback(c.transactionId, true));
		await replay(c.transactionId, 'adjustment.created');

		const [back] = await logged(u.accountId, 'store.purchase_refunded');
		expect(back).toMatchObject({ detail: { via: 'Paddle' }, after: { cause: 'chargeback', tokens_taken_back: 5000, amount_cents: 500, currency: 'USD' } });
		expect(back!.words.title).toBe('Purchase charged back');
		const reversed = await logged(u.accountId, 'store.chargeback_reversed');
		expect(reversed).toHaveLength(1);
		expect(reversed[0]).toMatchObject({ detail: { via: 'Paddle' }, targetId: c.orderId, after: { tokens_given_back: 5000, amount_cents: 500, currency: 'USD' } });
		expect(reversed[0]!.words.title).toBe('Chargeback reversed');
	});

	it('a subscription Paddle renews: an entry by Paddle, worded as a renewal', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'monthly-20k', quantity: 1 });
		ok(await bed.paddle.pay(c.transactionId));
		const [sub] = await db.rows<{ id: string }>(sql`select paddle_subscription_id as id from subscriptions where account_id = ${u.accountId}::uuid`);
		ok(await bed.paddle.renew(sub!.id));
		const [renewal, first, ...more] = await logged(u.accountId, 'store.purchase_completed');
		expect(more).toEqual([]);
		expect(first).toMatchObject({ actor: { userId: u.userId }, after: { origin: 'api' } });
		expect(renewal).toMatchObject({ actor: null, detail: { via: 'Paddle' }, after: { package: 'monthly-20k', origin: 'subscription_recurring' } });
		expect(renewal!.words.title).toBe('Purchase completed: a subscription renewed');
	});
});
