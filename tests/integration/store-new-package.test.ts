// "Add package" makes the package's Paddle price: the owner names the package, its tokens, price and
// billing period, and the app creates the Paddle product and price (the simulator, or real Paddle through
// the SDK, here against a stand-in for Paddle's API on loopback) and stores its id; members then buy it.
// A price id the owner made in Paddle's dashboard is checked against Paddle. A double click or a retry makes
// one price; a Paddle failure leaves no package, and says so.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { delivered, readJson, useStoreTestBed } from '../helpers/paddle';
import { addPackage } from '../../src/lib/server/store';
import { getProduct, saveProduct, type ProductInput } from '../../src/lib/server/store/catalog';
import { listPurchases, startCheckout } from '../../src/lib/server/store/orders';
import { auditLog, paddlePriceRequests, products, subscriptions } from '../../src/lib/server/db/schema';
import { DomainError } from '../../src/lib/server/errors';
import { PaddleBillingProvider } from '../../src/lib/server/store/paddle/paddle-billing';
import type { PaymentProvider } from '../../src/lib/server/store/paddle/provider';

const bed = useStoreTestBed();

const owner = { via: 'command line' } as const;
const pack = (id: string, more: Partial<ProductInput> = {}): ProductInput => ({ id, kind: 'pack', name: `Pack ${id}`, description: 'Added in a test.', grants: [{ model: null, tokens: 2_500 }], priceCents: 350, maxQuantity: 5, ...more });
const stored = async (id: string) => (await bed.db.orm.select().from(products).where(eq(products.id, id)))[0];
const created = (id: string) => bed.db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'store.product_created'), eq(auditLog.targetId, id)));
const claims = () => bed.db.orm.select().from(paddlePriceRequests);

/** The simulator, with each price it was asked to make or archive written down, and `slow` ms before it makes one. */
function counted(slow = 0) {
	const asked: string[] = [];
	const paddle: PaymentProvider = Object.assign(Object.create(bed.paddle), {
		createPrice: async () => {
			await new Promise((r) => setTimeout(r, slow));
			const made = await bed.paddle.createPrice();
			asked.push(`new ${made.priceId}`);
			return made;
		},
		archiveAll: async (ids: string[]) => {
			asked.push(...ids.map((id) => `archive ${id}`));
			return { restore: async () => undefined };
		}
	});
	return { paddle, asked };
}

/** A member buys `quantity` of `productId` in the simulator's checkout; answers their purchases. */
async function buy(productId: string, quantity = 1) {
	const u = await makeUser(bed.db);
	const started = await startCheckout(bed.db.orm, bed.paddle, { accountId: u.accountId, userId: u.userId, email: null, productId, quantity });
	delivered(await bed.paddle.pay(started.transactionId));
	return { ...u, purchases: await listPurchases(bed.db.orm, u.accountId) };
}

describe(`adding a package makes its Paddle price, through the simulator, on ${backend}`, () => {
	it('a pack with no price id gets one made, and a member buys 2 of it: 5,000 tokens for $7.00', async () => {
		const added = await addPackage(bed.db.orm, owner, pack('made-pack'), bed.paddle);
		expect(added.paddlePriceSandbox).toMatch(/^pri_01[a-z0-9]{24}$/);
		expect(added).toMatchObject({ paddlePriceProduction: null, priceCents: 350, active: true });
		expect(await created('made-pack')).toHaveLength(1);
		const { purchases } = await buy('made-pack', 2);
		expect(purchases).toEqual([expect.objectContaining({ status: 'completed', quantity: 2, amountCents: 700, tokens: 5_000 })]);
		await expectInvariants(bed.db);
	});

	it('a monthly subscription gets a recurring price: the member subscribes, renews, and gets its tokens each month', async () => {
		const added = await addPackage(bed.db.orm, owner, pack('made-plan', { kind: 'subscription', billingInterval: 'month', maxQuantity: 1, priceCents: 900 }), bed.paddle);
		const member = await buy(added.id);
		const [sub] = await bed.db.orm.select().from(subscriptions).where(eq(subscriptions.accountId, member.accountId));
		expect(sub).toMatchObject({ productId: 'made-plan', status: 'active' });
		delivered(await bed.paddle.renew(sub!.paddleSubscriptionId));
		expect(await listPurchases(bed.db.orm, member.accountId)).toEqual([
			expect.objectContaining({ renewal: true, status: 'completed', amountCents: 900, tokens: 2_500 }),
			expect.objectContaining({ renewal: false, status: 'completed', amountCents: 900, tokens: 2_500 })
		]);
		await expectInvariants(bed.db);
	});

	it('a double click makes one price and one package: both answer it, and a retry after it answers it again', async () => {
		const { paddle, asked } = counted(150);
		const input = pack('double-click');
		const [first, second] = await Promise.all([addPackage(bed.db.orm, owner, input, paddle), addPackage(bed.db.orm, owner, input, paddle)]);
		expect(asked).toEqual([`new ${first.paddlePriceSandbox}`]);
		expect(second).toEqual(first);
		expect(await addPackage(bed.db.orm, owner, input, paddle)).toEqual(first);
		expect(asked).toHaveLength(1);
		expect(await created('double-click')).toHaveLength(1);
		expect(await claims()).toEqual([]);
		// The same id with something else is another package: refused as before, Paddle not asked.
		await expect(addPackage(bed.db.orm, owner, { ...input, priceCents: 400 }, paddle)).rejects.toMatchObject({ code: 'conflict', message: 'The id “double-click” is already the package “Pack double-click”: pick another id, or edit that package in the list.' });
		expect(asked).toHaveLength(1);
	});

	it('Paddle refusing leaves no package and says so; input the save refuses asks Paddle nothing; a save refused after the price archives it', async () => {
		const { paddle, asked } = counted();
		const refusing = Object.assign(Object.create(paddle), {
			createPrice: async () => {
				throw new DomainError('payment_provider_error', 'Paddle could not create the price. Please try again in a moment.');
			}
		});
		await expect(addPackage(bed.db.orm, owner, pack('paddle-down'), refusing)).rejects.toMatchObject({
			code: 'payment_provider_error',
			message: '“Pack paddle-down” is not added: Paddle could not create the price. Please try again in a moment.'
		});
		expect(await stored('paddle-down')).toBeUndefined();
		expect(await claims()).toEqual([]);
		// Tried again once Paddle answers: added.
		expect((await addPackage(bed.db.orm, owner, pack('paddle-down'), paddle)).paddlePriceSandbox).toMatch(/^pri_01/);

		await expect(addPackage(bed.db.orm, owner, pack('bad-model', { kind: 'model_pack', grants: [{ model: 'no-such-model', tokens: 10 }] }), paddle)).rejects.toMatchObject({ code: 'unknown_model' });
		expect(asked).toHaveLength(1);
		// Another admin takes the id while Paddle makes the price: the add is refused, the price made for it archived.
		const racing = Object.assign(Object.create(paddle), {
			createPrice: async () => {
				await addPackage(bed.db.orm, owner, pack('taken-meanwhile', { name: 'The other admin’s', paddlePriceSandbox: 'pri_other_admins' }), null);
				return paddle.createPrice({ name: '', description: '' }, { unitPriceCents: 1, currency: 'USD', interval: null });
			}
		});
		await expect(addPackage(bed.db.orm, owner, pack('taken-meanwhile'), racing)).rejects.toMatchObject({ code: 'conflict' });
		expect(asked.slice(-2)).toEqual([expect.stringMatching(/^new pri_01/), asked.at(-2)!.replace('new', 'archive')]);
		expect(await stored('taken-meanwhile')).toMatchObject({ name: 'The other admin’s', paddlePriceSandbox: 'pri_other_admins' });
		expect(await claims()).toEqual([]);
		await expectInvariants(bed.db);
	});
});

describe(`adding a package through Paddle Billing (SDK → stand-in API) on ${backend}`, () => {
	// Paddle's API on loopback: the prices and products it holds (by id), each request, and whether it refuses new prices.
	type Held = { id: string; status: 'active' | 'archived'; body: Record<string, unknown> };
	const held = new Map<string, Held>();
	const requests: { method: string; path: string; body: Record<string, unknown> }[] = [];
	let refusePrices = false;
	let api: ReturnType<typeof createServer>;
	let paddle: PaddleBillingProvider;
	const at = new Date().toISOString();
	const priceJson = (p: Held) => ({ id: p.id, product_id: 'pro_01', description: 'x', name: null, type: 'standard', billing_cycle: null, trial_period: null, tax_mode: 'account_setting', unit_price_overrides: [], quantity: { minimum: 1, maximum: 1000 }, custom_data: null, import_meta: null, created_at: at, updated_at: at, ...p.body, status: p.status });
	const productJson = (p: Held) => ({ id: p.id, name: 'x', type: 'standard', description: null, tax_category: 'standard', image_url: null, custom_data: null, import_meta: null, created_at: at, updated_at: at, ...p.body, status: p.status });
	const json = (status: number, body: unknown) => ({ status, body });

	beforeAll(async () => {
		api = createServer(async (req, res) => {
			const body = await readJson(req);
			const path = new URL(req.url!, 'http://paddle').pathname;
			requests.push({ method: req.method!, path, body });
			const [, kind, id] = path.split('/');
			const reply = (() => {
				if (req.method === 'POST' && kind === 'prices' && refusePrices) return json(400, { error: { type: 'request_error', code: 'bad_request', detail: 'refused', documentation_url: 'https://developer.paddle.com' }, meta: { request_id: 'r' } });
				if (req.method === 'POST') {
					const made: Held = { id: `${kind === 'prices' ? 'pri' : 'pro'}_01made${held.size}`, status: 'active', body };
					held.set(made.id, made);
					return json(201, { data: kind === 'prices' ? priceJson(made) : productJson(made), meta: { request_id: 'r' } });
				}
				const item = held.get(id!);
				if (!item) return json(404, { error: { type: 'request_error', code: 'not_found', detail: 'Entity not found', documentation_url: 'https://developer.paddle.com/errors/shared/not_found' }, meta: { request_id: 'r' } });
				if (req.method === 'PATCH') item.status = body.status as Held['status'];
				return json(200, { data: kind === 'prices' ? priceJson(item) : productJson(item), meta: { request_id: 'r' } });
			})();
			res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
		});
		await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
		paddle = new PaddleBillingProvider('pdl_sdbx_apikey_test_0123456789', 'test_client_token_0123', 'sandbox', `http://127.0.0.1:${(api.address() as AddressInfo).port}`);
	});
	afterAll(async () => void (await new Promise((r) => api?.close(r))));

	it('makes a Paddle product named as the package and an annual price of its amount on it, and stores the price id', async () => {
		const before = requests.length;
		const added = await addPackage(bed.db.orm, owner, pack('sdk-annual', { kind: 'subscription', name: 'Annual tokens', billingInterval: 'year', maxQuantity: 1, priceCents: 12_000, currency: 'EUR' }), paddle);
		const sent = requests.slice(before);
		expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /products', 'POST /prices']);
		expect(sent[0]!.body).toEqual({ name: 'Annual tokens', description: 'Added in a test.', tax_category: 'standard' });
		const product = [...held.values()].find((h) => h.body.name === 'Annual tokens')!;
		expect(sent[1]!.body).toEqual({ product_id: product.id, description: 'Annual tokens', billing_cycle: { interval: 'year', frequency: 1 }, unit_price: { amount: '12000', currency_code: 'EUR' }, quantity: { minimum: 1, maximum: 1000 } });
		expect(added.paddlePriceSandbox).toMatch(/^pri_01made/);
		expect(held.get(added.paddlePriceSandbox!)).toMatchObject({ status: 'active' });
	});

	it('a price Paddle refuses: the product made for it is archived, no package is saved, and the owner is told', async () => {
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		refusePrices = true;
		try {
			const before = requests.length;
			await expect(addPackage(bed.db.orm, owner, pack('sdk-refused'), paddle)).rejects.toMatchObject({ code: 'payment_provider_error', message: '“Pack sdk-refused” is not added: Paddle could not create the price. Please try again in a moment.' });
			const sent = requests.slice(before);
			expect(sent.map((r) => `${r.method} ${r.path.replace(/pro_01made\d+/, 'pro_…')}`)).toEqual(['POST /products', 'POST /prices', 'PATCH /products/pro_…']);
			expect(held.get(sent[2]!.path.split('/')[2]!)).toMatchObject({ status: 'archived' });
			expect(await stored('sdk-refused')).toBeUndefined();
			expect(await claims()).toEqual([]);
		} finally {
			refusePrices = false;
			logged.mockRestore();
		}
	});

	it('a price id made in the dashboard is checked, on adding and on saving changes: unknown, archived or of another amount, currency or period is refused beside the field; one that agrees is saved, with no price made', async () => {
		held.set('pri_dashboard_monthly', { id: 'pri_dashboard_monthly', status: 'active', body: { billing_cycle: { interval: 'month', frequency: 1 }, unit_price: { amount: '1500', currency_code: 'USD' } } });
		held.set('pri_dashboard_old', { id: 'pri_dashboard_old', status: 'archived', body: { unit_price: { amount: '350', currency_code: 'USD' } } });
		const plan = (priceCents: number, more: Partial<ProductInput> = {}) => pack('sdk-typed', { kind: 'subscription', billingInterval: 'month', maxQuantity: 1, priceCents, paddlePriceSandbox: 'pri_dashboard_monthly', ...more });
		const refusal = async (input: ProductInput) => {
			const e = await addPackage(bed.db.orm, owner, input, paddle).then(() => null, (x: DomainError) => x);
			expect(e).toMatchObject({ code: 'invalid_input', details: { fieldErrors: { paddlePriceSandbox: [e!.message] } } });
			return e!.message;
		};
		const fix = ' Correct the price or the id, or leave the id empty: adding the package then makes its price in Paddle.';
		expect(await refusal(plan(1_400))).toBe(`The price pri_dashboard_monthly is $15.00 a month in Paddle, and the package $14.00 a month.${fix}`);
		expect(await refusal(plan(1_500, { currency: 'EUR' }))).toBe(`The price pri_dashboard_monthly is $15.00 a month in Paddle, and the package €15.00 a month.${fix}`);
		expect(await refusal(plan(1_500, { billingInterval: 'year' }))).toBe(`The price pri_dashboard_monthly is $15.00 a month in Paddle, and the package $15.00 a year.${fix}`);
		expect(await refusal(pack('sdk-typed', { paddlePriceSandbox: 'pri_dashboard_monthly', priceCents: 1_500 }))).toBe(`The price pri_dashboard_monthly is $15.00 a month in Paddle, and the package $15.00 once.${fix}`);
		expect(await refusal(pack('sdk-typed', { paddlePriceSandbox: 'pri_never_made' }))).toBe(`Paddle's sandbox has no price pri_never_made.${fix}`);
		expect(await refusal(pack('sdk-typed', { paddlePriceSandbox: 'pri_dashboard_old' }))).toBe(`The price pri_dashboard_old is archived in Paddle: it sells nothing.${fix}`);
		expect(await stored('sdk-typed')).toBeUndefined();

		const before = requests.length;
		expect(await addPackage(bed.db.orm, owner, plan(1_500), paddle)).toMatchObject({ id: 'sdk-typed', paddlePriceSandbox: 'pri_dashboard_monthly' });
		expect(requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /prices/pri_dashboard_monthly']);
		expect(await getProduct(bed.db.orm, 'sdk-typed')).toMatchObject({ priceCents: 1_500, billingInterval: 'month' });
		// Pasted later, on "Save changes", it is checked too, and the package stays as it was.
		await expect(saveProduct(bed.db.orm, owner, plan(1_500, { paddlePriceSandbox: 'pri_dashboard_old' }), 'update', paddle)).rejects.toMatchObject({
			code: 'invalid_input',
			message: 'The price pri_dashboard_old is archived in Paddle: it sells nothing. Correct the price or the id.'
		});
		expect(await getProduct(bed.db.orm, 'sdk-typed')).toMatchObject({ paddlePriceSandbox: 'pri_dashboard_monthly', retiredPrices: [] });
	});
});
