import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { expectInvariants } from '../helpers/ledger';
import { trpcRefusal } from '../helpers/refusal';
import { delivered, lotsOf, paddleEventsFor, post, useStoreTestBed } from '../helpers/paddle';
import { startPushService } from '../helpers/push-service';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { setDb } from '../../src/lib/server/db';
import { teamMembers } from '../../src/lib/server/db/schema';
import { balances, consume, upsertFeature } from '../../src/lib/server/ledger';
import { createSession, createTeam, createUser } from '../../src/lib/server/accounts';
import { listNotifications, pushJob, subscribePush } from '../../src/lib/server/alerts';
import { startSchedule, type Schedule } from '../../src/lib/server/schedule';
import { createMailer } from '../../src/lib/server/mail';
import { mailJob } from '../../src/lib/server/mail/job';
import { startSmtp } from '../helpers/mail';
import { callerAs } from '../helpers/world';
import { startCheckout, listPurchases } from '../../src/lib/server/store/orders';
import { getProduct, listProducts, saveProduct, upsertProduct } from '../../src/lib/server/store/catalog';
import { parsePushMessage } from '../../src/lib/push-message';
import { accountDetail } from '../../src/lib/server/admin';
import { listPaymentEvents } from '../../src/lib/server/admin/payments';
import { buyerWords, purchaseName } from '../../src/lib/client/purchase-status';
import { chargeTopup, checkTopup, checkTopups, DECLINED_REASON, setTopupRule, startTopups, topupView, type TopupRuleInput } from '../../src/lib/server/topup';
import { holdBack } from '../../src/lib/server/topup/rules';
import type { PaddleSimulator } from '../../src/lib/server/store/paddle/simulator/simulator';

const bed = useStoreTestBed({ withRates: true, poolSize: 20 });
let db: Db & { url?: string };
let paddle: PaddleSimulator;
let push: Awaited<ReturnType<typeof startPushService>>;
/** The schedule's push and mail jobs: the notices' pushes and mails go out through them. */
let outbox: Schedule;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
	({ db, paddle } = bed);
	// What the domain asks of the app's database (getDb: the payment provider's settings) is this file's:
	// else the first call opened the default ./data/pglite, which the other backend's run of this file holds.
	setDb(db);
	[push, smtp] = await Promise.all([startPushService(), startSmtp()]);
	const mailer = createMailer({ smtpUrl: smtp.url, mailDir: 'unused', from: 'Quota <billing@quota.test>' });
	outbox = await startSchedule(db, [pushJob({ agent: push.agent }), mailJob(mailer)], { pollMs: 3_600_000 });
	// One token per unit keeps the arithmetic readable.
	await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
});
afterAll(async () => {
	await outbox?.stop();
	await Promise.all([push?.close(), smtp?.close()]);
});

async function person(name = 'Robin') {
	const u = await createUser(db.orm, { email: `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`, name, emailConfirmed: true });
	const session = await createSession(db.orm, u.id);
	return { ...u, sessionId: session.sessionId };
}
/** Buys the monthly plan (20,000 tokens) through the simulator's checkout: a subscription to charge. */
async function subscribe(accountId: string) {
	const c = await startCheckout(db.orm, paddle, { accountId, userId: null, email: null, productId: 'monthly-20k', quantity: 1 });
	delivered(await paddle.pay(c.transactionId));
}
const spend = (accountId: string, tokens: number, on: Db = db) =>
	consume(on.orm, { accountId, feature: 'plain', units: tokens, actor: {}, idempotency: { scope: 'topup-test', key: randomUUID() } });
const available = async (accountId: string) => (await balances(db.orm, accountId)).available;
const rule = (over: Partial<TopupRuleInput> = {}): TopupRuleInput => ({
	enabled: true,
	belowTokens: 5_000,
	productId: 'tokens-5k',
	maxPerMonth: 5,
	maxCentsPerMonth: null,
	cooldownSeconds: 0,
	...over
});
/** The charge jobs the claims queued (key = top-up id), oldest first. */
const queuedCharges = (accountId: string) =>
	db.rows<{ key: string }>(sql`select j.key from scheduled_jobs j join topups t on t.id::text = j.key
	                             where j.name = 'topup.charge' and t.account_id = ${accountId}::uuid order by j.id`);
/** Runs what the schedule would: every queued charge of the account. */
async function runCharges(accountId: string) {
	const out = [];
	for (const j of await queuedCharges(accountId)) out.push(await chargeTopup(db, j.key, paddle));
	await outbox.runDue();
	return out.filter((s) => s !== null);
}

describe(`auto top-up on ${backend}`, () => {
	it('is off by default: a crossing with no rule tops up nothing', async () => {
		const u = await person();
		await subscribe(u.accountId);
		await spend(u.accountId, 19_000);
		expect(await checkTopup(db, u.accountId)).toBe('none');
		const view = await topupView(db, u.id);
		expect(view.accounts[0]).toMatchObject({ rule: null, state: 'off', chargeable: true, month: { count: 0, topups: [] } });
	});

	it('charges one package per crossing on the subscription; the webhook grants it; back above the trigger re-arms', async () => {
		const u = await person();
		await subscribe(u.accountId);
		await setTopupRule(db, u.id, u.accountId, rule());
		await spend(u.accountId, 15_000);
		// Exactly at the trigger is not below it.
		expect(await checkTopup(db, u.accountId)).toBe('none');
		await spend(u.accountId, 1);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await checkTopup(db, u.accountId)).toBe('none');
		expect(await queuedCharges(u.accountId)).toHaveLength(1);
		expect((await topupView(db, u.id)).accounts[0]!.state).toBe('served');

		expect(await runCharges(u.accountId)).toEqual(['charged']);
		// The subscription_charge webhook granted the 5,000 tokens, as a purchase that never expires.
		expect(await available(u.accountId)).toBe(4_999 + 5_000);
		const lot = (await lotsOf(db, u.accountId)).find((l) => l.source === 'purchase')!;
		expect(lot).toMatchObject({ amount: 5_000, expires_at: null });
		const [purchase] = await listPurchases(db.orm, u.accountId);
		expect(purchase).toMatchObject({ productId: 'tokens-5k', status: 'completed', autoTopUp: true, renewal: false, amountCents: 500 });
		// The job ran once: running it again charges nothing.
		expect(await runCharges(u.accountId)).toEqual([]);

		expect(await checkTopup(db, u.accountId)).toBe('rearmed');
		await spend(u.accountId, 5_000);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['charged']);
		const view = (await topupView(db, u.id)).accounts[0]!;
		expect(view.month).toMatchObject({ count: 2, cents: 1_000 });
		expect(view.month.topups.map((t) => [t.status, t.orderStatus, t.tokens])).toEqual([
			['charged', 'completed', 5_000],
			['charged', 'completed', 5_000]
		]);
		await expectInvariants(db);
	});

	it('holds back a crossing past the monthly count or money cap, or inside the cooldown', async () => {
		const u = await person();
		await subscribe(u.accountId);
		await setTopupRule(db, u.id, u.accountId, rule({ maxPerMonth: 1 }));
		await spend(u.accountId, 15_001);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		await runCharges(u.accountId);
		expect(await checkTopup(db, u.accountId)).toBe('rearmed');
		await spend(u.accountId, 5_000);
		expect(await checkTopup(db, u.accountId)).toBe('held');
		expect((await topupView(db, u.id)).accounts[0]).toMatchObject({ state: 'held', heldBack: { reason: 'count_cap' } });

		// Raising the cap lets the same crossing top up (it was never served).
		await setTopupRule(db, u.id, u.accountId, rule({ maxPerMonth: null, maxCentsPerMonth: 1_000, cooldownSeconds: 3_600 }));
		expect(await checkTopup(db, u.accountId)).toBe('held');
		expect((await topupView(db, u.id)).accounts[0]).toMatchObject({ state: 'held', heldBack: { reason: 'cooldown', until: expect.any(String) } });
		await setTopupRule(db, u.id, u.accountId, rule({ maxPerMonth: null, maxCentsPerMonth: 1_000 }));
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		await runCharges(u.accountId);
		expect(await checkTopup(db, u.accountId)).toBe('rearmed');
		await spend(u.accountId, 5_000);
		// 2 × $5.00 spent: a third would pass $10.00.
		expect(await checkTopup(db, u.accountId)).toBe('held');
		expect((await topupView(db, u.id)).accounts[0]).toMatchObject({ heldBack: { reason: 'money_cap' }, month: { count: 2, cents: 1_000 } });
		await expectInvariants(db);
	});

	it('caps at their boundaries: the M-th top-up and the one that reaches X exactly still go', () => {
		const use = (count: number, cents: number, lastAt: Date | null = null) => ({ count, cents, lastAt });
		const r = { maxPerMonth: 3, maxCentsPerMonth: 1_500, cooldownSeconds: 60 };
		expect(holdBack(r, use(2, 1_000), 500)).toBeNull();
		expect(holdBack(r, use(3, 1_500), 500)).toEqual({ reason: 'count_cap' });
		expect(holdBack({ ...r, maxPerMonth: null }, use(3, 1_001), 500)).toEqual({ reason: 'money_cap' });
		const now = new Date('2026-11-30T12:00:00Z');
		expect(holdBack(r, use(1, 500, new Date(now.getTime() - 60_000)), 500, now)).toBeNull();
		expect(holdBack(r, use(1, 500, new Date(now.getTime() - 59_000)), 500, now)).toMatchObject({ reason: 'cooldown' });
	});

	it('without a subscription to charge, sends a one-tap notice (inbox and push) that opens the checkout', async () => {
		const u = await person();
		const phone = push.device();
		await subscribePush(db.orm, { userId: u.id, sessionId: u.sessionId }, phone.subscription, { extraOrigins: [push.origin] });
		const c = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 2 });
		await paddle.pay(c.transactionId);
		await setTopupRule(db, u.id, u.accountId, rule({ belowTokens: 2_000 }));
		expect((await topupView(db, u.id)).accounts[0]).toMatchObject({ chargeable: false, state: 'armed' });
		await spend(u.accountId, 8_500);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['notice']);
		expect(await available(u.accountId)).toBe(1_500);
		const inbox = await listNotifications(db.orm, u.id);
		expect(inbox.entries[0]).toMatchObject({ kind: 'topup_notice', topup: { productId: 'tokens-5k', tokens: 5_000, amountCents: 500, currency: 'USD', belowTokens: 2_000 } });
		const [req] = phone.received();
		expect(parsePushMessage(phone.decrypt(req!))).toEqual({
			title: 'Your tokens: below 2,000 tokens',
			body: 'Tap to top up with Token pack (5,000 tokens, $5.00). Auto top-up needs a subscription to charge.',
			url: `/store?buy=tokens-5k&account=${u.accountId}&topup=${inbox.entries[0]!.topup!.topupId}`,
			tag: `topup-${u.accountId}`
		});
		// A notice is no top-up: the monthly caps do not count it.
		expect((await topupView(db, u.id)).accounts[0]!.month).toMatchObject({ count: 0, topups: [expect.objectContaining({ status: 'notice' })] });
		expect(await checkTopup(db, u.accountId)).toBe('none');
		await expectInvariants(db);
	});

	it('a top-up says the package as it offered it: renamed and refilled since, its record in Settings keeps the name and tokens, beside the price it was claimed at', async () => {
		const u = await person();
		const c = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 2 });
		await paddle.pay(c.transactionId);
		await setTopupRule(db, u.id, u.accountId, rule({ belowTokens: 2_000 }));
		await spend(u.accountId, 8_500);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['notice']);
		const record = { productName: 'Token pack', tokens: 5_000, amountCents: 500, status: 'notice' };
		expect((await topupView(db, u.id)).accounts[0]!.month.topups).toEqual([expect.objectContaining(record)]);
		const pack = await getProduct(db.orm, 'tokens-5k');
		await saveProduct(db.orm, { via: 'demo data' }, { ...pack, name: 'Mega pack', grants: [{ model: null, tokens: 9_000 }] }, 'update');
		try {
			expect((await topupView(db, u.id)).accounts[0]!.month.topups).toEqual([expect.objectContaining(record)]);
		} finally {
			await saveProduct(db.orm, { via: 'demo data' }, pack, 'update');
		}
	});

	it('a package bought from the notice is that top-up: counted against the month, said bought on the card and in the inbox, once under webhook replays', async () => {
		const u = await person();
		const c0 = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 2 });
		await paddle.pay(c0.transactionId);
		await setTopupRule(db, u.id, u.accountId, rule({ belowTokens: 2_000, maxPerMonth: 3, maxCentsPerMonth: 2_000 }));
		await spend(u.accountId, 8_500);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['notice']);
		const notice = () => listNotifications(db.orm, u.id).then((i) => i.entries.find((e) => e.kind === 'topup_notice')!);
		const topupId = (await notice()).topup!.topupId!;
		expect(await notice()).toMatchObject({ topup: { topupId, boughtAt: null } });

		// Its one tap opens the checkout tied to the top-up; closed unpaid, a second tap ties the new one.
		const unpaid = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.id, email: null, productId: 'tokens-5k', quantity: 1, topupId });
		const c = await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.id, email: null, productId: 'tokens-5k', quantity: 1, topupId });
		expect(unpaid.orderId).not.toBe(c.orderId);
		delivered(await paddle.pay(c.transactionId));
		expect(await available(u.accountId)).toBe(1_500 + 5_000);
		const bought = async () => {
			const month = (await topupView(db, u.id)).accounts[0]!.month;
			expect(month).toMatchObject({ count: 1, cents: 500 });
			expect(month.topups).toHaveLength(1);
			expect(month.topups[0]).toMatchObject({ id: topupId, status: 'charged', orderStatus: 'completed', boughtAt: expect.any(String) });
			expect((await notice()).topup!.boughtAt).toBe(month.topups[0]!.boughtAt);
		};
		await bought();

		// Paddle delivers the completion again (a retry under a new event id): nothing more is granted or counted.
		const replay = await post(bed.hook.url, (await paddleEventsFor(db, c, 'tokens-5k')).completed());
		expect(replay.status).toBe(200);
		expect(await available(u.accountId)).toBe(6_500);
		await bought();
		// Bought once: its notice opens no second checkout; another account's notice is none of this one's.
		await expect(startCheckout(db.orm, paddle, { accountId: u.accountId, userId: u.id, email: null, productId: 'tokens-5k', quantity: 1, topupId })).rejects.toMatchObject({ code: 'conflict' });
		const other = await person('Sam');
		await expect(startCheckout(db.orm, paddle, { accountId: other.accountId, userId: other.id, email: null, productId: 'tokens-5k', quantity: 1, topupId })).rejects.toMatchObject({ code: 'not_found' });
		// The unpaid checkout paid after all is a purchase of its own, not a second top-up.
		await paddle.pay(unpaid.transactionId);
		expect(await available(u.accountId)).toBe(11_500);
		await bought();
		// Every list names what the tap bought an auto top-up, with who bought it; the other checkout a plain pack.
		const named = (p: { productName: string; quantity: number; renewal: boolean; autoTopUp: boolean; buyer: string | null }) => `${purchaseName(p)}, ${buyerWords(p)}`;
		const purchases = new Map((await listPurchases(db.orm, u.accountId)).map((p) => [p.id, named(p)]));
		expect([purchases.get(c.orderId), purchases.get(unpaid.orderId)]).toEqual(['Token pack · auto top-up, Bought by Robin', 'Token pack, Bought by Robin']);
		const payments = new Map((await listPaymentEvents(db.orm, { account: u.accountId })).rows.flatMap((r) => (r.order ? [[r.order.id, named(r.order)]] : [])));
		expect([payments.get(c.orderId), payments.get(unpaid.orderId)]).toEqual([purchases.get(c.orderId), purchases.get(unpaid.orderId)]);
		const notes = (await lotsOf(db, u.accountId)).filter((l) => l.source === 'purchase').map((l) => l.note);
		expect(notes.slice(-2)).toEqual(['Token pack · auto top-up', 'Token pack']);
		await expectInvariants(db);
	});

	it('a notice says what is true of the tokens: already below a trigger set above them, or dropped below it', async () => {
		const u = await person();
		const buyPack = async () => paddle.pay((await startCheckout(db.orm, paddle, { accountId: u.accountId, userId: null, email: null, productId: 'tokens-5k', quantity: 1 })).transactionId);
		const newest = async () => (await listNotifications(db.orm, u.id)).entries[0];
		await buyPack();
		// 5,000 available and a trigger of 8,000: below it from the start, not a drop.
		await setTopupRule(db, u.id, u.accountId, rule({ belowTokens: 8_000 }));
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['notice']);
		expect(await newest()).toMatchObject({ kind: 'topup_notice', cause: 'set', topup: { belowTokens: 8_000, cause: 'set' } });
		// Back above it (a purchase), then a use past it: that one dropped.
		await buyPack();
		expect(await checkTopup(db, u.accountId)).toBe('rearmed');
		await spend(u.accountId, 2_001);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['notice']);
		expect(await newest()).toMatchObject({ cause: 'drop', topup: { cause: 'drop' } });

		// A trigger set below what is available: the first fall past it is a drop, even with no check between.
		await buyPack(); // 12,999
		expect(await checkTopup(db, u.accountId)).toBe('rearmed');
		await setTopupRule(db, u.id, u.accountId, rule({ belowTokens: 12_000 }));
		await spend(u.accountId, 1_000);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['notice']);
		expect(await newest()).toMatchObject({ cause: 'drop', topup: { belowTokens: 12_000, cause: 'drop' } });
		// Raised above the tokens again: already below the new trigger (this crossing was served: the next comes after a rise).
		await setTopupRule(db, u.id, u.accountId, rule({ belowTokens: 20_000 }));
		expect(await checkTopup(db, u.accountId)).toBe('none');
		expect((await topupView(db, u.id)).accounts[0]!.state).toBe('served');
		await expectInvariants(db);
	});

	it('a charge that failed is tried again as a crossing the tokens are still below, and its top-up says so', async () => {
		const u = await person();
		await subscribe(u.accountId);
		await setTopupRule(db, u.id, u.accountId, rule());
		await spend(u.accountId, 15_001);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		// The package is taken off sale between the claim and its charge: the charge fails, the rule is armed again.
		const pack = (await listProducts(db.orm, { activeOnly: false })).find((p) => p.id === 'tokens-5k')!;
		await upsertProduct(db.orm, { ...pack, active: false });
		try {
			expect(await runCharges(u.accountId)).toEqual(['failed']);
		} finally {
			await upsertProduct(db.orm, pack);
		}
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		expect(await runCharges(u.accountId)).toEqual(['charged']);
		const causes = await db.rows<{ cause: string; status: string }>(sql`select cause, status from topups where account_id = ${u.accountId}::uuid order by created_at`);
		expect(causes).toEqual([{ cause: 'drop', status: 'failed' }, { cause: 'retry', status: 'charged' }]);
		await expectInvariants(db);
	});

	// Paddle refuses a one-time charge at once (`subscription_payment_declined`), or accepts it and
	// reports the failed payment later by webhook (`transaction.payment_failed`, origin subscription_charge).
	it.each([
		['at once', true],
		['later, by the payment_failed webhook', 'later']
	] as const)('a payment declined %s turns auto top-up off and tells the owner (inbox, push, mail); turning it on again re-arms it', async (_, decline) => {
		const u = await person();
		const phone = push.device();
		await subscribePush(db.orm, { userId: u.id, sessionId: u.sessionId }, phone.subscription, { extraOrigins: [push.origin] });
		await subscribe(u.accountId);
		const [sub] = await db.rows<{ paddle_subscription_id: string }>(sql`select paddle_subscription_id from subscriptions where account_id = ${u.accountId}::uuid`);
		await paddle.setDeclineCharges(sub!.paddle_subscription_id, decline);
		await setTopupRule(db, u.id, u.accountId, rule());
		await spend(u.accountId, 16_000);
		expect(await checkTopup(db, u.accountId)).toBe('claimed');
		// Later: Paddle accepted the charge, and its webhook declined the top-up before the job read it back.
		expect(await runCharges(u.accountId)).toEqual(['declined']);
		expect(await available(u.accountId)).toBe(4_000);
		const view = (await topupView(db, u.id)).accounts[0]!;
		expect(view).toMatchObject({ state: 'off', rule: { enabled: false, offReason: DECLINED_REASON }, month: { topups: [expect.objectContaining({ status: 'declined', orderStatus: 'failed' })] } });
		// The console says it about the account to the admin, not "your subscription" as to its owner.
		expect((await accountDetail(db.orm, u.accountId)).autoTopup).toMatchObject({
			enabled: false,
			offReason: 'The last top-up payment was declined. Its owner was told to check the payment method of their subscription and turn auto top-up on again.'
		});
		// A declined charge charged nothing: no purchase (the top-up view above and the inbox say it).
		expect((await listPurchases(db.orm, u.accountId)).find((p) => p.autoTopUp)).toBeUndefined();
		expect((await listNotifications(db.orm, u.id)).entries.filter((n) => n.kind === 'topup_declined')).toEqual([
			expect.objectContaining({ topup: expect.objectContaining({ productName: 'Token pack' }) })
		]);
		expect(phone.received().map((r) => parsePushMessage(phone.decrypt(r)))).toEqual([
			expect.objectContaining({ title: 'Auto top-up was declined', url: '/settings#topup-title' })
		]);
		const mail = await smtp.waitFor(u.email!);
		expect(mail.decoded).toMatch(/^Subject: Your auto top-up was declined/m);
		expect(mail.decoded).toContain('Token pack (5,000 tokens, $5.00)');
		expect(await checkTopup(db, u.accountId)).toBe('none');

		await paddle.setDeclineCharges(sub!.paddle_subscription_id, false);
		await setTopupRule(db, u.id, u.accountId, rule());
		expect((await topupView(db, u.id)).accounts[0]!.rule!.offReason).toBeNull();
		// Still below after the decline: served for this crossing until the balance is back above the trigger.
		expect(await checkTopup(db, u.accountId)).toBe('none');
		await expectInvariants(db);
	});

	it('is set by the member for their own tokens and by a team’s owner for its pool, never by others; a cap is required', async () => {
		const owner = await person('Owner');
		const admin = await person('Admin');
		const team = await createTeam(db.orm, { name: `Pool ${randomUUID().slice(0, 6)}`, ownerUserId: owner.id });
		await db.orm.insert(teamMembers).values({ teamId: team.id, userId: admin.id, role: 'admin' });
		await expect(setTopupRule(db, owner.id, team.accountId, rule())).resolves.toMatchObject({ accountId: team.accountId, enabled: true });
		await expect(setTopupRule(db, admin.id, team.accountId, rule())).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setTopupRule(db, admin.id, owner.accountId, rule())).rejects.toMatchObject({ code: 'forbidden' });
		expect((await topupView(db, owner.id)).accounts.map((a) => a.kind)).toEqual(['user', 'team']);
		expect((await topupView(db, admin.id)).accounts.map((a) => a.kind)).toEqual(['user']);
		await expect(setTopupRule(db, owner.id, owner.accountId, rule({ maxPerMonth: null, maxCentsPerMonth: null }))).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(setTopupRule(db, owner.id, owner.accountId, rule({ productId: 'monthly-20k' }))).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(setTopupRule(db, owner.id, owner.accountId, rule({ belowTokens: 0 }))).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(setTopupRule(db, owner.id, owner.accountId, rule({ cooldownSeconds: -1 }))).rejects.toMatchObject({ code: 'invalid_input' });
		expect((await topupView(db, owner.id)).accounts[0]!.rule).toBeNull();
	});

	it('counts the money limit in the package’s own currency, up to about a million dollars’ worth (¥100,000,000), whole yen, refused in words on every path; a rule saved before shows its currency when its package is off sale', async () => {
		const yen = await upsertProduct(db.orm, { id: `yen-pack-${randomUUID().slice(0, 6)}`, kind: 'pack', name: 'Yen pack', grants: [{ model: null, tokens: 5_000 }], priceCents: 550, currency: 'JPY', maxQuantity: 10, paddlePriceSandbox: `pri_yen_${randomUUID().slice(0, 8)}`, sort: 90 });
		const u = await person('Yuki');
		// A yen rule above ¥1,000,000, as rules were saved before the maximum was 1,000,000 of the main unit, saves as it is.
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: yen.id, maxCentsPerMonth: 2_500_000 }))).resolves.toMatchObject({ maxCentsPerMonth: 2_500_000 });
		// ¥100,000,000 is the most, about what $1,000,000.00 is (a yen is about a hundredth of a dollar).
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: yen.id, maxCentsPerMonth: 100_000_000 }))).resolves.toMatchObject({ maxCentsPerMonth: 100_000_000 });
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: yen.id, maxCentsPerMonth: 100_000_001 }))).rejects.toMatchObject({
			code: 'invalid_input',
			message: 'JPY has no smaller unit: the most spent a month is a whole amount from ¥1 to ¥100,000,000, or none.',
			details: { fieldErrors: { maxCentsPerMonth: [expect.any(String)] } }
		});
		// A dollar limit stays at $1,000,000.00 exactly; a cent more is refused.
		await expect(setTopupRule(db, u.id, u.accountId, rule({ maxCentsPerMonth: 100_000_001 }))).rejects.toMatchObject({ message: 'The most spent a month is an amount from $0.01 to $1,000,000.00, or none.' });

		// Through the app's procedure: a fraction of a yen is a 400 in words, never a 500, and changes nothing.
		const auth = { sessionId: u.sessionId, user: { id: u.id, accountId: u.accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
		const member = await callerAs(auth, '127.0.0.1');
		expect(await trpcRefusal(member.topup.set({ accountId: u.accountId, ...rule({ productId: yen.id, maxCentsPerMonth: 550.5 }) }))).toEqual({
			code: 'BAD_REQUEST',
			domain: 'invalid_input',
			message: 'JPY has no smaller unit: the most spent a month is a whole amount from ¥1 to ¥100,000,000, or none.'
		});
		// Less than one package would never top up: the server says so too, beside the field, and keeps the rule.
		const short = member.topup.set({ accountId: u.accountId, ...rule({ productId: yen.id, maxCentsPerMonth: 549 }) });
		expect(await trpcRefusal(short)).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input', message: 'Less than one package (¥550): no top-up could be made. Set at least that a month, or none.' });
		await expect(member.topup.set({ accountId: u.accountId, ...rule({ productId: yen.id, maxCentsPerMonth: 549 }) })).rejects.toMatchObject({ cause: { details: { fieldErrors: { maxCentsPerMonth: [expect.stringContaining('Less than one package')] } } } });
		const saved = (await topupView(db, u.id)).accounts[0]!;
		expect(saved.rule).toMatchObject({ productId: yen.id, maxCentsPerMonth: 100_000_000, currency: 'JPY' });

		// Taken off sale, the package leaves the form's list, but the rule still says yen, not dollars.
		await upsertProduct(db.orm, { ...yen, active: false });
		const view = await topupView(db, u.id);
		expect(view.packages.some((p) => p.id === yen.id)).toBe(false);
		expect(view.accounts[0]!.rule).toMatchObject({ maxCentsPerMonth: 100_000_000, currency: 'JPY' });
	});

	it('holds won and dong to their own magnitude: ₩1,000,000,000 and ₫10,000,000,000 a month at most, where ₩1,000,000 was about $700', async () => {
		const product = (currency: string, priceCents: number) =>
			upsertProduct(db.orm, { id: `${currency.toLowerCase()}-pack-${randomUUID().slice(0, 6)}`, kind: 'pack', name: `${currency} pack`, grants: [{ model: null, tokens: 5_000 }], priceCents, currency, maxQuantity: 10, paddlePriceSandbox: `pri_${currency.toLowerCase()}_${randomUUID().slice(0, 8)}`, sort: 91 });
		const won = await product('KRW', 7_000);
		const dong = await product('VND', 130_000);
		const u = await person('Minji');
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: won.id, maxCentsPerMonth: 5_000_000 }))).resolves.toMatchObject({ maxCentsPerMonth: 5_000_000 });
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: won.id, maxCentsPerMonth: 1_000_000_000 }))).resolves.toMatchObject({ maxCentsPerMonth: 1_000_000_000 });
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: won.id, maxCentsPerMonth: 1_000_000_001 }))).rejects.toMatchObject({ message: 'KRW has no smaller unit: the most spent a month is a whole amount from ₩1 to ₩1,000,000,000, or none.' });
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: dong.id, maxCentsPerMonth: 10_000_000_000 }))).resolves.toMatchObject({ maxCentsPerMonth: 10_000_000_000 });
		await expect(setTopupRule(db, u.id, u.accountId, rule({ productId: dong.id, maxCentsPerMonth: 10_000_000_001 }))).rejects.toMatchObject({ message: 'VND has no smaller unit: the most spent a month is a whole amount from ₫1 to ₫10,000,000,000, or none.' });
		expect((await topupView(db, u.id)).accounts[0]!.rule).toMatchObject({ maxCentsPerMonth: 10_000_000_000, currency: 'VND' });
	});

	it('a consume that crosses the trigger claims the top-up through the balance-change watcher', async () => {
		const u = await person();
		await subscribe(u.accountId);
		await setTopupRule(db, u.id, u.accountId, rule());
		const stop = await startTopups(db, { delayMs: 10 });
		try {
			await spend(u.accountId, 15_500);
			await vi.waitFor(async () => expect(await queuedCharges(u.accountId)).toHaveLength(1), { timeout: 5_000, interval: 25 });
		} finally {
			await stop();
		}
	});

	it('never makes two top-ups for one crossing, with several app processes checking during concurrent consumes', async () => {
		const accounts = 6;
		const rounds = 3;
		const people = await Promise.all(Array.from({ length: accounts }, () => person()));
		for (const p of people) {
			await subscribe(p.accountId);
			await setTopupRule(db, p.id, p.accountId, rule({ maxPerMonth: 100 }));
		}
		// Three app processes: their own connections on Postgres; on PGlite the checks interleave in one.
		const processes = backend === 'postgres' ? [0, 1, 2].map(() => openPostgres(db.url!, { max: 4 })) : [db, db, db];
		let crossings = 0;
		try {
			for (let round = 0; round < rounds; round++) {
				// Round 1 starts at 20,000, later rounds at 4,000 + 5,000: spend down to 4,000 in 1,000-token consumes.
				const consumes = round === 0 ? 16 : 5;
				let done = false;
				const checkers = processes.map(async (p) => {
					do for (const person of people) await checkTopup(p, person.accountId);
					while (!done);
				});
				await Promise.all(
					people.flatMap((person) => Array.from({ length: consumes }, (_, i) => spend(person.accountId, 1_000, processes[i % processes.length])))
				);
				done = true;
				await Promise.all(checkers);
				// One last look from every process at once, after the last consume.
				await Promise.all(processes.flatMap((p) => people.map((person) => checkTopup(p, person.accountId))));
				crossings += accounts;
				for (const person of people) {
					expect(await available(person.accountId)).toBe(4_000);
					await runCharges(person.accountId);
					expect(await available(person.accountId)).toBe(9_000);
				}
				await checkTopups(db);
			}
		} finally {
			for (const p of new Set(processes)) if (p !== db) await p.close();
		}
		const [made] = await db.rows<{ n: number }>(sql`
			select count(*)::int4 as n from topups where account_id = any(${`{${people.map((p) => p.accountId).join(',')}}`}::uuid[])`);
		console.log(`auto top-up concurrency on ${backend}: ${accounts} accounts × ${rounds} rounds, 3 processes: crossings ${crossings}, top-ups made ${made!.n}`);
		expect(Number(made!.n)).toBe(crossings);
		for (const p of people) expect((await listPurchases(db.orm, p.accountId)).filter((x) => x.autoTopUp && x.status === 'completed')).toHaveLength(rounds);
		await expectInvariants(db);
	});
});
