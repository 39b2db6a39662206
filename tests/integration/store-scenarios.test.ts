import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { delivered, eventRows, lotsOf, paddleEventsFor, post, useStoreTestBed } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { subscriptions } from '../../src/lib/server/db/schema';
import { balances, consume, statement } from '../../src/lib/server/ledger';
import { getProduct } from '../../src/lib/server/store/catalog';
import { dismissCheckout, getPurchase, listPurchases, resumeCheckout, startCheckout } from '../../src/lib/server/store/orders';
import { accountPurchases, accountPurchasesRead } from '../../src/lib/server/store';
import { siteRevenue } from '../../src/lib/server/store/overview';
import { readOne } from '../../src/lib/server/db/reads';
import { cancelSubscription, listSubscriptions, resumeSubscription } from '../../src/lib/server/store/subscriptions';
import {
	envelope,
	paddleId,
	subscriptionPayload,
	type SimSubscription
} from '../../src/lib/server/store/paddle/simulator/payloads';

const bed = useStoreTestBed({ withRates: true });
let db: Db;
let hook: typeof bed.hook;
let paddle: typeof bed.paddle;

beforeAll(async () => {
	({ db, hook, paddle } = bed);
});

const available = async (accountId: string) => (await balances(db.orm, accountId)).available;
const buy = (accountId: string, productId: string, quantity = 1) =>
	startCheckout(db.orm, paddle, { accountId, userId: null, email: null, productId, quantity });

/** Spends tokens the way an AI app does (10 tokens per image search). */
async function spend(accountId: string, tokens: number, model: string | null = null) {
	await consume(db.orm, { accountId, feature: 'search_images', model, units: tokens / 10, actor: {}, idempotency: { scope: 'test', key: crypto.randomUUID() } });
}

describe(`purchases, refunds and subscriptions on ${backend}`, () => {
	it('a refund of a partly spent pack takes back only what is left, records the shortfall, and marks the order refunded', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'tokens-5k', 2);
		delivered(await paddle.pay(c.transactionId));
		await spend(u.accountId, 3_000);
		expect(await available(u.accountId)).toBe(7_000);
		delivered(await paddle.refund(c.transactionId));
		expect(await available(u.accountId)).toBe(0);
		const [lot] = await lotsOf(db, u.accountId);
		expect(lot).toMatchObject({ amount: 10_000, remaining: 0 });
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('refunded');
		expect((await statement(db.orm, u.accountId)).rows[0]).toMatchObject({ kind: 'clawback', cause: 'refund', tokens: -7_000, balanceAfter: 0 });
		const events = (await eventRows(db)).filter((e) => e.event_type.startsWith('adjustment.'));
		expect(events.map((e) => e.outcome)).toEqual(['ignored', 'flagged']);
		expect(events[1]!.note).toContain('took back 7,000 tokens; 3,000 tokens were already spent');
		await expectInvariants(db);
	});

	it('a chargeback takes back what is left; its reversal gives exactly that back', async () => {
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'starter-bundle');
		delivered(await paddle.pay(c.transactionId));
		await spend(u.accountId, 1_000, 'gpt-5-nano');
		const before = await balances(db.orm, u.accountId);
		delivered(await paddle.chargeback(c.transactionId));
		expect(await available(u.accountId)).toBe(0);
		// A chargeback is not a refund: the purchase and the statement say which it was.
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('charged_back');
		const taken = (await statement(db.orm, u.accountId)).rows.filter((r) => r.kind === 'clawback');
		expect(taken.map((r) => r.cause)).toEqual(['chargeback', 'chargeback', 'chargeback']);
		expect(taken.reduce((n, r) => n + r.tokens, 0)).toBe(-before.available);
		delivered(await paddle.chargeback(c.transactionId, true));
		const after = await balances(db.orm, u.accountId);
		expect(after.available).toBe(before.available);
		expect(after.allocations.map((a) => [a.model, a.remaining])).toEqual(before.allocations.map((a) => [a.model, a.remaining]));
		expect((await lotsOf(db, u.accountId)).filter((l) => l.source === 'refund-reversal')).toHaveLength(3);
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('completed');
		await expectInvariants(db);
	});

	it('a refund that arrives before its transaction completed is applied right after the completion', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'tokens-5k', 1);
		const events = await paddleEventsFor(db, c, 'tokens-5k');
		const completed = events.completed(new Date(Date.now() - 60_000));
		const refund = events.refund();
		expect((await post(hook.url, refund)).body).toMatchObject({ outcome: 'deferred' });
		expect(await available(u.accountId)).toBe(0);
		expect((await post(hook.url, completed)).body).toMatchObject({ outcome: 'processed' });
		expect(await available(u.accountId)).toBe(0);
		expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('refunded');
		const outcomes = Object.fromEntries((await eventRows(db)).map((e) => [e.event_id, e.outcome]));
		expect(outcomes[refund.event_id]).toBe('processed');
		expect(await lotsOf(db, u.accountId)).toMatchObject([{ amount: 5_000, remaining: 0 }]);
		await expectInvariants(db);
	});

	it('a completion and its refund arriving at the same moment end refunded, whichever runs first', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		for (let round = 0; round < 5; round++) {
			const u = await makeUser(db);
			const c = await buy(u.accountId, 'tokens-5k', 1);
			const events = await paddleEventsFor(db, c, 'tokens-5k');
			const completed = events.completed();
			const refund = events.refund();
			const replies = await Promise.all([post(hook.url, completed), post(hook.url, refund), post(hook.url, completed)]);
			expect(replies.every((r) => r.status === 200)).toBe(true);
			expect(await available(u.accountId)).toBe(0);
			expect((await getPurchase(db.orm, u.accountId, c.orderId)).status).toBe('refunded');
			expect(await lotsOf(db, u.accountId)).toMatchObject([{ amount: 5_000, remaining: 0 }]);
		}
		await expectInvariants(db);
	});

	it('subscription.updated before subscription.created: the newer state wins, the older event is ignored', async () => {
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'monthly-20k');
		const product = await getProduct(db.orm, 'monthly-20k');
		const t0 = new Date(Date.now() - 120_000);
		const sub: SimSubscription = {
			id: paddleId('sub'), status: 'active', priceId: 'pri_quota_demo_monthly_20k', quantity: 1, customData: { orderId: c.orderId },
			interval: 'month', period: { startsAt: t0.toISOString(), endsAt: new Date(t0.getTime() + 30 * 86_400_000).toISOString() },
			cancelAt: null, canceledAt: null, transactionId: c.transactionId, createdAt: t0.toISOString()
		};
		const created = envelope('subscription.created', subscriptionPayload(sub, product), t0);
		const updated = envelope('subscription.updated', subscriptionPayload({ ...sub, status: 'canceled', canceledAt: new Date().toISOString() }, product), new Date(t0.getTime() + 60_000));
		expect((await post(hook.url, updated)).body).toMatchObject({ outcome: 'processed' });
		expect((await post(hook.url, created)).body).toMatchObject({ outcome: 'ignored' });
		const [row] = await db.orm.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, sub.id));
		expect(row).toMatchObject({ accountId: u.accountId, productId: 'monthly-20k', status: 'canceled' });
		expect(row!.canceledAt).not.toBeNull();
	});

	it('a subscription grants its allocation per period: a renewal replaces it (no roll-over) and shows in the history', async () => {
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'monthly-20k');
		const first = await paddle.pay(c.transactionId);
		expect(first.map((d) => d.eventType)).toEqual(['subscription.created', 'transaction.completed']);
		delivered(first);
		expect(await available(u.accountId)).toBe(20_000);
		const [sub] = await listSubscriptions(db.orm, u.accountId);
		expect(sub).toMatchObject({ productId: 'monthly-20k', status: 'active' });
		expect(sub!.nextBilledAt).not.toBeNull();
		const [lot1] = await lotsOf(db, u.accountId);
		expect(lot1).toMatchObject({ source: 'subscription', amount: 20_000 });
		expect(lot1!.expires_at).not.toBeNull();

		await spend(u.accountId, 5_000);
		const paddleSub = (await paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
		expect(paddleSub.productName).toBe('Monthly plan');
		delivered(await paddle.renew(paddleSub.id));
		expect(await available(u.accountId)).toBe(20_000);
		const lots = await lotsOf(db, u.accountId);
		expect(lots).toHaveLength(2);
		expect(lots[0]!.expired_at).not.toBeNull();
		expect(lots[1]).toMatchObject({ source: 'subscription', amount: 20_000, remaining: 20_000, expired_at: null });

		const history = await listPurchases(db.orm, u.accountId);
		expect(history.map((h) => [h.productId, h.status, h.renewal])).toEqual([
			['monthly-20k', 'completed', true],
			['monthly-20k', 'completed', false]
		]);
		// The statement shows how the renewal moved the balance: +20,000 and the old period's 15,000 ended.
		const moves = (await statement(db.orm, u.accountId)).rows;
		expect(moves.map((m) => [m.kind, m.note, m.tokens]).sort()).toEqual(
			[
				['expiry', 'Monthly plan', -15_000],
				['grant', 'Monthly plan · renewal', 20_000],
				['spend', null, -5_000],
				['grant', 'Monthly plan', 20_000]
			].sort()
		);
		expect(moves[0]!.balanceAfter).toBe(20_000);
		// Renewal and end share one instant: in either order, each balance follows from the one before.
		moves.forEach((m, i) => expect(m.balanceAfter - m.tokens).toBe(moves[i + 1]?.balanceAfter ?? 0));
		await expectInvariants(db);
	});

	it('canceling from the app schedules the end with Paddle; the next renewal ends the subscription instead of billing', async () => {
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'annual-300k');
		delivered(await paddle.pay(c.transactionId));
		const [sub] = await listSubscriptions(db.orm, u.accountId);
		await cancelSubscription(db.orm, paddle, u.accountId, sub!.id, { userId: u.userId });
		const [scheduled] = await listSubscriptions(db.orm, u.accountId);
		expect(scheduled).toMatchObject({ status: 'active', nextBilledAt: null });
		const paddleSub = (await paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
		expect((await paddle.renew(paddleSub.id)).map((d) => d.eventType)).toEqual(['subscription.canceled']);
		const [ended] = await listSubscriptions(db.orm, u.accountId);
		expect(ended).toMatchObject({ status: 'canceled' });
		expect(await available(u.accountId)).toBe(300_000);
		await expect(cancelSubscription(db.orm, paddle, u.accountId, sub!.id, { userId: u.userId })).rejects.toMatchObject({ code: 'conflict' });
		const other = await makeUser(db);
		await expect(cancelSubscription(db.orm, paddle, other.accountId, sub!.id, { userId: other.userId })).rejects.toMatchObject({ code: 'not_found' });
		await expectInvariants(db);
	});

	it("keeping a subscription takes back its scheduled end: it renews at the period's end as before, billed once", async () => {
		const u = await makeUser(db);
		const c = await buy(u.accountId, 'monthly-20k');
		delivered(await paddle.pay(c.transactionId));
		const [sub] = await listSubscriptions(db.orm, u.accountId);
		await expect(resumeSubscription(db.orm, paddle, u.accountId, sub!.id, { userId: u.userId })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('not ending') });
		await cancelSubscription(db.orm, paddle, u.accountId, sub!.id, { userId: u.userId });
		expect((await listSubscriptions(db.orm, u.accountId))[0]).toMatchObject({ status: 'active', nextBilledAt: null });
		const other = await makeUser(db);
		await expect(resumeSubscription(db.orm, paddle, other.accountId, sub!.id, { userId: other.userId })).rejects.toMatchObject({ code: 'not_found' });

		await resumeSubscription(db.orm, paddle, u.accountId, sub!.id, { userId: u.userId });
		// Both asks are in the audit log, by the member, on the subscription (the refused ones are not).
		const asked = await db.rows<{ action: string; actor_user_id: string; detail: unknown }>(sql`
			select action, actor_user_id, detail from audit_log where target_type = 'subscription' and target_id = ${sub!.id} order by at, id`);
		expect(asked).toEqual([
			{ action: 'store.subscription_cancel_asked', actor_user_id: u.userId, detail: { package: 'Monthly plan' } },
			{ action: 'store.subscription_keep_asked', actor_user_id: u.userId, detail: { package: 'Monthly plan' } }
		]);
		const [kept] = await listSubscriptions(db.orm, u.accountId);
		expect(kept).toMatchObject({ status: 'active', nextBilledAt: kept!.currentPeriodEnd });
		expect(kept!.nextBilledAt).not.toBeNull();
		// The period's end bills the next period (not the end), and the plan's tokens come again.
		const paddleSub = (await paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
		expect((await paddle.renew(paddleSub.id)).map((d) => d.eventType)).not.toContain('subscription.canceled');
		expect((await listSubscriptions(db.orm, u.accountId))[0]).toMatchObject({ status: 'active' });
		expect(await available(u.accountId)).toBe(20_000);
		const grants = await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${u.accountId}::uuid and kind = 'grant'`);
		expect(grants[0]!.n).toBe(2);
		await expectInvariants(db);
	});

	it('an unpaid checkout is no purchase: its opener sees it apart for an hour, to resume or dismiss; the lists and the revenue count paid orders only', async () => {
		const u = await makeUser(db);
		const other = await makeUser(db);
		const open = (userId = u.userId) => accountPurchases(db.orm, u.accountId, userId);
		const checkout = (key: string) => startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 2, checkoutKey: key });
		const usdPurchasesToday = async () => (await siteRevenue(db.orm)).today.find((r) => r.currency === 'USD')?.purchases ?? 0;
		const paidBefore = await usdPurchasesToday();

		const c = await checkout('a');
		expect(await open()).toMatchObject({ purchases: [], openCheckout: { id: c.orderId, status: 'pending', tokens: 10_000, quantity: 2 } });
		const { openCheckout } = await open();
		expect(Date.parse(openCheckout!.openUntil) - Date.parse(openCheckout!.createdAt)).toBe(3_600_000);
		// Only its opener is offered it (only they can pay it again); the dashboard's read says the same.
		expect((await open(other.userId)).openCheckout).toBeNull();
		expect(await readOne(db.orm, accountPurchasesRead(u.accountId, u.userId))).toEqual(await open());
		const mine = { accountId: u.accountId, userId: u.userId, orderId: c.orderId };
		await expect(resumeCheckout(db.orm, paddle, { ...mine, email: null })).resolves.toMatchObject({ orderId: c.orderId, transactionId: c.transactionId });
		await expect(resumeCheckout(db.orm, paddle, { ...mine, userId: other.userId, email: null })).rejects.toMatchObject({ code: 'not_found' });
		await expect(dismissCheckout(db.orm, { ...mine, accountId: other.accountId })).rejects.toMatchObject({ code: 'not_found' });
		delivered(await paddle.pay(c.transactionId));
		expect(await open()).toMatchObject({ purchases: [{ id: c.orderId, status: 'completed' }], openCheckout: null });

		// Dismissed: gone from the page, charged nothing, not resumable; a payment Paddle still reports completes it.
		const d = await checkout('b');
		await dismissCheckout(db.orm, { ...mine, orderId: d.orderId });
		expect(await open()).toMatchObject({ purchases: [{ id: c.orderId }], openCheckout: null });
		await expect(resumeCheckout(db.orm, paddle, { ...mine, orderId: d.orderId, email: null })).rejects.toMatchObject({ code: 'not_found' });
		await expect(dismissCheckout(db.orm, { ...mine, orderId: d.orderId })).rejects.toMatchObject({ code: 'not_found' });
		delivered(await paddle.pay(d.transactionId));
		expect((await listPurchases(db.orm, u.accountId)).map((p) => [p.id, p.status])).toEqual([[d.orderId, 'completed'], [c.orderId, 'completed']]);

		// Left an hour: abandoned, shown nowhere; declined: failed, shown nowhere.
		const e = await checkout('c');
		await db.rows(sql`update orders set created_at = now() - interval '61 minutes' where id = ${e.orderId}::uuid`);
		const f = await checkout('d');
		delivered(await paddle.decline(f.transactionId));
		expect(await open()).toMatchObject({ openCheckout: null });
		expect((await listPurchases(db.orm, u.accountId)).map((p) => p.id)).toEqual([d.orderId, c.orderId]);
		await expect(resumeCheckout(db.orm, paddle, { ...mine, orderId: e.orderId, email: null })).rejects.toMatchObject({ code: 'not_found' });
		// The store still follows any one order it waits on.
		expect((await getPurchase(db.orm, u.accountId, f.orderId)).status).toBe('failed');
		// The console's revenue counts the same purchases: the two paid, none of the four unpaid, dismissed, abandoned or declined.
		expect((await usdPurchasesToday()) - paidBefore).toBe(2);
		await expectInvariants(db);
	});

	it('an unpaid checkout of what was bought since says so: resuming it would buy the same pack a second time', async () => {
		const u = await makeUser(db);
		const checkout = (key: string, quantity = 2) => startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity, checkoutKey: key });
		const open = async () => (await accountPurchases(db.orm, u.accountId, u.userId)).openCheckout;

		// Bought before it started, or another quantity since: nothing bought again.
		delivered(await paddle.pay((await checkout('before')).transactionId));
		await db.rows(sql`update orders set created_at = created_at - interval '2 minutes', completed_at = completed_at - interval '2 minutes' where account_id = ${u.accountId}::uuid`);
		const left = await checkout('left');
		delivered(await paddle.pay((await checkout('three', 3)).transactionId));
		expect(await open()).toMatchObject({ id: left.orderId, boughtSince: null });

		// The same pack and quantity paid after it started: the open one says when, and in the page's words who.
		const again = await checkout('again');
		delivered(await paddle.pay(again.transactionId));
		const [paid] = await listPurchases(db.orm, u.accountId, { orderId: again.orderId });
		expect(await open()).toMatchObject({ id: left.orderId, boughtSince: { orderId: again.orderId, completedAt: paid!.completedAt, bought: 'You bought Token pack × 2' } });
		// Still the opener's to resume (a person may want two) or dismiss.
		await expect(resumeCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, orderId: left.orderId })).resolves.toMatchObject({ orderId: left.orderId });
		await expectInvariants(db);
	});

	it('a plan the account has is not sold to it again: refused while active or ending, its unpaid checkout reopened, sold again once ended', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'monthly-20k', quantity: 1, checkoutKey: 'k1' });
		// Closed unpaid and asked again: the same checkout (one Paddle transaction, payable once), not a second one.
		const again = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'monthly-20k', quantity: 1, checkoutKey: 'k2' });
		expect(again).toMatchObject({ orderId: c.orderId, transactionId: c.transactionId });
		const other = (await makeUser(db)).userId;
		await expect(startCheckout(db.orm, paddle, { accountId: u.accountId, userId: other, email: null, productId: 'monthly-20k', quantity: 1 })).rejects.toMatchObject({
			code: 'conflict',
			message: 'Another member of this team has a checkout for Monthly plan open; it lapses an hour after it was opened.'
		});
		expect((await accountPurchases(db.orm, u.accountId, u.userId)).openCheckout).toMatchObject({ id: c.orderId });
		delivered(await paddle.pay(c.transactionId));
		const refused = buy(u.accountId, 'monthly-20k');
		await expect(refused).rejects.toMatchObject({ code: 'conflict', message: 'You already subscribe to Monthly plan on this account; manage it in Purchases.' });
		const [sub] = await listSubscriptions(db.orm, u.accountId);
		await cancelSubscription(db.orm, paddle, u.accountId, sub!.id, { userId: u.userId });
		await expect(buy(u.accountId, 'monthly-20k')).rejects.toMatchObject({ code: 'conflict' });
		// Another account, and packs, are not affected.
		expect((await buy((await makeUser(db)).accountId, 'monthly-20k')).orderId).toBeTruthy();
		expect((await buy(u.accountId, 'tokens-5k', 2)).orderId).toBeTruthy();
		const paddleSub = (await paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
		delivered(await paddle.renew(paddleSub.id));
		expect((await listSubscriptions(db.orm, u.accountId))[0]).toMatchObject({ status: 'canceled' });
		expect((await buy(u.accountId, 'monthly-20k')).orderId).toBeTruthy();
		expect(await available(u.accountId)).toBe(20_000);
		await expectInvariants(db);
	});

	it('two tabs that subscribe to one plan at the same moment get one order and one Paddle transaction', async () => {
		const u = await makeUser(db);
		const start = (key: string) => startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'monthly-20k', quantity: 1, checkoutKey: key });
		const tries = await Promise.allSettled([start('tab-1'), start('tab-2'), start('tab-3')]);
		// Each is the one order (reopened once Paddle answered for it), or "still being started" (retry): never a second.
		const answered = tries.flatMap((t) => (t.status === 'fulfilled' ? [t.value.orderId] : []));
		const refused = tries.flatMap((t) => (t.status === 'rejected' ? [t.reason as { code: string }] : []));
		expect(new Set(answered).size).toBe(1);
		expect(refused.map((r) => r.code)).toEqual(refused.map(() => 'idempotency_key_in_flight'));
		const orders = await db.rows<{ n: number }>(sql`select count(*)::int as n from orders where account_id = ${u.accountId}::uuid`);
		expect(orders[0]!.n).toBe(1);
		// Retried, the refused tab gets the same checkout.
		expect((await start('tab-4')).orderId).toBe(answered[0]);
		// An order whose Paddle transaction never came (the server stopped mid-way) holds nothing back after a minute.
		await db.rows(sql`update orders set paddle_transaction_id = null, created_at = now() - interval '2 minutes' where account_id = ${u.accountId}::uuid`);
		expect((await start('tab-5')).orderId).not.toBe(answered[0]);
		await expectInvariants(db);
	});

	it('a second subscription to a plan that still arrives from Paddle is granted (it was paid), flagged for an admin, and refundable', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const u = await makeUser(db);
		// Opened, left past the hour (Paddle still takes it), a new checkout paid, then the old tab paid too.
		const old = await buy(u.accountId, 'monthly-20k');
		await db.rows(sql`update orders set created_at = now() - interval '2 hours' where id = ${old.orderId}::uuid`);
		const c = await buy(u.accountId, 'monthly-20k');
		delivered(await paddle.pay(c.transactionId));
		delivered(await paddle.pay(old.transactionId));
		expect(await available(u.accountId)).toBe(40_000);
		const subs = await listSubscriptions(db.orm, u.accountId);
		expect(subs.map((s) => [s.productId, s.status])).toEqual([
			['monthly-20k', 'active'],
			['monthly-20k', 'active']
		]);
		const completions = (await eventRows(db)).filter((e) => e.event_type === 'transaction.completed' && e.note?.includes('second Monthly plan subscription'));
		expect(completions).toHaveLength(1);
		expect(completions[0]!.outcome).toBe('flagged');
		expect((await getPurchase(db.orm, u.accountId, old.orderId)).status).toBe('completed');
		await expectInvariants(db);
		// The admin refunds the second one: its tokens go back, the first plan's stay.
		delivered(await paddle.refund(old.transactionId));
		expect(await available(u.accountId)).toBe(20_000);
		expect((await getPurchase(db.orm, u.accountId, old.orderId)).status).toBe('refunded');
		await expectInvariants(db);
	});

	it('checkout refuses quantities outside 1..max and packages without a price', async () => {
		const u = await makeUser(db);
		await expect(buy(u.accountId, 'tokens-5k', 0)).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(buy(u.accountId, 'tokens-5k', 101)).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(buy(u.accountId, 'monthly-20k', 2)).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(buy(u.accountId, 'no-such-thing', 1)).rejects.toMatchObject({ code: 'not_found' });
		expect(await listPurchases(db.orm, u.accountId)).toEqual([]);
	});
});
