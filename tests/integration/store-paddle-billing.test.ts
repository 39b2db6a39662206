import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { backend } from '../helpers/db';
import { makeUser } from '../helpers/ledger';
import { post, readJson, useStoreTestBed } from '../helpers/paddle';
import { getProduct, type Product } from '../../src/lib/server/store/catalog';
import { getPurchase, startCheckout } from '../../src/lib/server/store/orders';
import { cancelSubscription, resumeSubscription } from '../../src/lib/server/store/subscriptions';
import { chargeOffSession } from '../../src/lib/server/store/charges';
import { PaddleBillingProvider } from '../../src/lib/server/store/paddle/paddle-billing';
import { envelope, paddleId, subscriptionPayload, transactionPayload } from '../../src/lib/server/store/paddle/simulator/payloads';
import { chargeTopup, DECLINED_REASON, setTopupRule } from '../../src/lib/server/topup';
import { listNotifications } from '../../src/lib/server/alerts';
import { subscriptions, topupRules, topups } from '../../src/lib/server/db/schema';
import { eq, sql } from 'drizzle-orm';

/**
 * The real-Paddle provider, through the real SDK, against a stand-in for Paddle's API on loopback
 * (no internet here): checks what Quota asks Paddle for and how it reads the answers.
 */
const bed = useStoreTestBed();
const requests: { method: string; path: string; auth: string; body: Record<string, unknown> }[] = [];
let answer: (path: string, body: Record<string, unknown>) => Promise<{ status: number; body: unknown }>;
let api: ReturnType<typeof createServer>;
let paddle: PaddleBillingProvider;

beforeAll(async () => {
	api = createServer(async (req, res) => {
		const body = await readJson(req);
		requests.push({ method: req.method!, path: req.url!, auth: req.headers.authorization ?? '', body });
		const reply = await answer(req.url!, body);
		res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
	});
	await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
	const { port } = api.address() as AddressInfo;
	paddle = new PaddleBillingProvider('pdl_sdbx_apikey_test_0123456789', 'test_client_token_0123', 'sandbox', `http://127.0.0.1:${port}`);
});
afterAll(async () => {
	await new Promise((r) => api?.close(r));
});

/** Paddle API's answer with an active monthly subscription (one that cancels at its period's end, with `canceling`). */
function subscriptionAnswer(subId: string, product: Product, opts: { canceling: boolean }) {
	const now = new Date();
	const end = new Date(now.getTime() + 30 * 86_400_000).toISOString();
	const data = subscriptionPayload(
		{ id: subId, status: 'active', priceId: 'pri_quota_demo_monthly_20k', quantity: 1, customData: {}, interval: 'month', period: { startsAt: now.toISOString(), endsAt: end }, cancelAt: opts.canceling ? end : null, canceledAt: null, transactionId: paddleId('txn'), createdAt: now.toISOString() },
		product
	);
	// The API's subscription (unlike the webhook's) carries each item's product.
	const items = data.items.map((i) => ({ ...i, product: { id: i.price!.product_id, name: product.name, description: product.description, type: 'standard', tax_category: 'standard', image_url: null, custom_data: null, status: 'active', created_at: now.toISOString(), updated_at: now.toISOString() } }));
	return { status: 200, body: { data: { ...data, items }, meta: { request_id: 'req_sub' } } };
}

describe(`Paddle Billing provider (SDK → stand-in API) on ${backend}`, () => {
	it('creates the transaction for the package’s sandbox price with our order id in custom data', async () => {
		const product = await getProduct(bed.db.orm, 'tokens-5k');
		const txnId = paddleId('txn');
		answer = async (_path, body) => {
			const item = (body.items as { price_id: string; quantity: number }[])[0]!;
			const data = transactionPayload(
				{ id: txnId, status: 'ready', origin: 'api', priceId: item.price_id, quantity: item.quantity, customData: body.custom_data as Record<string, unknown>, subscriptionId: null, billingPeriod: null, payments: [], createdAt: new Date().toISOString(), billedAt: null },
				product
			);
			return { status: 201, body: { data, meta: { request_id: 'req_test' } } };
		};
		const u = await makeUser(bed.db);
		const start = await startCheckout(bed.db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: 'buyer@example.test', productId: 'tokens-5k', quantity: 3 });
		const sent = requests.at(-1)!;
		expect(sent).toMatchObject({ method: 'POST', path: '/transactions', auth: 'bearer pdl_sdbx_apikey_test_0123456789' });
		expect(sent.body).toEqual({ items: [{ price_id: 'pri_quota_demo_tokens_5k', quantity: 3 }], custom_data: { orderId: start.orderId }, collection_mode: 'automatic' });
		expect(start).toMatchObject({ transactionId: txnId, customerEmail: 'buyer@example.test', checkout: { kind: 'paddle', environment: 'sandbox', clientToken: 'test_client_token_0123' } });
		expect(await getPurchase(bed.db.orm, u.accountId, start.orderId)).toMatchObject({ status: 'pending', quantity: 3 });
	});

	it('a refusal from Paddle is a payment_provider_error and the order is marked failed', async () => {
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		answer = async () => ({ status: 400, body: { error: { type: 'request_error', code: 'bad_request', detail: 'price is archived', documentation_url: 'https://developer.paddle.com' }, meta: { request_id: 'req_x' } } });
		const u = await makeUser(bed.db);
		await expect(startCheckout(bed.db.orm, paddle, { accountId: u.accountId, userId: u.userId, email: null, productId: 'tokens-5k', quantity: 1 })).rejects.toMatchObject({ code: 'payment_provider_error' });
		const [order] = await bed.db.rows<{ status: string }>(sql`select status from orders where account_id = ${u.accountId}::uuid`);
		expect(order!.status).toBe('failed');
		expect(logged).toHaveBeenCalledWith(expect.stringContaining('bad_request: price is archived'));
		logged.mockRestore();
	});

	it('a package’s new price is a new Paddle price on the same Paddle product, as the old one but the amount; the old one is archived', async () => {
		const plan = await getProduct(bed.db.orm, 'monthly-20k');
		const now = new Date().toISOString();
		const old = { id: 'pri_quota_demo_monthly_20k', product_id: 'pro_monthly', description: 'Monthly plan', name: 'Monthly', type: 'standard', billing_cycle: { interval: 'month', frequency: 1 }, trial_period: null, tax_mode: 'account_setting', unit_price: { amount: '1500', currency_code: 'USD' }, unit_price_overrides: [], quantity: { minimum: 1, maximum: 1 }, status: 'active', custom_data: { plan: 'monthly' }, import_meta: null, created_at: now, updated_at: now };
		answer = async (path, body) => {
			if (path === '/prices' && Object.keys(body).length) return { status: 201, body: { data: { ...old, ...body, id: 'pri_01newmonthly', status: 'active' }, meta: { request_id: 'req_new' } } };
			if (Object.keys(body).length) return { status: 200, body: { data: { ...old, status: 'archived' }, meta: { request_id: 'req_archive' } } };
			return { status: 200, body: { data: old, meta: { request_id: 'req_get' } } };
		};
		const before = requests.length;
		expect(await paddle.newPriceLike(plan.paddlePriceSandbox!, { unitPriceCents: 1_999, currency: 'USD', interval: 'month' })).toEqual({ priceId: 'pri_01newmonthly' });
		await paddle.archivePrice(plan.paddlePriceSandbox!);
		const sent = requests.slice(before).map((r) => [r.method, r.path]);
		expect(sent[0]).toEqual(['GET', '/prices/pri_quota_demo_monthly_20k']);
		expect(sent[1]).toEqual(['POST', '/prices']);
		expect(requests[before + 1]!.body).toMatchObject({ product_id: 'pro_monthly', description: 'Monthly plan', name: 'Monthly', billing_cycle: { interval: 'month', frequency: 1 }, tax_mode: 'account_setting', unit_price: { amount: '1999', currency_code: 'USD' }, custom_data: { plan: 'monthly' } });
		// The SDK's prices.archive: the old price's status becomes archived.
		expect(sent[2]).toEqual(['PATCH', '/prices/pri_quota_demo_monthly_20k']);
		expect(requests[before + 2]!.body).toEqual({ status: 'archived' });
		expect(sent).toHaveLength(3);
	});

	it('cancels a subscription at the end of its billing period', async () => {
		const product = await getProduct(bed.db.orm, 'monthly-20k');
		const u = await makeUser(bed.db);
		const subId = paddleId('sub');
		const [row] = await bed.db.orm.insert(subscriptions).values({ accountId: u.accountId, productId: 'monthly-20k', paddleSubscriptionId: subId, status: 'active', lastEventAt: new Date() }).returning();
		answer = async () => subscriptionAnswer(subId, product, { canceling: true });
		await cancelSubscription(bed.db.orm, paddle, u.accountId, row!.id, { userId: u.userId });
		expect(requests.at(-1)).toMatchObject({ method: 'POST', path: `/subscriptions/${subId}/cancel`, body: { effective_from: 'next_billing_period' } });
	});

	it('keeps a subscription by taking back its scheduled cancellation (scheduled_change: null), once Paddle has said it is ending', async () => {
		const product = await getProduct(bed.db.orm, 'monthly-20k');
		const u = await makeUser(bed.db);
		const subId = paddleId('sub');
		const [row] = await bed.db.orm.insert(subscriptions).values({ accountId: u.accountId, productId: 'monthly-20k', paddleSubscriptionId: subId, status: 'active', nextBilledAt: null, lastEventAt: new Date() }).returning();
		answer = async () => subscriptionAnswer(subId, product, { canceling: false });
		await resumeSubscription(bed.db.orm, paddle, u.accountId, row!.id, { userId: u.userId });
		expect(requests.at(-1)).toEqual(expect.objectContaining({ method: 'PATCH', path: `/subscriptions/${subId}`, body: { scheduled_change: null } }));
	});

	it('an auto top-up is a one-time charge on the subscription, billed now; a decline is payment_declined and fails the order', async () => {
		const product = await getProduct(bed.db.orm, 'monthly-20k');
		const u = await makeUser(bed.db);
		const subId = paddleId('sub');
		const [row] = await bed.db.orm.insert(subscriptions).values({ accountId: u.accountId, productId: 'monthly-20k', paddleSubscriptionId: subId, status: 'active', lastEventAt: new Date() }).returning();
		answer = async () => subscriptionAnswer(subId, product, { canceling: false });
		const subscription = { id: row!.id, paddleSubscriptionId: subId };
		const orderId = await chargeOffSession(bed.db.orm, paddle, { accountId: u.accountId, productId: 'tokens-5k', subscription });
		expect(requests.at(-1)).toMatchObject({
			method: 'POST',
			path: `/subscriptions/${subId}/charge`,
			body: { effective_from: 'immediately', items: [{ price_id: 'pri_quota_demo_tokens_5k', quantity: 1 }], on_payment_failure: 'prevent_change' }
		});
		// Pending until the subscription_charge webhook completes it.
		expect(await getPurchase(bed.db.orm, u.accountId, orderId)).toMatchObject({ status: 'pending', autoTopUp: true, productId: 'tokens-5k' });

		// Paddle's documented answer to a declined charge (errors/subscriptions/subscription_payment_declined).
		answer = async () => ({ status: 400, body: { error: { type: 'request_error', code: 'subscription_payment_declined', detail: 'payment declined', documentation_url: 'https://developer.paddle.com/errors/subscriptions/subscription_payment_declined' }, meta: { request_id: 'req_d' } } });
		await expect(chargeOffSession(bed.db.orm, paddle, { accountId: u.accountId, productId: 'tokens-5k', subscription })).rejects.toMatchObject({ code: 'payment_declined' });
		const orders = await bed.db.rows<{ status: string }>(sql`select status from orders where account_id = ${u.accountId}::uuid order by created_at`);
		expect(orders.map((o) => o.status)).toEqual(['pending', 'failed']);
	});

	it('an auto top-up Paddle accepted and whose payment then failed: the signed transaction.payment_failed declines it, turns auto top-up off and tells the owner', async () => {
		const [product, pack] = [await getProduct(bed.db.orm, 'monthly-20k'), await getProduct(bed.db.orm, 'tokens-5k')];
		const u = await makeUser(bed.db);
		const subId = paddleId('sub');
		await bed.db.orm.insert(subscriptions).values({ accountId: u.accountId, productId: 'monthly-20k', paddleSubscriptionId: subId, status: 'active', lastEventAt: new Date() });
		await setTopupRule(bed.db, u.userId, u.accountId, { enabled: true, belowTokens: 5_000, productId: 'tokens-5k', maxPerMonth: 3, maxCentsPerMonth: null, cooldownSeconds: 0 });
		// A crossing claimed (claim.ts); what the charge job does with it is under test here.
		const [topup] = await bed.db.orm.insert(topups).values({ accountId: u.accountId, crossing: 0, productId: 'tokens-5k', productName: pack.name, contents: pack.grants, amountCents: pack.priceCents, currency: pack.currency, available: 100, status: 'claimed' }).returning();
		answer = async () => subscriptionAnswer(subId, product, { canceling: false });
		expect(await chargeTopup(bed.db, topup!.id, paddle)).toBe('charged');
		expect(requests.at(-1)).toMatchObject({ path: `/subscriptions/${subId}/charge` });

		// Paddle bills the charge, then the card is declined: its webhook, signed, through the real handler.
		const at = new Date().toISOString();
		const failed = envelope(
			'transaction.payment_failed',
			transactionPayload(
				{ id: paddleId('txn'), status: 'past_due', origin: 'subscription_charge', priceId: pack.paddlePriceSandbox!, quantity: 1, customData: {}, subscriptionId: subId, billingPeriod: null, payments: [{ status: 'error', at }], createdAt: at, billedAt: null },
				pack
			)
		);
		expect(await post(bed.hook.url, failed)).toMatchObject({ status: 200, body: { ok: true, outcome: 'processed' } });
		const [after] = await bed.db.orm.select().from(topups).where(eq(topups.id, topup!.id));
		expect(after).toMatchObject({ status: 'declined', note: 'Paddle reported the payment as failed.' });
		expect(await getPurchase(bed.db.orm, u.accountId, after!.orderId!)).toMatchObject({ status: 'failed', autoTopUp: true });
		expect((await bed.db.orm.select().from(topupRules).where(eq(topupRules.accountId, u.accountId)))[0]).toMatchObject({ enabled: false, offReason: DECLINED_REASON });
		expect((await listNotifications(bed.db.orm, u.userId)).entries).toEqual([expect.objectContaining({ kind: 'topup_declined' })]);
		const queued = await bed.db.rows<{ name: string }>(sql`select name from scheduled_jobs where key like ${`topup_declined:${topup!.id}:%`} order by name`);
		expect(queued.map((j) => j.name)).toEqual(['mail.send']); // no push device: no push job
		// The same webhook again (Paddle retries) changes nothing.
		expect(await post(bed.hook.url, failed)).toMatchObject({ status: 200, body: { duplicate: true } });
		expect((await listNotifications(bed.db.orm, u.userId)).entries).toHaveLength(1);
	});
});
