// Referral bonuses (issue 17.4): a member's link; both sides get the site's bonus once, with its
// expiry; not for the same mailbox or payment customer; limited per referrer and per address per day.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants } from '../helpers/ledger';
import { lotsOf, post, useStoreTestBed } from '../helpers/paddle';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { signUp } from '../../src/lib/server/accounts';
import { invitation, recordReferral, referralPanel, setReferralRules, type ReferralSettings } from '../../src/lib/server/referrals';
import { startCheckout } from '../../src/lib/server/store/orders';
import { getProduct } from '../../src/lib/server/store/catalog';
import { envelope, simulatedCustomerId, transactionPayload } from '../../src/lib/server/store/paddle/simulator/payloads';

const bed = useStoreTestBed();
let db: Db & { url?: string };
let admin: { userId: string; ip: string | null };

beforeAll(async () => {
	db = bed.db;
	const a = await signUp(db, { email: `admin-${randomUUID()}@example.com`, name: 'Site Admin', password: 'admin pass 123' }, { ip: '10.9.9.9' });
	admin = { userId: a.user.id, ip: null };
});

const rules = (r: Partial<ReferralSettings> = {}) =>
	setReferralRules(db, admin, { enabled: true, referrerTokens: 500, referredTokens: 300, requirePurchase: false, expiresDays: 30, dailyLimit: 10, ...r });

let n = 0;
/** A sign-up as the page makes it: through a referral link when `code` is given, from its own address unless one is given. */
const join = (name: string, opts: { code?: string; email?: string; ip?: string; on?: Db } = {}) => {
	const ip = opts.ip ?? `10.0.${Math.floor(++n / 250)}.${n % 250}`;
	return signUp(
		opts.on ?? db,
		{ email: opts.email ?? `${name.toLowerCase().replace(/\W+/g, '-')}-${randomUUID().slice(0, 8)}@example.com`, name, password: 'a good pass 42' },
		{ ip },
		opts.code ? (tx, user) => recordReferral(tx, opts.code!, user, ip) : undefined
	);
};
const codeOf = async (userId: string) => new URL((await referralPanel(db.orm, userId)).link!).searchParams.get('ref')!;
const referralLots = async (accountId: string) => (await lotsOf(db, accountId)).filter((l) => l.source === 'referral');
const notes = async (accountId: string) => (await db.rows<{ note: string }>(sql`select note from lots where account_id = ${accountId}::uuid and source = 'referral'`)).map((r) => r.note);

beforeEach(() => rules());

describe('referral bonuses', () => {
	it('off: a link gives nothing and the panel offers none', async () => {
		await rules({ enabled: false });
		const ana = await join('Ana');
		expect(await referralPanel(db.orm, ana.user.id)).toMatchObject({ link: null, referrals: [] });
		await rules();
		const code = await codeOf(ana.user.id);
		await rules({ enabled: false });
		expect(await invitation(db.orm, code)).toBeNull();
		const leo = await join('Leo', { code });
		expect(await referralLots(leo.user.accountId)).toEqual([]);
		expect(await referralLots(ana.user.accountId)).toEqual([]);
	});

	it('signing up through a link grants both bonuses once, with the expiry, labelled with the other name', async () => {
		const ana = await join('Ana Lopez');
		const code = await codeOf(ana.user.id);
		expect(await codeOf(ana.user.id)).toBe(code);
		expect(await invitation(db.orm, code.toLowerCase())).toEqual({ referrerName: 'Ana', tokens: 300, afterPurchase: false });
		const before = Date.now();
		const leo = await join('Leo Park', { code });

		const [mine] = await referralLots(ana.user.accountId);
		const [theirs] = await referralLots(leo.user.accountId);
		expect(mine).toMatchObject({ amount: 500, remaining: 500 });
		expect(theirs).toMatchObject({ amount: 300, remaining: 300 });
		const expiry = Date.parse(theirs!.expires_at!);
		expect(expiry).toBeGreaterThanOrEqual(before + 30 * 86_400_000 - 1000);
		expect(expiry).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000 + 1000);
		expect(await notes(ana.user.accountId)).toEqual(['Invited Leo Park']);
		expect(await notes(leo.user.accountId)).toEqual(["Joined through Ana Lopez's link"]);
		expect((await referralPanel(db.orm, ana.user.id)).referrals).toEqual([expect.objectContaining({ name: 'Leo', status: 'granted', reason: null })]);

		// One referral per new account: recording it again (a retried sign-up step) grants nothing more.
		await db.orm.transaction((tx) => recordReferral(tx, code, leo.user, '10.1.1.1'));
		expect(await referralLots(ana.user.accountId)).toHaveLength(1);
		expect(await referralLots(leo.user.accountId)).toHaveLength(1);
		await expectInvariants(db);
	});

	it('an unknown code, or a disabled referrer, signs up without a referral', async () => {
		const leo = await join('Leo', { code: 'NOSUCHCODE' });
		expect(await referralLots(leo.user.accountId)).toEqual([]);
		const ana = await join('Ana');
		const code = await codeOf(ana.user.id);
		await db.rows(sql`update users set disabled_at = now() where id = ${ana.user.id}::uuid`);
		const mia = await join('Mia', { code });
		expect(await referralLots(mia.user.accountId)).toEqual([]);
		expect(await referralLots(ana.user.accountId)).toEqual([]);
	});

	it('refuses the same mailbox: case, a +tag and Gmail dots do not make a new person', async () => {
		const k = randomUUID().slice(0, 8);
		const ana = await join('Ana', { email: `ana.smith.${k}@gmail.com` });
		const code = await codeOf(ana.user.id);
		const twin = await join('Ana again', { code, email: `AnaSmith${k}+bonus@GoogleMail.com` });
		expect(await referralLots(twin.user.accountId)).toEqual([]);
		expect(await referralLots(ana.user.accountId)).toEqual([]);
		expect((await referralPanel(db.orm, ana.user.id)).referrals).toEqual([expect.objectContaining({ status: 'refused', reason: 'same_email' })]);
		// Another domain's dots are part of the mailbox: a different person.
		const other = await join('Other', { code, email: `ana.smith.${k}@example.com` });
		expect(await referralLots(other.user.accountId)).toHaveLength(1);
		await expectInvariants(db);
	});

	it('rewards at most the daily limit per referrer and per address; the rest are recorded, refused', async () => {
		await rules({ dailyLimit: 2 });
		const ana = await join('Ana');
		const code = await codeOf(ana.user.id);
		for (const name of ['A1', 'A2', 'A3']) await join(name, { code });
		expect(await referralLots(ana.user.accountId)).toHaveLength(2);
		expect((await referralPanel(db.orm, ana.user.id)).referrals.map((r) => r.reason)).toEqual(['daily_limit', null, null]);

		// Three referrers, one address: the third sign-up from it gets nothing.
		const referrers = await Promise.all(['R1', 'R2', 'R3'].map((x) => join(x)));
		const joined = [];
		for (const r of referrers) joined.push(await join(`From ${r.user.name}`, { code: await codeOf(r.user.id), ip: '192.0.2.77' }));
		expect(await Promise.all(joined.map(async (j) => (await referralLots(j.user.accountId)).length))).toEqual([1, 1, 0]);
		await expectInvariants(db);
	});

	if (backend === 'postgres') it('concurrent sign-ups through one link never pass the daily limit', async () => {
		await rules({ dailyLimit: 3 });
		const ana = await join('Ana');
		const code = await codeOf(ana.user.id);
		const other = openPostgres(db.url!, { max: 8 });
		try {
			await Promise.all(Array.from({ length: 12 }, (_, i) => join(`Burst ${i}`, { code, on: i % 2 ? other : db })));
		} finally {
			await other.close();
		}
		expect(await referralLots(ana.user.accountId)).toHaveLength(3);
		const statuses = (await referralPanel(db.orm, ana.user.id)).referrals.map((r) => r.status);
		expect(statuses.filter((s) => s === 'granted')).toHaveLength(3);
		expect(statuses.filter((s) => s === 'refused')).toHaveLength(9);
		await expectInvariants(db);
	});

	describe('when the site waits for a first purchase', () => {
		const buy = async (accountId: string, customerOf?: string) => {
			const c = await startCheckout(db.orm, bed.paddle, { accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 });
			if (!customerOf) return bed.paddle.pay(c.transactionId);
			// Paid with someone else's card: Paddle names that customer on the transaction.
			const product = await getProduct(db.orm, 'tokens-5k');
			const now = new Date().toISOString();
			const txn = {
				id: c.transactionId, status: 'completed' as const, origin: 'api' as const, priceId: product.paddlePriceSandbox!, quantity: 1,
				customData: { orderId: c.orderId }, subscriptionId: null, billingPeriod: null, payments: [{ status: 'captured' as const, at: now }],
				createdAt: now, billedAt: now, customerId: simulatedCustomerId(customerOf)
			};
			return [await post(bed.hook.url, envelope('transaction.completed', transactionPayload(txn, product)))];
		};

		it('grants both on the first purchase only, through the webhook', async () => {
			await rules({ requirePurchase: true });
			const ana = await join('Ana');
			const leo = await join('Leo', { code: await codeOf(ana.user.id) });
			expect(await referralLots(leo.user.accountId)).toEqual([]);
			expect((await referralPanel(db.orm, ana.user.id)).referrals).toEqual([expect.objectContaining({ status: 'pending' })]);
			expect(await invitation(db.orm, await codeOf(ana.user.id))).toMatchObject({ afterPurchase: true });

			await buy(leo.user.accountId);
			await buy(leo.user.accountId);
			expect(await referralLots(ana.user.accountId)).toHaveLength(1);
			expect(await referralLots(leo.user.accountId)).toEqual([expect.objectContaining({ amount: 300 })]);
			expect((await referralPanel(db.orm, ana.user.id)).referrals).toEqual([expect.objectContaining({ status: 'granted' })]);
			await expectInvariants(db);
		});

		it('refuses a purchase paid by the referrer’s payment customer', async () => {
			await rules({ requirePurchase: true });
			const ana = await join('Ana');
			await buy(ana.user.accountId);
			const leo = await join('Leo', { code: await codeOf(ana.user.id) });
			await buy(leo.user.accountId, ana.user.accountId);
			expect(await referralLots(leo.user.accountId)).toEqual([]);
			expect(await referralLots(ana.user.accountId)).toEqual([]);
			expect((await referralPanel(db.orm, ana.user.id)).referrals).toEqual([expect.objectContaining({ status: 'refused', reason: 'same_payment_customer' })]);
			// The purchase itself is granted as usual.
			expect((await lotsOf(db, leo.user.accountId)).filter((l) => l.source === 'purchase')).toHaveLength(1);
			await expectInvariants(db);
		});
	});

	it('the admin rules are checked: bad figures are invalid_input and change nothing', async () => {
		await rules({ referrerTokens: 42 });
		await expect(rules({ referrerTokens: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(rules({ referrerTokens: 0, referredTokens: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(rules({ expiresDays: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
		const [row] = await db.rows<{ referrer_tokens: number }>(sql`select referrer_tokens::int8 from referral_settings`);
		expect(Number(row!.referrer_tokens)).toBe(42);
		const [audited] = await db.rows<{ n: number }>(sql`select count(*)::int4 as n from audit_log where action = 'referrals.settings_saved'`);
		expect(Number(audited!.n)).toBeGreaterThan(0);
	});
});
