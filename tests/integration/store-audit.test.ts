// Money changes balances: a purchase, a refund (full or partial), a credit, a chargeback (full or
// partial), its reversal and a chargeback warning are in the audit log, written with the ledger's
// change, worded as the log says them, and once however often Paddle sends the notification.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { makeUser } from '../helpers/ledger';
import { delivered, post, useStoreTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { expectInvariants } from '../helpers/ledger';
import { startCheckout } from '../../src/lib/server/store/orders';
import { chargeOffSession } from '../../src/lib/server/store/charges';
import { getProduct } from '../../src/lib/server/store/catalog';
import { balances, consume, statement } from '../../src/lib/server/ledger';
import { getPurchase } from '../../src/lib/server/store/orders';
import { auditActions, listAudit, type AuditRow } from '../../src/lib/server/admin';
import { audit } from '../../src/lib/server/accounts';
import { adjustmentPayload, envelope, paddleId, type SimTransaction } from '../../src/lib/server/store/paddle/simulator/payloads';

const bed = useStoreTestBed({ withRates: true });
let db: Db;

beforeAll(async () => {
	db = bed.db;
});

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
		delivered(await bed.paddle.pay(c.transactionId));
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
		delivered(await bed.paddle.pay(c.transactionId));
		const [entry] = await logged(u.accountId, 'store.purchase_completed');
		expect(entry!.after).toMatchObject({ origin: 'api', channel: 'embed' });
		expect(entry!.words.lines).toContainEqual({ label: 'Bought in', value: { text: 'The embedded store' } });
	});

	it('the log’s action filter lists purchases, refunds and reversals by their words', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		delivered(await bed.paddle.refund(c.transactionId));
		expect(await auditActions(db.orm)).toEqual(
			expect.arrayContaining([
				{ action: 'store.purchase_completed', title: 'Purchase completed' },
				{ action: 'store.purchase_refunded', title: 'Purchase refunded' }
			])
		);
	});

	it('the filter finds chargebacks alone, those written as refunds before they had their own action too', async () => {
		const u = await makeUser(db);
		const refunded = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(refunded.transactionId));
		delivered(await bed.paddle.refund(refunded.transactionId));
		const charged = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(charged.transactionId));
		delivered(await bed.paddle.chargeback(charged.transactionId));
		// A chargeback as the log recorded it until its action was its own.
		await audit(db.orm, { action: 'store.purchase_refunded', targetType: 'order', targetId: 'o-before', accountId: u.accountId, after: { cause: 'chargeback', tokens_taken_back: 10, tokens_already_spent: 0, adjustment_id: 'adj_before' } });
		expect((await logged(u.accountId, 'store.purchase_refunded')).map((e) => [e.targetId, e.words.title])).toEqual([[refunded.orderId, 'Purchase refunded']]);
		expect((await logged(u.accountId, 'store.purchase_charged_back')).map((e) => [e.targetId, e.words.title])).toEqual([
			['o-before', 'Purchase charged back'],
			[charged.orderId, 'Purchase charged back']
		]);
		expect(await auditActions(db.orm)).toEqual(expect.arrayContaining([
			{ action: 'store.purchase_refunded', title: 'Purchase refunded' },
			{ action: 'store.purchase_charged_back', title: 'Purchase charged back' }
		]));
	});

	it('a full refund: one entry by Paddle with what it took back, what was spent already and the money, however often Paddle sends it', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		delivered(await bed.paddle.refund(c.transactionId));
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
		delivered(await bed.paddle.pay(c.transactionId));
		delivered(await bed.paddle.chargeback(c.transactionId));
		delivered(await bed.paddle.chargeback(c.transactionId, true));
		await replay(c.transactionId, 'adjustment.created');

		expect(await logged(u.accountId, 'store.purchase_refunded')).toEqual([]);
		const [back] = await logged(u.accountId, 'store.purchase_charged_back');
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
		delivered(await bed.paddle.pay(c.transactionId));
		const [sub] = await db.rows<{ id: string }>(sql`select paddle_subscription_id as id from subscriptions where account_id = ${u.accountId}::uuid`);
		delivered(await bed.paddle.renew(sub!.id));
		const [renewal, first, ...more] = await logged(u.accountId, 'store.purchase_completed');
		expect(more).toEqual([]);
		expect(first).toMatchObject({ actor: { userId: u.userId }, after: { origin: 'api' } });
		expect(renewal).toMatchObject({ actor: null, detail: { via: 'Paddle' }, after: { package: 'monthly-20k', origin: 'subscription_recurring' } });
		expect(renewal!.words.title).toBe('Purchase completed: a subscription renewed');
	});
});

/** Every entry of the account that moved money (Paddle's purchases and adjustments), oldest first. */
async function moneyEntries(accountId: string): Promise<AuditRow[]> {
	const { rows } = await listAudit(db.orm, { account: accountId }, 200);
	return rows.filter((r) => /^store\.(purchase|chargeback|credit)_/.test(r.action)).reverse();
}

/** A member who bought 2 × the 5,000-token pack ($10.00, 10,000 tokens) through the store and Paddle. */
async function buyer() {
	const u = await makeUser(db);
	const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 2 });
	delivered(await bed.paddle.pay(c.transactionId));
	return { ...u, ...c };
}

type Adjustment = {
	id: string;
	action: 'refund' | 'credit' | 'credit_reverse' | 'chargeback' | 'chargeback_reverse' | 'chargeback_warning' | 'chargeback_warning_reverse';
	type: 'full' | 'partial';
	cents: number;
};

/** Paddle's notification of an adjustment of the buyer's transaction, in one status, with its own amount (Paddle's payload shape: the SDK reads it). */
async function adjustment(b: { transactionId: string; orderId: string }, a: Adjustment, status: 'pending_approval' | 'approved' | 'rejected', eventType = 'adjustment.updated') {
	const product = await getProduct(db.orm, 'tokens-5k');
	const at = new Date().toISOString();
	const txn: SimTransaction = {
		id: b.transactionId, status: 'completed', origin: 'api', priceId: product.paddlePriceSandbox!, quantity: 2,
		customData: { orderId: b.orderId }, subscriptionId: null, billingPeriod: null, payments: [], createdAt: at, billedAt: at
	};
	const base = adjustmentPayload(txn, product, 'refund', 'approved', a.id);
	const cents = String(a.cents);
	return envelope(eventType, {
		...base,
		action: a.action,
		type: a.type,
		status,
		items: base.items.map((i) => ({ ...i, type: a.type, amount: cents, totals: { ...i.totals, total: cents, subtotal: cents } })),
		totals: { ...base.totals, total: cents, subtotal: cents }
	});
}

/** Delivers an event, then delivers it again (the same event id) and once more under a new event id, as Paddle's retries and redeliveries do. */
async function deliverAndReplay(event: { event_id: string }) {
	const first = await post(bed.hook.url, event);
	expect(first.status).toBe(200);
	expect((await post(bed.hook.url, event)).body).toMatchObject({ duplicate: true });
	expect((await post(bed.hook.url, { ...event, event_id: paddleId('evt') })).body).toMatchObject({ duplicate: false });
	return first.body;
}

describe(`every money movement in the audit log, once, on ${backend}`, () => {
	it('a partial refund: an entry by Paddle with what it paid back of the order, and that it took no tokens, and why; a second partial refund has its own', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const b = await buyer();
		const first: Adjustment = { id: paddleId('adj'), action: 'refund', type: 'partial', cents: 250 };
		expect((await post(bed.hook.url, await adjustment(b, first, 'pending_approval', 'adjustment.created'))).body).toMatchObject({ outcome: 'ignored' });
		expect(await moneyEntries(b.accountId)).toHaveLength(1); // the purchase: nothing moved while Paddle waits for approval
		// The Payments page says why in words, not Paddle's status ('adjustment is pending_approval' before).
		const [waiting] = await db.rows<{ note: string }>(sql`select note from paddle_events where transaction_id = ${b.transactionId} and event_type = 'adjustment.created'`);
		expect(waiting!.note).toBe("refund waits for Paddle's approval: nothing moves until it is approved");
		expect(await deliverAndReplay(await adjustment(b, first, 'approved'))).toMatchObject({ outcome: 'flagged' });

		const [purchase, refund, ...more] = await moneyEntries(b.accountId);
		expect(purchase!.action).toBe('store.purchase_completed');
		expect(more).toEqual([]);
		expect(refund).toMatchObject({
			action: 'store.purchase_partly_refunded',
			actor: null,
			actorKind: null,
			detail: { via: 'Paddle' },
			targetType: 'order',
			targetId: b.orderId,
			after: { tokens_taken_back: 0, paid_cents: 1000, amount_cents: 250, currency: 'USD', transaction_id: b.transactionId, adjustment_id: first.id }
		});
		expect(refund!.words).toEqual({
			title: 'Purchase partly refunded',
			lines: [
				{ label: 'Paid back', value: { cents: 250, currency: 'USD' } },
				{ label: 'Paid for the order', value: { cents: 1000, currency: 'USD' } },
				{ label: 'Tokens taken back', value: { text: 'None: Paddle does not say which of the tokens a partial refund is for; adjust the balance to take some back' } },
				{ label: 'Paddle transaction', value: { text: b.transactionId } },
				{ label: 'Paddle adjustment', value: { text: first.id } }
			],
			changes: []
		});
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000);

		const second: Adjustment = { id: paddleId('adj'), action: 'refund', type: 'partial', cents: 100 };
		await deliverAndReplay(await adjustment(b, second, 'approved', 'adjustment.created'));
		const partial = await logged(b.accountId, 'store.purchase_partly_refunded');
		expect(partial.map((e) => [e.after, e.actorKind])).toEqual([
			[expect.objectContaining({ amount_cents: 100, adjustment_id: second.id }), null],
			[expect.objectContaining({ amount_cents: 250, adjustment_id: first.id }), null]
		]);
		expect(await auditActions(db.orm)).toContainEqual({ action: 'store.purchase_partly_refunded', title: 'Purchase partly refunded' });
		await expectInvariants(db);
	});

	// Each adjustment Paddle sends, in each status: approved ones write one entry (whatever their type), a
	// pending or rejected one none; replays none more. A partial chargeback takes back its share.
	const cases: { a: Omit<Adjustment, 'id'>; action: string | null; title?: string; left: number }[] = [
		{ a: { action: 'refund', type: 'partial', cents: 250 }, action: 'store.purchase_partly_refunded', title: 'Purchase partly refunded', left: 10_000 },
		{ a: { action: 'refund', type: 'full', cents: 1000 }, action: 'store.purchase_refunded', title: 'Purchase refunded', left: 0 },
		{ a: { action: 'credit', type: 'partial', cents: 300 }, action: 'store.purchase_credited', title: "Purchase credited to the buyer's Paddle balance", left: 10_000 },
		{ a: { action: 'credit', type: 'full', cents: 1000 }, action: 'store.purchase_credited', title: "Purchase credited to the buyer's Paddle balance", left: 10_000 },
		{ a: { action: 'chargeback', type: 'full', cents: 1000 }, action: 'store.purchase_charged_back', title: 'Purchase charged back', left: 0 },
		{ a: { action: 'chargeback', type: 'partial', cents: 250 }, action: 'store.purchase_charged_back', title: 'Purchase partly charged back', left: 7_500 },
		{ a: { action: 'chargeback_warning', type: 'full', cents: 1000 }, action: 'store.chargeback_warned', title: "Chargeback warning: the buyer's bank reports a dispute", left: 10_000 },
		{ a: { action: 'chargeback_warning_reverse', type: 'full', cents: 1000 }, action: 'store.chargeback_warning_withdrawn', title: 'Chargeback warning withdrawn: the dispute ended without a chargeback', left: 10_000 }
	];
	for (const c of cases) {
		it(`${c.a.type} ${c.a.action}: ${c.action ? `one entry (“${c.title}”) once approved` : 'no entry'}, none while pending or when rejected, none on a replay`, async () => {
			vi.spyOn(console, 'warn').mockImplementation(() => {});
			const b = await buyer();
			const rejected: Adjustment = { ...c.a, id: paddleId('adj') };
			await deliverAndReplay(await adjustment(b, rejected, 'pending_approval', 'adjustment.created'));
			await deliverAndReplay(await adjustment(b, rejected, 'rejected'));
			const approved: Adjustment = { ...c.a, id: paddleId('adj') };
			await deliverAndReplay(await adjustment(b, approved, 'pending_approval', 'adjustment.created'));
			await deliverAndReplay(await adjustment(b, approved, 'approved'));

			const [purchase, ...adjusted] = await moneyEntries(b.accountId);
			expect(purchase!.action).toBe('store.purchase_completed');
			expect(adjusted.map((e) => [e.action, e.words.title, e.detail, e.after])).toEqual(
				c.action ? [[c.action, c.title, { via: 'Paddle' }, expect.objectContaining({ amount_cents: c.a.cents, currency: 'USD', adjustment_id: approved.id })]] : []
			);
			expect((await balances(db.orm, b.accountId)).available).toBe(c.left);
			await expectInvariants(db);
		});
	}

	it('a chargeback and its reversal delivered again and again: one entry each', async () => {
		const b = await buyer();
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback', type: 'full', cents: 1000 }, 'approved', 'adjustment.created'));
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback_reverse', type: 'full', cents: 1000 }, 'approved', 'adjustment.created'));
		expect((await moneyEntries(b.accountId)).map((e) => e.words.title)).toEqual(['Purchase completed', 'Purchase charged back', 'Chargeback reversed']);
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000);
		await expectInvariants(db);
	});

	it('a partial chargeback takes back its share of the tokens (never more than is left, the spent part said); its reversal gives back what it took', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const b = await buyer();
		// 10,000 tokens for $10.00; 9,000 of them spent.
		await consume(db.orm, { accountId: b.accountId, feature: 'search_images', model: null, units: 900, actor: {}, idempotency: { scope: 'test', key: crypto.randomUUID() } });
		const first: Adjustment = { id: paddleId('adj'), action: 'chargeback', type: 'partial', cents: 400 };
		expect(await deliverAndReplay(await adjustment(b, first, 'approved', 'adjustment.created'))).toMatchObject({ outcome: 'flagged' });
		// $4.00 of $10.00 is 4,000 tokens: 1,000 were left, 3,000 already spent.
		expect((await balances(db.orm, b.accountId)).available).toBe(0);
		const [entry] = await logged(b.accountId, 'store.purchase_charged_back');
		expect(entry).toMatchObject({
			detail: { via: 'Paddle' },
			after: { cause: 'chargeback', tokens_due: 4000, paid_cents: 1000, tokens_taken_back: 1000, tokens_already_spent: 3000, amount_cents: 400, adjustment_id: first.id }
		});
		expect(entry!.words.title).toBe('Purchase partly charged back');
		expect(entry!.words.lines.slice(0, 3)).toEqual([
			{ label: 'Tokens taken back', value: { figure: 1000 } },
			{ label: 'Tokens already spent', value: { figure: 3000 } },
			{ label: "Share of the order's tokens", value: { figure: 4000 } }
		]);
		expect((await statement(db.orm, b.accountId)).rows[0]).toMatchObject({ kind: 'clawback', cause: 'chargeback', tokens: -1000, balanceAfter: 0 });
		expect((await getPurchase(db.orm, b.accountId, b.orderId)).status).toBe('partially_refunded');

		// Paddle wins the dispute: what the chargeback took comes back, no more.
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback_reverse', type: 'partial', cents: 400 }, 'approved', 'adjustment.created'));
		expect((await balances(db.orm, b.accountId)).available).toBe(1000);
		expect((await logged(b.accountId, 'store.chargeback_reversed'))[0]!.after).toMatchObject({ tokens_given_back: 1000 });
		await expectInvariants(db);
	});

	it('a partial chargeback of an order whose paid total is unknown takes no tokens, says why, and is flagged for an admin', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const b = await buyer();
		// As an order whose completion Paddle sent without a total.
		await db.rows(sql`update orders set amount_cents = null where id = ${b.orderId}::uuid`);
		expect(await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback', type: 'partial', cents: 400 }, 'approved', 'adjustment.created'))).toMatchObject({ outcome: 'flagged' });
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000);
		const [entry] = await logged(b.accountId, 'store.purchase_charged_back');
		expect(entry!.after).toMatchObject({ cause: 'chargeback', tokens_due: 'unknown', tokens_taken_back: 0, tokens_already_spent: 0, amount_cents: 400 });
		expect(entry!.words.title).toBe('Purchase partly charged back');
		expect(entry!.words.lines).toContainEqual({ label: "Share of the order's tokens", value: { text: 'Unknown: what the order paid is not known, so none were taken back; adjust the balance to take some back' } });
		await expectInvariants(db);
	});

	it('two partial chargebacks of an unspent order: each takes its own share, once however often Paddle sends it', async () => {
		const b = await buyer();
		for (const cents of [250, 300]) {
			await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback', type: 'partial', cents }, 'approved', 'adjustment.created'));
		}
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000 - 2_500 - 3_000);
		expect((await logged(b.accountId, 'store.purchase_charged_back')).map((e) => [e.after, e.words.title])).toEqual([
			[expect.objectContaining({ tokens_due: 3000, tokens_taken_back: 3000, tokens_already_spent: 0, amount_cents: 300 }), 'Purchase partly charged back'],
			[expect.objectContaining({ tokens_due: 2500, tokens_taken_back: 2500, tokens_already_spent: 0, amount_cents: 250 }), 'Purchase partly charged back']
		]);
		await expectInvariants(db);
	});

	it('a chargeback warning moves no tokens, the chargeback that follows takes them, and its reversal gives them back: one entry each, in order', async () => {
		const b = await buyer();
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback_warning', type: 'full', cents: 1000 }, 'approved', 'adjustment.created'));
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000);
		expect((await getPurchase(db.orm, b.accountId, b.orderId)).status).toBe('completed');
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback', type: 'full', cents: 1000 }, 'approved', 'adjustment.created'));
		expect((await balances(db.orm, b.accountId)).available).toBe(0);
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'chargeback_reverse', type: 'full', cents: 1000 }, 'approved', 'adjustment.created'));
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000);
		const entries = await moneyEntries(b.accountId);
		expect(entries.map((e) => e.words.title)).toEqual(['Purchase completed', "Chargeback warning: the buyer's bank reports a dispute", 'Purchase charged back', 'Chargeback reversed']);
		expect(entries[1]!.words.lines).toContainEqual({ label: 'Tokens taken back', value: { text: 'None: a warning moves no money; a chargeback, if one follows, takes its tokens back' } });
		await expectInvariants(db);
	});

	it('a credit and its reversal delivered again and again: one entry each, neither moving tokens', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const b = await buyer();
		await deliverAndReplay(await adjustment(b, { id: paddleId('adj'), action: 'credit', type: 'partial', cents: 400 }, 'approved', 'adjustment.created'));
		const reversal = paddleId('adj');
		await deliverAndReplay(await adjustment(b, { id: reversal, action: 'credit_reverse', type: 'partial', cents: 400 }, 'approved', 'adjustment.created'));
		const entries = await moneyEntries(b.accountId);
		expect(entries.map((e) => e.words.title)).toEqual(['Purchase completed', "Purchase credited to the buyer's Paddle balance", "Credit to the buyer's Paddle balance reversed"]);
		expect(entries[2]).toMatchObject({ detail: { via: 'Paddle' }, after: { paid_cents: 1000, amount_cents: 400, currency: 'USD', adjustment_id: reversal } });
		expect((await balances(db.orm, b.accountId)).available).toBe(10_000);
		await expectInvariants(db);
	});

	it('a subscription: its first payment, each renewal and each auto top-up one entry; past due and cancellation move no money and write none; replays none', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'monthly-20k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		const [sub] = await db.rows<{ id: string; paddle: string }>(sql`select id, paddle_subscription_id as paddle from subscriptions where account_id = ${u.accountId}::uuid`);
		delivered(await bed.paddle.renew(sub!.paddle));
		await chargeOffSession(db.orm, bed.paddle, { accountId: u.accountId, productId: 'tokens-5k', subscription: { id: sub!.id, paddleSubscriptionId: sub!.paddle } });

		// The next renewal's payment fails: Paddle reports the failed transaction and the subscription past due.
		const stored = await db.rows<{ event_type: string; payload: { data: Record<string, unknown> } }>(
			sql`select event_type, payload from paddle_events where payload->'data'->>'id' = ${sub!.paddle} or payload->'data'->>'subscription_id' = ${sub!.paddle} order by received_at`
		);
		const renewal = stored.filter((e) => e.event_type === 'transaction.completed').at(-1)!.payload.data;
		const subscription = stored.filter((e) => e.event_type.startsWith('subscription.')).at(-1)!.payload.data;
		await deliverAndReplay(envelope('transaction.payment_failed', { ...renewal, id: paddleId('txn'), status: 'past_due', billed_at: null, payments: [{ ...(renewal.payments as object[])[0], status: 'error' }] }));
		await deliverAndReplay(envelope('subscription.past_due', { ...subscription, status: 'past_due' }));
		// Then it is canceled.
		await deliverAndReplay(envelope('subscription.canceled', { ...subscription, status: 'canceled', canceled_at: new Date().toISOString(), scheduled_change: null, next_billed_at: null }));

		// Every stored notification of the account, delivered again under a new event id: no entry more.
		for (const e of await db.rows<{ payload: { event_id: string } }>(sql`select payload from paddle_events where payload->'data'->>'id' = ${sub!.paddle} or payload->'data'->>'subscription_id' = ${sub!.paddle}`)) {
			expect((await post(bed.hook.url, { ...e.payload, event_id: paddleId('evt') })).status).toBe(200);
		}
		expect((await moneyEntries(u.accountId)).map((e) => e.words.title)).toEqual([
			'Purchase completed',
			'Purchase completed: a subscription renewed',
			'Purchase completed: an auto top-up'
		]);
		const [status] = await db.rows<{ status: string }>(sql`select status from subscriptions where id = ${sub!.id}::uuid`);
		expect(status!.status).toBe('canceled');
		await expectInvariants(db);
	});
});
