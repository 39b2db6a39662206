import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import { callerAs, type Caller } from '../helpers/world';
import { setDb, type Db } from '../../src/lib/server/db';
import { readOne } from '../../src/lib/server/db/reads';
import { createUser, type Auth } from '../../src/lib/server/accounts';
import {
	allocationsOf,
	allowanceStatus,
	balances,
	consume,
	grant,
	hold,
	release,
	freeUsePerDayRead,
	lotUsePerDayRead,
	hourlyBaseline,
	rolloverLines,
	setAllowanceRule,
	spendable,
	spendableRead,
	updateSiteSettings
} from '../../src/lib/server/ledger';
import { listSubscriptions } from '../../src/lib/server/store';
import { forecastText, totalsPerWindow } from '../../src/lib/forecast';
import { balanceBody } from '../../src/lib/server/rest/shapes';

// The dashboard's first answer is one statement (db/reads.ts `together`): each part's rows come back
// as JSON instead of the driver's types. These are the cases where that could change a figure:
// unlimited lots, allowances with and without a limit, held tokens, an expired lot, a purchase's
// contents, an account's own alert step, and an account that does not exist.
let db: Db;
let member: Caller;
let accountId: string;
const DAY = 86_400_000;
const in30Days = new Date(Date.now() + 30 * DAY);

beforeAll(async () => {
	db = await freshDb();
	setDb(db);
	await configureRates(db);
	await updateSiteSettings(db.orm, { spendOrder: 'allowance-first', lowSharePercent: 20 });
	const u = await createUser(db.orm, { email: 'reads@example.test', name: 'Reads', password: 'correct-horse-battery-9' });
	accountId = u.accountId;
	const auth: Auth = { sessionId: 'reads', user: { id: u.id, accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
	member = await callerAs(auth, '10.9.0.7');

	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 100, period: 'daily' });
	await setAllowanceRule(db.orm, { module: 'bots', audience: 'user', limitTokens: null, period: 'daily' });
	await grant(db.orm, { accountId, tokens: 1000, source: 'purchase', note: 'Pack', expiresAt: in30Days });
	await grant(db.orm, { accountId, tokens: 500, source: 'bonus', note: 'Welcome' });
	await grant(db.orm, { accountId, tokens: 0, unlimited: true, source: 'bonus', note: 'Nano for free', model: 'gpt-5-nano' });
	await grant(db.orm, { accountId, tokens: 700, source: 'purchase', effectiveAt: new Date(Date.now() - 2 * DAY), expiresAt: new Date(Date.now() - DAY) });
	// 10 words × 2.5: 25 tokens of the chat allowance; then 200 tokens held from the soonest-expiring lot.
	await consume(db.orm, { accountId, feature: 'ai_bots', units: 10, actor: { userId: u.id }, idempotency: { scope: 'reads', key: 'c1' } });
	await hold(db.orm, { accountId, feature: 'generate_texts', maxTokens: 200, ttlSeconds: 600, actor: { userId: u.id }, idempotency: { scope: 'reads', key: 'h1' } });
	await db.rows(sql`insert into alert_settings (account_id, share_steps) values (${accountId}::uuid, '{30, 10}')`);
	await db.rows(sql`insert into products (id, kind, name, grants, price_cents) values
		('reads-bundle', 'bundle', 'Reads bundle', '[{"model": null, "tokens": 1000}, {"model": "gpt-5-nano", "tokens": 250}]', 900)`);
	await db.rows(sql`insert into orders (account_id, product_id, quantity, product_name, product_kind, unit_price_cents, contents, status, amount_cents, currency, created_at, completed_at)
		values (${accountId}::uuid, 'reads-bundle', 2, 'Reads bundle', 'bundle', 900, '[{"model": null, "tokens": 2000}, {"model": "gpt-5-nano", "tokens": 500}]',
		        'completed', 1800, 'USD', '2026-11-20T10:00:00.123456Z', '2026-11-20T10:01:00Z')`);
	await db.rows(sql`insert into subscriptions (account_id, product_id, paddle_subscription_id, status, current_period_end, last_event_at)
		values (${accountId}::uuid, 'reads-bundle', 'sub_reads', 'active', '2026-12-20T10:00:00Z', now())`);
});
afterAll(async () => db?.close());

describe(`the dashboard's first answer, one statement, on ${backend}`, () => {
	it('gives the figures each reader gives alone, with unlimited lots, both kinds of allowance, held tokens and an expired lot', async () => {
		const dash = await member.ledger.dashboard({});
		expect(dash.accountId).toBe(accountId);
		const s = dash.summary;
		// 800 of the pack (200 held), 500 of the bonus, 75 of the chat allowance; unlimited adds nothing countable.
		expect({ available: s.available, held: s.held, total: s.total, anyUnlimited: s.anyUnlimited, usedToday: s.usedToday }).toEqual({
			available: 1375,
			held: 200,
			total: 1575,
			anyUnlimited: true,
			usedToday: 25
		});
		expect({ active: s.activeAllocations, everGranted: s.everGranted, lowSharePercent: s.lowSharePercent, level: s.level }).toEqual({
			active: 2,
			everGranted: true,
			lowSharePercent: 30,
			level: 'ok'
		});
		expect(s.allocations.map((a) => [a.model, a.remaining, a.unlimited, a.parts.map((p) => [p.source, p.note, p.remaining, p.expiresAt])])).toEqual([
			[null, 1300, false, [['purchase', null, 800, in30Days.toISOString()], ['bonus', 'Welcome', 500, null]]],
			['gpt-5-nano', 0, true, [['bonus', 'Nano for free', 0, null]]]
		]);
		// The cards' words under Balance and Active allocations say what these are.
		expect(dash.allocationWords).toMatchObject({ unlimited: '+ 1 unlimited model', allocations: '1 model + general' });
		expect(s.allowances.map((x) => [x.module, x.used, x.limit, x.period])).toEqual([
			['bots', 0, null, 'daily'],
			['chat', 25, 100, 'daily']
		]);
		// What spends each allowance, by the names usage gives it (a module's name is not a feature's).
		expect(s.allowances.map((x) => [x.name, x.features])).toEqual([['AI Bots', ['Training']], ['Chatbot', ['AI Bots']]]);
		// The same rows through the driver, one reader at a time.
		expect(s.allocations).toEqual(await allocationsOf(db.orm, accountId));
		expect(s.allowances).toEqual(await allowanceStatus(db.orm, accountId));
		expect(dash.rolledOver).toEqual(await rolloverLines(db.orm, accountId));
		// The Pace line is the forecast of the readers' own figures: the baseline, the allowances' share, the days.
		const pace = (await hourlyBaseline(db.orm, [accountId])).get(accountId)!;
		expect(pace).toHaveLength(24);
		const days = totalsPerWindow(dash.recentUse).map((d) => d.tokens);
		expect(dash.forecast).toBe(forecastText(s.available, false, pace, s.everGranted, days, 1300, await readOne(db.orm, freeUsePerDayRead(accountId))));
		// The Pace line: 1,300 in lots, the pace of the 25 tokens this hour not yet a baseline.
		expect(dash.forecast).toBe('Too early to forecast: your first use in 7 days came this hour.');
		expect(dash.purchases.subscriptions).toEqual(await listSubscriptions(db.orm, accountId));
		expect(dash.purchases.subscriptions).toEqual([expect.objectContaining({ productName: 'Reads bundle', currentPeriodEnd: '2026-12-20T10:00:00.000Z', canceledAt: null })]);
		expect(dash.purchases.purchases).toEqual([
			expect.objectContaining({
				productName: 'Reads bundle',
				quantity: 2,
				contents: [
					{ model: null, modelName: 'General balance', tokens: 2000 },
					{ model: 'gpt-5-nano', modelName: 'GPT-5 Nano', tokens: 500 }
				],
				tokens: 2500,
				amountCents: 1800,
				renewal: false,
				autoTopUp: false,
				createdAt: '2026-11-20T10:00:00.123Z',
				completedAt: '2026-11-20T10:01:00.000Z'
			})
		]);
		expect(dash.recentUse.buckets).toHaveLength(14);
		expect(dash.recentUse.rows).toEqual([{ bucket: dash.recentUse.buckets.at(-1), key: 'ai_bots', label: 'AI Bots', tokens: 25, operations: 1 }]);
		await expectInvariants(db);
	});

	it("gives the forecast what a usual day's free allowances paid: their windows of the baseline's 7 days, not the lots", async () => {
		const u = await createUser(db.orm, { email: 'free-pace@example.test', name: 'Free pace', password: 'correct-horse-battery-9' });
		await grant(db.orm, { accountId: u.accountId, tokens: 500, source: 'bonus', note: 'Some balance' });
		const use = (words: number, daysAgo: number, key: string) =>
			consume(db.orm, { accountId: u.accountId, feature: 'ai_bots', units: words, actor: { userId: u.id }, idempotency: { scope: 'reads', key }, effectiveAt: new Date(Date.now() - daysAgo * DAY) });
		await use(40, 2, 'free-1'); // 100 tokens: the day's whole chat allowance
		await use(20, 3, 'free-2'); // 50 of the allowance
		await use(60, 3, 'free-3'); // 50 more of the allowance, then 100 from the balance
		await use(40, 9, 'free-4'); // before the 7 days: not in the baseline
		expect(await readOne(db.orm, freeUsePerDayRead(u.accountId))).toBeCloseTo(200 / 7, 6);
		await expectInvariants(db);
	});

	it("forecasts the balance once today's use, its allowance spent, draws on the lots, though a usual day's allowance paid it all", async () => {
		// Leo spent his chat allowance and went on into his balance: the Pace card said nothing runs out.
		const u = await createUser(db.orm, { email: 'spent-pace@example.test', name: 'Spent pace', password: 'correct-horse-battery-9' });
		const auth: Auth = { sessionId: 'spent-pace', user: { id: u.id, accountId: u.accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
		const own = await callerAs(auth, '10.9.0.8');
		await grant(db.orm, { accountId: u.accountId, tokens: 500, source: 'bonus', note: 'Some balance' });
		const use = (words: number, daysAgo: number, key: string) =>
			consume(db.orm, { accountId: u.accountId, feature: 'ai_bots', units: words, actor: { userId: u.id }, idempotency: { scope: 'reads', key }, effectiveAt: new Date(Date.now() - daysAgo * DAY) });
		await use(40, 2, 'spent-1'); // 100 tokens two days ago, this hour of the day: the day's whole chat allowance
		await use(40, 0, 'spent-2'); // today's whole allowance
		await use(20, 0, 'spent-3'); // 50 from the balance
		expect(await readOne(db.orm, lotUsePerDayRead(u.accountId))).toBeCloseTo(50 / 7, 6);
		// 450 left at 50 tokens a week, the baseline's hour of use each day.
		expect((await own.ledger.dashboard({})).forecast).toBe('At this pace your tokens last about 62 days.');
		await expectInvariants(db);
	});

	it('keeps the Pace card where it was while a job holds tokens and after it releases them', async () => {
		// Maya's card said "about 243 days" with a hold open and "about 108 days" once it was released:
		// the hold's tokens in today's allowance window read as free use, so the lots looked drawn less.
		const u = await createUser(db.orm, { email: 'hold-pace@example.test', name: 'Hold pace', password: 'correct-horse-battery-9' });
		const auth: Auth = { sessionId: 'hold-pace', user: { id: u.id, accountId: u.accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
		const own = await callerAs(auth, '10.9.0.9');
		await grant(db.orm, { accountId: u.accountId, tokens: 500, source: 'bonus', note: 'Some balance' });
		const use = (words: number, key: string) =>
			consume(db.orm, { accountId: u.accountId, feature: 'ai_bots', units: words, actor: { userId: u.id }, idempotency: { scope: 'reads', key }, effectiveAt: new Date(Date.now() - 2 * DAY) });
		await use(40, 'hold-pace-1'); // 100 tokens two days ago: that day's whole chat allowance
		await use(80, 'hold-pace-2'); // 200 from the balance
		const before = (await own.ledger.dashboard({})).forecast;
		// 300 left at 200 tokens a week, all in this hour of the day: gone in this hour 10 days on.
		expect(before).toBe('At this pace your tokens last about 10 days.');
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 100, ttlSeconds: 600, actor: { userId: u.id }, idempotency: { scope: 'reads', key: 'hold-pace-3' } });
		expect(h.paidBy.map((p) => p.type)).toEqual(['allowance']);
		expect((await own.ledger.dashboard({})).forecast).toBe(before);
		await release(db.orm, h.holdId, { scope: 'reads', key: 'hold-pace-4' });
		expect((await own.ledger.dashboard({})).forecast).toBe(before);
		await expectInvariants(db);
	});

	it('keeps one meaning with the summary, the balance API and the dashboard', async () => {
		const [dash, summary, plain] = await Promise.all([member.ledger.dashboard({ accountId }), member.ledger.summary({}), balances(db.orm, accountId)]);
		const { asOf: _a, ...fromDash } = dash.summary;
		const { asOf: _b, capBound, unlimitedShown, ...fromSummary } = summary;
		expect(fromDash).toEqual(fromSummary);
		// No cap binds this member: the account's Available is what both say they can spend; its unlimited use is said alike (one model's).
		expect([capBound, dash.capBound]).toEqual([null, null]);
		expect([unlimitedShown, dash.unlimitedShown]).toEqual([{ every: false, words: '+ 1 unlimited model' }, { every: false, words: '+ 1 unlimited model' }]);
		// Without the viewer's step, the site's share.
		expect(plain).toMatchObject({ ...fromSummary, lowSharePercent: 20, asOf: expect.any(String) });
		// The balance API reads the spendable part alone: the same figures.
		const lean = await spendable(db.orm, accountId);
		expect(lean).toEqual({ accountId, allocations: plain.allocations, allowances: plain.allowances, available: plain.available, held: plain.held });
		expect(balanceBody(lean)).toMatchObject({
			available: 1375,
			held: 200,
			data: { general: { credit: 1300, expires_at: in30Days.toISOString(), expiring_tokens: 800 }, 'gpt-5-nano': { isUnlimited: true, expires_at: null, expiring_tokens: null } }
		});
	});

	it('says beside /balance’s soonest expiry how many tokens expire then: the dashboard’s parts of that moment, after what is held', async () => {
		const { accountId: id, userId } = await makeUser(db);
		const soon = new Date(Date.now() + 10 * DAY);
		const later = new Date(Date.now() + 20 * DAY);
		// 1,225 expire at the soonest moment, from two lots; 800 later; 500 never; the model's 300 never.
		await grant(db.orm, { accountId: id, tokens: 1000, source: 'purchase', expiresAt: soon });
		await grant(db.orm, { accountId: id, tokens: 225, source: 'bonus', note: 'Welcome', expiresAt: soon });
		await grant(db.orm, { accountId: id, tokens: 800, source: 'referral', note: 'Invited Leo', expiresAt: later });
		await grant(db.orm, { accountId: id, tokens: 500, source: 'purchase' });
		await grant(db.orm, { accountId: id, tokens: 300, source: 'bonus', model: 'gpt-5-nano' });
		// A job holds 100 of the soonest-expiring tokens: they are no longer there to expire.
		await hold(db.orm, { accountId: id, feature: 'generate_texts', maxTokens: 100, ttlSeconds: 600, actor: { userId }, idempotency: { scope: 'reads', key: 'expiring-h1' } });
		const lean = await spendable(db.orm, id);
		expect(balanceBody(lean).data).toEqual({
			general: { credit: 2425, isUnlimited: false, entity_key: 'general', engine: null, expires_at: soon.toISOString(), expiring_tokens: 1125 },
			'gpt-5-nano': { credit: 300, isUnlimited: false, entity_key: 'gpt-5-nano', engine: expect.any(String), expires_at: null, expiring_tokens: null }
		});
		// The dashboard's figure: its parts that end at that moment (one read, not a second query).
		const general = (await balances(db.orm, id)).allocations.find((a) => a.model === null)!;
		expect(general.parts.filter((p) => p.expiresAt === general.expiresAt).reduce((n, p) => n + p.remaining, 0)).toBe(general.expiringTokens);
		await expectInvariants(db);
	});

	it('answers balance reads made at once (one statement per batch) each with its own account, after every write before it', async () => {
		const others = await Promise.all(
			[100, 250, 0].map(async (tokens, i) => {
				const u = await createUser(db.orm, { email: `reads-${i}@example.test`, name: `Reads ${i}`, password: 'correct-horse-battery-9' });
				if (tokens) await grant(db.orm, { accountId: u.accountId, tokens, source: 'purchase' });
				return u.accountId;
			})
		);
		const ids = [accountId, ...others];
		const alone = await Promise.all(ids.map((id) => readOne(db.orm, spendableRead(id))));
		// Each new member has the chat allowance's 100 tokens besides their lots.
		expect(alone.map((s) => s.available)).toEqual([1375, 200, 350, 100]);
		// 40 reads in flight together, with an account that does not exist and an id that is no uuid among them.
		const asked = Array.from({ length: 40 }, (_, i) => (i % 10 === 9 ? crypto.randomUUID() : i % 10 === 8 ? 'not-a-uuid' : ids[i % ids.length]!));
		const answers = await Promise.all(asked.map((id) => spendable(db.orm, id).catch((e: unknown) => outcome(Promise.reject(e)))));
		answers.forEach((answer, i) => {
			const at = ids.indexOf(asked[i]!);
			expect(answer).toEqual(at >= 0 ? alone[at] : 'not_found');
		});
		// A read that starts after a consume has answered sees it, whatever reads are in flight.
		const inFlight = ids.map((id) => spendable(db.orm, id));
		await consume(db.orm, { accountId: others[0]!, feature: 'ai_bots', units: 4, actor: { userId: null }, idempotency: { scope: 'reads', key: 'batched' } });
		expect((await spendable(db.orm, others[0]!)).available).toBe(190);
		await Promise.all(inFlight);
		await expectInvariants(db);
	});

	it('answers not_found for an account that does not exist, and no one else’s account to a member', async () => {
		const nobody = crypto.randomUUID();
		expect(await outcome(balances(db.orm, nobody))).toBe('not_found');
		expect(await outcome(spendable(db.orm, nobody))).toBe('not_found');
		const refused = { cause: expect.objectContaining({ code: 'forbidden' }) };
		await expect(member.ledger.dashboard({ accountId: nobody })).rejects.toMatchObject(refused);
		await expect(member.ledger.summary({ accountId: nobody })).rejects.toMatchObject(refused);
	});

	it('refuses a usage history whose from is after its to, naming the field, instead of an empty page', async () => {
		const refused = member.ledger.history({ accountId, from: '2026-11-25', to: '2026-11-20' });
		await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'From must be on or before to.' });
		// The same day as both ends is a range, and so is an open end (days are the site's: UTC here).
		const oneDay = await member.ledger.history({ accountId, from: '2026-11-20', to: '2026-11-20' });
		expect(oneDay.rows).toEqual([]);
		const since = await member.ledger.history({ accountId, from: new Date(Date.now() - DAY).toISOString().slice(0, 10) });
		expect(since.rows.length).toBeGreaterThan(0);
		// A day that is not one (or an instant) is a 400 naming the form, not a 500 nor an empty page.
		for (const from of ['2026-02-30', '2026-11-20T00:00:00.000Z']) {
			await expect(member.ledger.history({ accountId, from })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('YYYY-MM-DD') });
		}
	});
});
