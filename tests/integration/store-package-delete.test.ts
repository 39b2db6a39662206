// A package added by mistake can be deleted from the Catalog while it was never ordered: its Paddle
// price is archived through our Paddle layer (here the real SDK against a stand-in for Paddle's API
// on loopback) and the audit keeps the package as it was. One ever ordered stays (its orders, Paddle's
// records and the buyers' statements name it): the refusal says so and that off sale is the way,
// and nothing changes. Only site admins may delete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { readJson, storeTestBed } from '../helpers/paddle';
import { trpcRefusal } from '../helpers/refusal';
import { makeWorld, type World } from '../helpers/world';
import { setDb } from '../../src/lib/server/db';
import { auditLog, products } from '../../src/lib/server/db/schema';
import { appRouter } from '../../src/lib/server/trpc/router';
import { createContext } from '../../src/lib/server/trpc/init';
import { deleteProduct } from '../../src/lib/server/store';
import { startCheckout } from '../../src/lib/server/store/orders';
import { PaddleBillingProvider } from '../../src/lib/server/store/paddle/paddle-billing';
import type { ProductInput } from '../../src/lib/server/store/catalog';

let bed: Awaited<ReturnType<typeof storeTestBed>>;
let w: World;
const caller = async (auth: World['auth'][keyof World['auth']]) => appRouter.createCaller(await createContext({ locals: { auth, guestId: null }, getClientAddress: () => '10.9.0.9' }));
let admin: Awaited<ReturnType<typeof caller>>;
// Paddle's API on loopback: each request, answered with the price archived.
const requests: { method: string; path: string; body: unknown }[] = [];
let api: ReturnType<typeof createServer>;
let paddle: PaddleBillingProvider;

beforeAll(async () => {
	bed = await storeTestBed();
	setDb(bed.db);
	w = await makeWorld(bed.db);
	admin = await caller(w.auth.siteAdmin);
	api = createServer(async (req, res) => {
		const body = await readJson(req);
		requests.push({ method: req.method!, path: req.url!, body });
		const now = new Date().toISOString();
		const price = { id: req.url!.split('/').at(-1), product_id: 'pro_mistake', description: 'Mistake', name: null, type: 'standard', billing_cycle: null, trial_period: null, tax_mode: 'account_setting', unit_price: { amount: '500', currency_code: 'USD' }, unit_price_overrides: [], quantity: { minimum: 1, maximum: 10 }, status: 'archived', custom_data: null, import_meta: null, created_at: now, updated_at: now };
		res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: price, meta: { request_id: 'req_archive' } }));
	});
	await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
	paddle = new PaddleBillingProvider('pdl_sdbx_apikey_test_0123456789', 'test_client_token_0123', 'sandbox', `http://127.0.0.1:${(api.address() as AddressInfo).port}`);
});
afterAll(async () => {
	await new Promise((r) => api?.close(r));
	await bed?.close();
});

const pack = (id: string): ProductInput => ({ id, kind: 'pack', name: `Pack ${id}`, grants: [{ model: null, tokens: 1000 }], priceCents: 500, maxQuantity: 10, paddlePriceSandbox: `pri_${id.replaceAll('-', '_')}` });
const listed = async (id: string) => (await bed.db.orm.select().from(products).where(eq(products.id, id))).length > 0;
const deletions = (id: string) => bed.db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'store.product_deleted'), eq(auditLog.targetId, id)));

describe(`deleting a package on ${backend}`, () => {
	it('deletes one never ordered, audited with the package as it was; its id is free again', async () => {
		await admin.store.admin.createProduct(pack('mistake-one'));
		await expect(admin.admin.catalog.remove({ id: 'mistake-one' })).resolves.toMatchObject({ id: 'mistake-one', name: 'Pack mistake-one' });
		expect(await listed('mistake-one')).toBe(false);
		const [entry, ...more] = await deletions('mistake-one');
		expect(more).toEqual([]);
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, actorKind: 'admin', targetType: 'product', before: { id: 'mistake-one', name: 'Pack mistake-one', priceCents: 500, paddlePriceSandbox: 'pri_mistake_one' }, after: null });
		await admin.store.admin.createProduct(pack('mistake-one'));
		expect(await listed('mistake-one')).toBe(true);
		// Gone meanwhile (another admin): said, not a 500.
		await admin.admin.catalog.remove({ id: 'mistake-one' });
		await expect(trpcRefusal(admin.admin.catalog.remove({ id: 'mistake-one' }))).resolves.toMatchObject({ code: 'NOT_FOUND', message: 'No such package: another admin may have deleted it.' });
	});

	it('archives the deleted package’s Paddle price through the Paddle layer, after the delete is saved', async () => {
		await admin.store.admin.createProduct(pack('mistake-two'));
		const before = requests.length;
		await deleteProduct(bed.db.orm, { userId: w.users.siteAdmin.id, ip: null }, 'mistake-two', paddle);
		expect(requests.slice(before).map((r) => [r.method, r.path, r.body])).toEqual([['PATCH', '/prices/pri_mistake_two', { status: 'archived' }]]);
		expect(await listed('mistake-two')).toBe(false);
	});

	it('keeps a package that was ordered, saying why and that off sale is the way; nothing changes, nothing is archived', async () => {
		await admin.store.admin.createProduct(pack('ordered-once'));
		await startCheckout(bed.db.orm, bed.paddle, { accountId: w.users.memberA.accountId, userId: w.users.memberA.id, email: null, productId: 'ordered-once', quantity: 1 });
		const before = requests.length;
		const refused = await deleteProduct(bed.db.orm, { userId: w.users.siteAdmin.id, ip: null }, 'ordered-once', paddle).catch((e: unknown) => e);
		expect(refused).toMatchObject({
			code: 'conflict',
			message: '“Pack ordered-once” was ordered 1 time: its orders, Paddle\'s records and the buyers\' statements name it, so it cannot be deleted. Take it off sale instead: nobody can buy it then, and who bought it keeps what they got.',
			details: { orders: 1, subscriptions: 0, topupRules: 0, topups: 0 }
		});
		expect(requests.length).toBe(before);
		// Off sale already: the words say that is the way, through tRPC as a 409.
		await admin.admin.catalog.setActive({ id: 'ordered-once', active: false });
		expect(await trpcRefusal(admin.admin.catalog.remove({ id: 'ordered-once' }))).toEqual({
			code: 'CONFLICT',
			domain: 'conflict',
			message: '“Pack ordered-once” was ordered 1 time: its orders, Paddle\'s records and the buyers\' statements name it, so it cannot be deleted. It is off sale already, which is the way: nobody can buy it, and who bought it keeps what they got.'
		});
		expect(await listed('ordered-once')).toBe(true);
		expect(await deletions('ordered-once')).toEqual([]);
	});

	it('lets only site admins delete a package', async () => {
		await admin.store.admin.createProduct(pack('admins-only'));
		for (const who of ['memberA', 'memberB', 'teamMember', 'otherTeamAdmin'] as const) {
			const someone = await caller(w.auth[who]);
			await expect(trpcRefusal(someone.admin.catalog.remove({ id: 'admins-only' }))).resolves.toMatchObject({ code: 'FORBIDDEN' });
		}
		await expect(trpcRefusal((await caller(null)).admin.catalog.remove({ id: 'admins-only' }))).resolves.toMatchObject({ code: 'UNAUTHORIZED' });
		expect(await listed('admins-only')).toBe(true);
		expect(await deletions('admins-only')).toEqual([]);
	});
});
