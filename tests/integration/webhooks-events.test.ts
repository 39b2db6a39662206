// Each webhook event comes from the domain that made the change, written to the outbox in the
// change's own transaction, with the id the API takes the account back by and the balance after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { delivered, post, useStoreTestBed } from '../helpers/paddle';
import { paddleId } from '../../src/lib/server/store/paddle/simulator/payloads';
import { openApiDocument } from '../../src/lib/server/rest/openapi';
import type { Db } from '../../src/lib/server/db/client';
import { users } from '../../src/lib/server/db/schema';
import { balances, consume, endLot, grant, hold, setAllowanceRule, settle, sweepExpired } from '../../src/lib/server/ledger';
import { evaluateAlerts, setAlertSteps } from '../../src/lib/server/alerts';
import { startCheckout } from '../../src/lib/server/store/orders';
import { createEndpoint, startWebhookOutbox, updateEndpoint, webhookEventId } from '../../src/lib/server/webhooks';
import { adjustAccountBalance } from '../../src/lib/server/admin';
import { domainEventTypes } from '../../src/lib/server/domain-events';
import { balanceBody } from '../../src/lib/server/rest/shapes';

const bed = useStoreTestBed({ withRates: true });
let db: Db;
let unsubscribe: () => void;
let endpointId: string;
beforeAll(async () => {
	db = bed.db;
	unsubscribe = startWebhookOutbox();
	// Nothing listens there: these tests read the outbox, not the deliveries.
	endpointId = (await createEndpoint(db, { url: 'http://127.0.0.1:39/', event_types: [...domainEventTypes] }, { ip: null })).id;
});
afterAll(async () => {
	unsubscribe();
});

type Payload = { type: string; data: Record<string, unknown> & { balance_after: { available: number; held: number; unlimited: boolean; unlimited_models: string[] }; sequence: number } };
async function eventsOf(accountId: string): Promise<Payload[]> {
	const rows = await db.rows<{ payload: Payload }>(sql`select payload from webhook_events where account_id = ${accountId}::uuid order by seq`);
	return rows.map((r) => r.payload);
}
const types = async (accountId: string) => (await eventsOf(accountId)).map((e) => e.type);
const spendKey = () => ({ scope: 'test', key: crypto.randomUUID() });
describe(`webhook events from their domains on ${backend}`, () => {
	it('a purchase, then its refund: grant.created, purchase.completed, purchase.refunded, with the host user id and balance after', async () => {
		const u = await makeUser(db);
		await db.orm.update(users).set({ externalId: `host-${u.userId}` }).where(eq(users.id, u.userId));
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		delivered(await bed.paddle.refund(c.transactionId));
		const events = await eventsOf(u.accountId);
		expect(events.map((e) => [e.type, e.data.sequence, e.data.balance_after.available])).toEqual([
			['grant.created', 1, 5000],
			['purchase.completed', 2, 5000],
			['purchase.refunded', 3, 0]
		]);
		expect(events.every((e) => e.data.user_id === `host-${u.userId}` && e.data.account_id === u.accountId)).toBe(true);
		expect(events[1]!.data).toMatchObject({ order_id: c.orderId, product_id: 'tokens-5k', tokens_granted: 5000 });
		expect(events[2]!.data).toMatchObject({ order_id: c.orderId, cause: 'refund', tokens_taken_back: 5000, tokens_already_spent: 0 });
		const deliveries = await db.rows<{ event_id: string }>(sql`select d.event_id from webhook_deliveries d join webhook_events e on e.id = d.event_id
		                                                           where e.account_id = ${u.accountId}::uuid and d.endpoint_id = ${endpointId}::uuid`);
		expect(deliveries).toHaveLength(3);
		await expectInvariants(db);
	});

	it('a purchase sends exactly one grant.created per lot and one purchase.completed whose tokens are their sum, once however often Paddle sends it, and the document says which to total', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'starter-bundle', quantity: 2 });
		delivered(await bed.paddle.pay(c.transactionId));
		const [completed] = await db.rows<{ payload: Record<string, unknown> }>(sql`select payload from paddle_events where transaction_id = ${c.transactionId} and event_type = 'transaction.completed'`);
		expect((await post(bed.hook.url, { ...completed!.payload, event_id: paddleId('evt') })).status).toBe(200);

		const events = await eventsOf(u.accountId);
		expect(events.map((e) => e.type)).toEqual(['grant.created', 'grant.created', 'grant.created', 'purchase.completed']);
		const lots = events.filter((e) => e.type === 'grant.created').map((e) => e.data);
		expect(lots.map((l) => [l.model, l.tokens, l.source]).sort()).toEqual([
			['claude-sonnet-4-5', 20_000, 'purchase'],
			['gpt-5-nano', 100_000, 'purchase'],
			['text-embedding-3-small', 50_000, 'purchase']
		]);
		const purchase = events.at(-1)!.data;
		expect(purchase).toMatchObject({ order_id: c.orderId, product_id: 'starter-bundle', amount_cents: 6_400, currency: 'USD', tokens_granted: 170_000 });
		expect(lots.reduce((sum, l) => sum + Number(l.tokens), 0)).toBe(purchase.tokens_granted);

		// Where a host reads what each event means: grant.created is the one to total for tokens, purchase.completed the money.
		const webhooks = JSON.parse(JSON.stringify(openApiDocument('').webhooks)) as Record<string, { post: { description: string; requestBody: { content: { 'application/json': { schema: { properties: { data: { properties: Record<string, { description?: string }> } } } } } } } }>;
		expect(Object.keys(webhooks).sort()).toEqual([...domainEventTypes].sort());
		expect(webhooks['grant.created']!.post.description).toMatch(/One event per lot.*Total these for the tokens an account was given.*do not add both/s);
		expect(webhooks['purchase.completed']!.post.description).toMatch(/Total this for revenue, not for tokens/);
		const paidFields = webhooks['purchase.completed']!.post.requestBody.content['application/json'].schema.properties.data.properties;
		expect(paidFields.tokens_granted!.description).toMatch(/the sum of the `tokens` of the `grant.created` events it sent/);
		await expectInvariants(db);
	});

	it('an admin setting the balance by hand: balance.adjusted up and down, once per adjustment, with the general balance after', async () => {
		const [u, admin] = [await makeUser(db), await makeUser(db)];
		const actor = { userId: admin.userId, ip: null };
		const change = (mode: 'delta' | 'set', tokens: number, key: string) => adjustAccountBalance(db, actor, { accountId: u.accountId, mode, tokens, reason: `test ${key}`, key });
		await change('delta', 700, 'a');
		await change('delta', 700, 'a'); // a double tap: the same change, answered again
		await change('delta', -200, 'b');
		await change('set', 500, 'c'); // already 500: nothing changes
		await expect(change('delta', -9_000, 'd')).rejects.toMatchObject({ code: 'insufficient_tokens' });
		await change('set', 1_250, 'e');
		const events = (await eventsOf(u.accountId)).filter((e) => e.type === 'balance.adjusted');
		expect(events.map((e) => [e.data.delta, e.data.general_balance, e.data.balance_after.available, e.data.reason])).toEqual([
			[700, 700, 700, 'test a'],
			[-200, 500, 500, 'test b'],
			[750, 1_250, 1_250, 'test e']
		]);
		// The admin lots the rises made are this event only, so a site adding up events counts them once.
		expect(await types(u.accountId)).toEqual(['balance.adjusted', 'balance.adjusted', 'balance.adjusted']);
		await expectInvariants(db);
	});

	it('lots that reach their expiry: lot.expired at the next sweep, once each, with the tokens lost, wherever the expiry was recorded', async () => {
		const [swept, used] = [await makeUser(db), await makeUser(db)];
		const soon = () => new Date(Date.now() + 1000);
		const bonus = await grant(db.orm, { accountId: swept.accountId, tokens: 400, source: 'bonus', expiresAt: soon() });
		await grant(db.orm, { accountId: swept.accountId, tokens: 1000, source: 'purchase' });
		await consume(db.orm, { accountId: swept.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: spendKey() });
		const spentBonus = await grant(db.orm, { accountId: used.accountId, tokens: 10, source: 'bonus', expiresAt: soon() });
		const usedBonus = await grant(db.orm, { accountId: used.accountId, tokens: 300, source: 'bonus', expiresAt: soon() });
		await grant(db.orm, { accountId: used.accountId, tokens: 1000, source: 'purchase' });
		await consume(db.orm, { accountId: used.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: spendKey() });
		await new Promise((r) => setTimeout(r, 1100));
		// The second account's expiries are recorded by its own consume's housekeeping, not by the sweep.
		await consume(db.orm, { accountId: used.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: spendKey() });
		await sweepExpired(db);
		await sweepExpired(db);
		const expiredOf = async (accountId: string) => (await eventsOf(accountId)).filter((e) => e.type === 'lot.expired').map((e) => e.data);
		const lostOf = async (lotId: string) => Number((await db.rows<{ lost: string }>(sql`select coalesce(-sum(amount), 0) as lost from entries where lot_id = ${lotId}::uuid and kind = 'expire'`))[0]!.lost);
		const [a, b] = [await expiredOf(swept.accountId), await expiredOf(used.accountId)];
		expect(a).toMatchObject([{ lot_id: bonus.lotId, source: 'bonus', model: null, tokens_lost: await lostOf(bonus.lotId) }]);
		expect(b.map((e) => [e.lot_id, e.tokens_lost])).toEqual(
			[[spentBonus.lotId, await lostOf(spentBonus.lotId)], [usedBonus.lotId, await lostOf(usedBonus.lotId)]].sort((x, y) => String(x[0]).localeCompare(String(y[0])))
		);
		// What was lost is what the lot still held: the consume paid from the bonus first (soonest expiry).
		expect(a[0]!.tokens_lost).toBeGreaterThan(0);
		expect(a[0]!.tokens_lost).toBeLessThan(400);
		expect(a[0]!.balance_after.available).toBe(1000);
		await expectInvariants(db);
	});

	it('a lot a running job held tokens of when it expired: a later lot.expired (late) with what the job gave back, so the events add up to what expired', async () => {
		const lostOf = async (lotId: string) => Number((await db.rows<{ lost: string }>(sql`select coalesce(-sum(amount), 0) as lost from entries where lot_id = ${lotId}::uuid and kind = 'expire'`))[0]!.lost);
		const heldBonus = async () => {
			const u = await makeUser(db);
			await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase' });
			const bonus = await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'bonus', expiresAt: new Date(Date.now() + 1000) });
			// The soonest-expiring lot pays first: the job holds 80 of the bonus's 100.
			const h = await hold(db.orm, { accountId: u.accountId, feature: 'search_images', maxTokens: 80, ttlSeconds: 600, actor: {}, idempotency: spendKey() });
			expect(h.paidBy).toEqual([expect.objectContaining({ id: bonus.lotId, tokens: 80 })]);
			return { accountId: u.accountId, lotId: bonus.lotId, holdId: h.holdId };
		};
		const expiredOf = async (accountId: string) => (await eventsOf(accountId)).filter((e) => e.type === 'lot.expired').map((e) => [e.data.lot_id, e.data.tokens_lost, e.data.late]);
		const [announced, notYet] = [await heldBonus(), await heldBonus()];
		await new Promise((r) => setTimeout(r, 1100));
		// The second job settles before any sweep: its lot's end, announced after, counts what it gave back.
		await settle(db.orm, notYet.holdId, 30, spendKey());
		// The first lot's end is announced (its 20 free tokens) before its job settles.
		await sweepExpired(db);
		expect(await expiredOf(announced.accountId)).toEqual([[announced.lotId, 20, false]]);
		await settle(db.orm, announced.holdId, 30, spendKey());
		await sweepExpired(db);
		await sweepExpired(db);
		// The 50 the job gave back expired at its settle: announced once more, those alone.
		expect(await expiredOf(announced.accountId)).toEqual([[announced.lotId, 20, false], [announced.lotId, 50, true]]);
		expect(await expiredOf(notYet.accountId)).toEqual([[notYet.lotId, 70, false]]);
		for (const { accountId, lotId } of [announced, notYet]) expect((await expiredOf(accountId)).reduce((t, e) => t + Number(e[1]), 0)).toBe(await lostOf(lotId));
		await expectInvariants(db);
	});

	it("says unlimited use in balance_after as GET /api/v1/balance does: one model's in unlimited_models, every model's as unlimited", async () => {
		const u = await makeUser(db);
		const apiSays = async () => {
			const b = balanceBody(await balances(db.orm, u.accountId));
			return { available: b.available, held: b.held, unlimited: b.unlimited, unlimited_models: b.unlimited_models };
		};
		await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase' });
		const tokensOnly = await apiSays();
		await grant(db.orm, { accountId: u.accountId, tokens: 0, unlimited: true, model: 'claude-sonnet-4-5', source: 'admin', expiresAt: null, note: 'One model' });
		const oneModel = await apiSays();
		await grant(db.orm, { accountId: u.accountId, tokens: 0, unlimited: true, source: 'admin', expiresAt: null, note: 'Every model' });
		const everyModel = await apiSays();
		const after = (await eventsOf(u.accountId)).filter((e) => e.type === 'grant.created').map((e) => e.data.balance_after);
		expect(after).toEqual([tokensOnly, oneModel, everyModel]);
		expect(after.map((b) => [b.unlimited, b.unlimited_models])).toEqual([
			[false, []],
			[false, ['claude-sonnet-4-5']],
			[true, ['claude-sonnet-4-5']]
		]);
		await expectInvariants(db);
	});

	it('unlimited use that ends, at its end date or ended by an admin: lot.expired once each, nothing lost', async () => {
		const [dated, ended] = [await makeUser(db), await makeUser(db)];
		const unlimited = (accountId: string, expiresAt: Date | null) => grant(db.orm, { accountId, tokens: 0, unlimited: true, source: 'admin', expiresAt, note: 'Trial' });
		const atDate = await unlimited(dated.accountId, new Date(Date.now() + 1000));
		const byAdmin = await unlimited(ended.accountId, null);
		await endLot(db.orm, { lotId: byAdmin.lotId, actor: {} });
		await new Promise((r) => setTimeout(r, 1100));
		await sweepExpired(db);
		await sweepExpired(db);
		for (const [u, lotId, byWhom] of [[dated, atDate.lotId, false], [ended, byAdmin.lotId, true]] as const) {
			const expired = (await eventsOf(u.accountId)).filter((e) => e.type === 'lot.expired');
			// `ended` tells a host "someone ended it" from "it reached its date".
			expect(expired.map((e) => e.data)).toMatchObject([{ lot_id: lotId, tokens_lost: 0, source: 'admin', model: null, ended: byWhom }]);
		}
		await expectInvariants(db);
	});

	it('unlimited use ended by a site admin or key: lot.expired with the end itself, before what follows it, with the balance of that moment', async () => {
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 1_000, source: 'purchase' });
		const lot = await grant(db.orm, { accountId: u.accountId, tokens: 0, unlimited: true, source: 'admin', expiresAt: null, note: 'Tester' });
		await db.orm.transaction((tx) => endLot(tx, { lotId: lot.lotId, actor: {} }));
		// A bonus two seconds later (a newcomer saw the end arrive after it, #3 after #2, its balance counting the bonus).
		await grant(db.orm, { accountId: u.accountId, tokens: 5_000, source: 'bonus' });
		await sweepExpired(db);
		const events = await eventsOf(u.accountId);
		expect(events.map((e) => e.type)).toEqual(['grant.created', 'grant.created', 'lot.expired', 'grant.created']);
		expect(events[2]!.data).toMatchObject({ lot_id: lot.lotId, ended: true, tokens_lost: 0 });
		expect(events[2]!.data.balance_after.available).toBe(1_000);
		// Once: the sweep found it announced.
		expect(events.filter((e) => e.type === 'lot.expired')).toHaveLength(1);
		await expectInvariants(db);
	});

	it('a subscription renewed by Paddle, then canceled: subscription.renewed, subscription.cancel_scheduled at the cancel, subscription.canceled at the end', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'monthly-20k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		const sub = (await bed.paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
		delivered(await bed.paddle.renew(sub.id));
		await bed.paddle.cancelSubscription(sub.id);
		delivered(await bed.paddle.renew(sub.id));
		expect(await types(u.accountId)).toEqual(['grant.created', 'purchase.completed', 'grant.created', 'subscription.renewed', 'subscription.cancel_scheduled', 'subscription.canceled']);
		const renewed = (await eventsOf(u.accountId))[3]!;
		expect(renewed.data).toMatchObject({ product_id: 'monthly-20k', tokens_granted: 20_000 });
		expect(renewed.data.balance_after.available).toBe(20_000);
		await expectInvariants(db);
	});

	it('a hold left to expire: hold.expired from the sweep, with the tokens given back', async () => {
		const u = await makeUser(db);
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'generate_texts', maxTokens: 300, ttlSeconds: 1, actor: {}, idempotency: spendKey() });
		await new Promise((r) => setTimeout(r, 1100));
		await sweepExpired(db);
		const expired = (await eventsOf(u.accountId)).find((e) => e.type === 'hold.expired')!;
		expect(expired.data).toMatchObject({ hold_id: h.holdId, released_tokens: 300, feature: 'generate_texts' });
		expect(expired.data.balance_after.available).toBe(5000);
		await expectInvariants(db);
	});

	it('a hold that expired in a consume’s housekeeping or at a late settle: hold.expired at the next sweep, once', async () => {
		const bought = async () => {
			const u = await makeUser(db);
			const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
			delivered(await bed.paddle.pay(c.transactionId));
			return u;
		};
		const [spender, settler] = [await bought(), await bought()];
		const holdOf = (accountId: string) => hold(db.orm, { accountId, feature: 'generate_texts', maxTokens: 300, ttlSeconds: 1, actor: {}, idempotency: spendKey() });
		const [h1, h2] = [await holdOf(spender.accountId), await holdOf(settler.accountId)];
		await new Promise((r) => setTimeout(r, 1100));
		// The consume's housekeeping closes h1 before it spends; the late settle closes h2 and is refused.
		await consume(db.orm, { accountId: spender.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: spendKey() });
		const late = await settle(db.orm, h2.holdId, 100, spendKey()).then(() => null, (e: unknown) => e);
		expect(late).toMatchObject({ code: 'hold_expired' });
		const closed = await db.rows<{ status: string }>(sql`select status from holds where id in (${h1.holdId}::uuid, ${h2.holdId}::uuid)`);
		expect(closed.map((r) => r.status)).toEqual(['expired', 'expired']);

		await sweepExpired(db);
		await sweepExpired(db);
		const expiredOf = async (accountId: string) => (await eventsOf(accountId)).filter((e) => e.type === 'hold.expired');
		const [e1, e2] = [await expiredOf(spender.accountId), await expiredOf(settler.accountId)];
		expect(e1.map((e) => e.data.hold_id)).toEqual([h1.holdId]);
		expect(e2.map((e) => e.data.hold_id)).toEqual([h2.holdId]);
		expect(e1[0]!.data).toMatchObject({ released_tokens: 300, feature: 'generate_texts' });
		expect(e2[0]!.data.balance_after.available).toBe(5000);
		await expectInvariants(db);
	});

	it('a token step crossed (“below 500 tokens”): balance.low with threshold_tokens, not balance.depleted', async () => {
		const u = await makeUser(db);
		await setAlertSteps(db, u.userId, `hooks-${u.userId}`, u.accountId, { shares: [], tokens: [500], depleted: true });
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		await consume(db.orm, { accountId: u.accountId, feature: 'search_images', units: 460, actor: {}, idempotency: spendKey() }); // 400 left
		await evaluateAlerts(db, u.accountId);
		const levels = (await eventsOf(u.accountId)).filter((e) => e.type.startsWith('balance.'));
		expect(levels.map((e) => [e.type, e.data.threshold_tokens, e.data.threshold_percent, e.data.tokens_left])).toEqual([['balance.low', 500, undefined, 400]]);
	});

	it('a drop past several steps at once: one balance.low, for the lowest step reached; a drop to nothing: balance.depleted only (as documented)', async () => {
		const [past, out] = [await makeUser(db), await makeUser(db)];
		for (const u of [past, out]) {
			const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
			delivered(await bed.paddle.pay(c.transactionId));
		}
		// The default steps (20, 10 and 5%): 5,000 → 200 passes all three at once; 5,000 → 0 runs out.
		await consume(db.orm, { accountId: past.accountId, feature: 'search_images', units: 480, actor: {}, idempotency: spendKey() });
		await consume(db.orm, { accountId: out.accountId, feature: 'search_images', units: 500, actor: {}, idempotency: spendKey() });
		for (const u of [past, out]) await evaluateAlerts(db, u.accountId);
		const levels = async (accountId: string) => (await eventsOf(accountId)).filter((e) => e.type.startsWith('balance.')).map((e) => [e.type, e.data.threshold_percent ?? null, e.data.tokens_left]);
		expect(await levels(past.accountId)).toEqual([['balance.low', 5, 200]]);
		expect(await levels(out.accountId)).toEqual([['balance.depleted', null, 0]]);
		await expectInvariants(db);
	});

	it('the last free tokens of a window: allowance.exhausted once; running low and out: balance.low per step, then balance.depleted', async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'hooks-tester', limitTokens: 90, period: 'daily' });
		const u = await makeUser(db, 'hooks-tester');
		const c = await startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
		delivered(await bed.paddle.pay(c.transactionId));
		const use = (units: number) => consume(db.orm, { accountId: u.accountId, feature: 'search_images', units, actor: {}, idempotency: spendKey() });
		await use(5); // 50 of 90 free
		await use(5); // the last 40 free, then 10 from the pack
		await use(1); // from the pack only
		const exhausted = (await eventsOf(u.accountId)).filter((e) => e.type === 'allowance.exhausted');
		expect(exhausted).toHaveLength(1);
		expect(exhausted[0]!.data).toMatchObject({ module: 'product', limit: 90, period: 'daily' });

		// 780 of the 5,000 tokens left: below the 20% step; then spent to 0.
		await use(420);
		await evaluateAlerts(db, u.accountId);
		await use(78);
		await evaluateAlerts(db, u.accountId);
		const levels = (await eventsOf(u.accountId)).filter((e) => e.type.startsWith('balance.'));
		expect(levels.map((e) => [e.type, e.data.threshold_percent ?? null])).toEqual([
			['balance.low', 20],
			['balance.depleted', null]
		]);
		expect(levels[1]!.data.balance_after.available).toBe(0);
		await expectInvariants(db);
	});

	it('a window announced before the key stopped depending on how an instant is printed is not announced again', async () => {
		await setAllowanceRule(db.orm, { module: 'product', audience: 'role', role: 'hooks-deployed', limitTokens: 90, period: 'daily' });
		const deliveries = async (accountId: string) =>
			(await db.rows<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries d join webhook_events e on e.id = d.event_id where e.account_id = ${accountId}::uuid`))[0]!.n;
		const use = (accountId: string, units: number) => consume(db.orm, { accountId, feature: 'search_images', units, actor: {}, idempotency: spendKey() });
		// What the releases before wrote: the key with the reset as Postgres' jsonb printed it, then as the API does.
		const oldForms = [(resetsAt: string) => resetsAt.replace('.000Z', '+00:00'), (resetsAt: string) => resetsAt];
		for (const oldForm of oldForms) {
			const u = await makeUser(db, 'hooks-deployed');
			const resetsAt = (await balances(db.orm, u.accountId)).allowances.find((a) => a.module === 'product')!.resetsAt!;
			expect(resetsAt).toMatch(/T\d\d:\d\d:00\.000Z$/);
			const id = webhookEventId({ type: 'allowance.exhausted', key: `${u.accountId}:product:${oldForm(resetsAt)}` });
			await db.orm.execute(sql`insert into webhook_sequences (account_id, last_seq) values (${u.accountId}::uuid, 1)`);
			await db.orm.execute(sql`insert into webhook_events (id, account_id, seq, type, payload) values (${id}, ${u.accountId}::uuid, 1, 'allowance.exhausted', '{"type": "allowance.exhausted", "data": {}}'::jsonb)`);
			await db.orm.execute(sql`insert into webhook_deliveries (event_id, endpoint_id, status, delivered_at) values (${id}, ${endpointId}::uuid, 'delivered', now())`);
			await use(u.accountId, 9); // the whole 90 free tokens: the same window, exhausted again after the deploy
			expect(await types(u.accountId), oldForm(resetsAt)).toEqual(['allowance.exhausted']); // the one sent before
			expect(await deliveries(u.accountId)).toBe(1);
		}
		// An account with no event before gets its one.
		const fresh = await makeUser(db, 'hooks-deployed');
		await use(fresh.accountId, 9);
		expect(await types(fresh.accountId)).toEqual(['allowance.exhausted']);
		await expectInvariants(db);
		await updateEndpoint(db, endpointId, { enabled: false }, { ip: null });
	});
});
