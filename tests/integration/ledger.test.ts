import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, lotRemaining, makeTeam, makeUser } from '../helpers/ledger';
import { nextMidnightWords } from '../helpers/refusal';
import type { Db } from '../../src/lib/server/db/client';
import {
	adjustBalance, availableOf, balances, check, clawback, consume, grant, history, hold, release, Refusal, rollups, setAllowanceRule,
	setCap, settle, capLineRead, tightestCapsRead, updateSiteSettings, endLots, upsertFeature, upsertModule, sweepExpired, CHANGE_CHANNEL
} from '../../src/lib/server/ledger';
import { openPostgres } from '../../src/lib/server/db/client';
import { readOne } from '../../src/lib/server/db/reads';
import { localeFormatter } from '../../src/lib/refusal-message';
import { DomainError } from '../../src/lib/server/errors';

/**
 * The balance as the lots make it up. These checks are about lots, holds and expiry; `available`
 * also counts what is left of free allowances, and the allowance test below leaves an every-user
 * rule behind (that part is checked in ledger-model and api-agreement).
 */
async function lotBalance(accountId: string) {
	const b = await balances(db.orm, accountId);
	const lots = availableOf(b.allocations);
	return { ...b, available: lots, total: lots + b.held };
}

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

let keyN = 0;
const key = () => ({ scope: 'test', key: `k-${++keyN}` });
const consumeAs = (accountId: string, feature: string, units: number, extra: { model?: string; userId?: string } = {}) =>
	consume(db.orm, { accountId, feature, units, model: extra.model, actor: { userId: extra.userId }, idempotency: key() });

async function refusal(p: Promise<unknown>): Promise<Refusal | DomainError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof DomainError) return e;
		throw e;
	}
	throw new Error('expected a refusal');
}

describe(`ledger on ${backend}`, () => {
	beforeEach(async () => {
		await updateSiteSettings(db.orm, { spendOrder: 'allowance-first', timeZone: 'UTC', weekStart: 1 });
	});

	it('prices per word, rounded up, on the server', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
		const c = await check(db.orm, { accountId: a.accountId, feature: 'ai_bots', units: 101 });
		expect(c.cost).toBe(253); // 101 × 2.5 = 252.5 → 253
		const r = await consumeAs(a.accountId, 'ai_bots', 101);
		expect(r.cost).toBe(253);
		expect(r.remaining).toBe(747);
		await expectInvariants(db);
	});

	it('spends the allowance first, then model-scoped lots, then by priority, soonest expiry and age', async () => {
		const a = await makeUser(db, 'author');
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'role', role: 'author', limitTokens: 100, period: 'daily' });
		const late = await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const soon = await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'bonus', expiresAt: new Date(Date.now() + 86_400_000) });
		const model = await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase', model: 'gpt-5-nano' });
		const r = await consumeAs(a.accountId, 'ai_bots', 140, { model: 'gpt-5-nano' }); // 350 tokens
		expect(r.paidBy.map((p) => [p.type, p.tokens])).toEqual([
			['allowance', 100],
			['lot', 100],
			['lot', 100],
			['lot', 50]
		]);
		expect(r.paidBy[1]!.id).toBe(model.lotId);
		expect(r.paidBy[2]!.id).toBe(soon.lotId);
		expect(await lotRemaining(db, late.lotId)).toBe(50);
		expect(r.remaining).toBe(50);
		await expectInvariants(db);
	});

	it('balance-first spends purchased tokens before the free allowance (the plugin behaviour)', async () => {
		await updateSiteSettings(db.orm, { spendOrder: 'balance-first' });
		const a = await makeUser(db, 'editor');
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'role', role: 'editor', limitTokens: 100, period: 'daily' });
		await grant(db.orm, { accountId: a.accountId, tokens: 30, source: 'purchase' });
		const r = await consumeAs(a.accountId, 'ai_bots', 20); // 50
		expect(r.paidBy.map((p) => [p.type, p.tokens])).toEqual([['lot', 30], ['allowance', 20]]);
		await expectInvariants(db);
	});

	it('replays the same key byte for byte, spends once, and refuses the key with another body', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const idem = key();
		const first = await consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: idem });
		const again = await consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: idem });
		expect(again).toEqual({ ...first, replayed: true });
		expect((await lotBalance(a.accountId)).available).toBe(90);
		const other = await refusal(consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 2, actor: {}, idempotency: idem }));
		expect(other.code).toBe('idempotency_key_reused');
		expect((await lotBalance(a.accountId)).available).toBe(90);
		await expectInvariants(db);
	});

	it('refuses when tokens are short, changes nothing, and replays the refusal under its key', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 40, source: 'purchase' });
		const idem = key();
		const req = { accountId: a.accountId, feature: 'generate_texts', units: 1, actor: {}, idempotency: idem };
		const e = await refusal(consume(db.orm, req));
		expect(e.code).toBe('insufficient_tokens');
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const replay = await refusal(consume(db.orm, req));
		expect(replay.code).toBe('insufficient_tokens');
		expect((await lotBalance(a.accountId)).available).toBe(140);
		await expectInvariants(db);
	});

	it('applies guest, general and role allowances: blank is unlimited, 0 disables, exhausted gives the module message', async () => {
		const [guestAccount] = await db.rows<{ id: string }>(sql`insert into accounts (kind, name) values ('guest', 'g') returning id`);
		const g = guestAccount!.id;
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'guest', limitTokens: 0, period: 'daily' });
		expect((await refusal(consumeAs(g, 'ai_bots', 1))).code).toBe('feature_disabled');
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'guest', limitTokens: null, period: 'daily' });
		const free = await consumeAs(g, 'ai_bots', 1000);
		expect(free.remaining).toBeNull();
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'guest', limitTokens: 10, period: 'daily' });
		// Today's 2,500 already count against the new, lower limit.
		expect((await refusal(consumeAs(g, 'ai_bots', 1))).code).toBe('allowance_exhausted');
		const [other] = await db.rows<{ id: string }>(sql`insert into accounts (kind, name) values ('guest', 'g2') returning id`);
		await consumeAs(other!.id, 'ai_bots', 4);
		const e = await refusal(consumeAs(other!.id, 'ai_bots', 1));
		expect(e.code).toBe('allowance_exhausted');
		// Nothing left: the module's own words, and when the allowance comes back (the site's time zone is UTC here).
		expect(e.message).toBe(`You have used today’s free chat tokens. It resets ${nextMidnightWords()}.`);
		// A general limit for every signed-in user, on a module of its own so other tests keep theirs.
		await upsertModule(db.orm, { key: 'forms', name: 'AI Forms', limitMessage: 'Form limit reached.', onExhausted: 'message' });
		await upsertFeature(db.orm, { key: 'form_fill', name: 'Form fill', module: 'forms', unit: 'word', tokensPerUnit: 2.5 });
		const u = await makeUser(db, 'contributor');
		await setAllowanceRule(db.orm, { module: 'forms', audience: 'user', limitTokens: 50, period: 'weekly' });
		const c = await check(db.orm, { accountId: u.accountId, feature: 'form_fill', units: 4 });
		expect(c.allowance).toMatchObject({ limit: 50, used: 0, period: 'weekly' });
		expect(c.paidBy).toEqual([expect.objectContaining({ type: 'allowance', tokens: 10 })]);
		await expectInvariants(db);
	});

	it('reports an exhausted "inactive" module as not active (the chatbot that disappears)', async () => {
		const u = await makeUser(db, 'bot-owner');
		await setAllowanceRule(db.orm, { module: 'bots', audience: 'role', role: 'bot-owner', limitTokens: 4, period: 'monthly' });
		const c = await check(db.orm, { accountId: u.accountId, feature: 'training', units: 3 });
		expect(c).toMatchObject({ allowed: false, active: false, code: 'allowance_exhausted', level: 'empty' });
	});

	it('check has no side effects', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const before = await db.rows(sql`select count(*)::int as n from operations`);
		const c = await check(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 2 });
		expect(c).toMatchObject({ allowed: true, cost: 90, remainingAfter: 10, level: 'low' });
		expect(await db.rows(sql`select count(*)::int as n from operations`)).toEqual(before);
		expect((await lotBalance(a.accountId)).available).toBe(100);
	});

	it('caps hold even with tokens there: team daily cap and a member cap inside the pool', async () => {
		const t = await makeTeam(db);
		const m1 = await makeUser(db);
		const m2 = await makeUser(db);
		await grant(db.orm, { accountId: t.accountId, tokens: 10_000, source: 'purchase' });
		await setCap(db.orm, { accountId: t.accountId, period: 'daily', limitTokens: 100 });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: m1.userId, period: 'daily', limitTokens: 50 });
		await consumeAs(t.accountId, 'generate_texts', 1, { userId: m1.userId });
		const e = await refusal(consumeAs(t.accountId, 'search_images', 1, { userId: m1.userId }));
		expect(e.code).toBe('cap_reached');
		await consumeAs(t.accountId, 'generate_texts', 1, { userId: m2.userId });
		expect((await refusal(consumeAs(t.accountId, 'generate_texts', 1, { userId: m2.userId }))).code).toBe('cap_reached');
		await setCap(db.orm, { accountId: t.accountId, period: 'daily', limitTokens: -1 });
		await consumeAs(t.accountId, 'search_images', 1, { userId: m2.userId });
		expect((await balances(db.orm, t.accountId)).usedToday).toBe(100);
		const byMember = await rollups(db.orm, t.accountId, { period: 'daily', windows: 1, by: 'member' });
		expect(byMember.rows.map((r) => r.tokens).sort()).toEqual([45, 55]);
		await expectInvariants(db);
	});

	it("a personal account's own cap holds; the site's default team and member limits are for team pools only", async () => {
		await updateSiteSettings(db.orm, { defaultTeamDailyCap: 10, defaultMemberDailyCap: 10 });
		try {
			const capped = await makeUser(db);
			const free = await makeUser(db);
			for (const u of [capped, free]) await grant(db.orm, { accountId: u.accountId, tokens: 1_000, source: 'purchase' });
			await setCap(db.orm, { accountId: capped.accountId, period: 'daily', limitTokens: 100 });
			await consumeAs(capped.accountId, 'generate_texts', 2);
			const e = await refusal(consumeAs(capped.accountId, 'search_images', 2));
			expect(e).toMatchObject({ code: 'cap_reached', details: { limit_of: 'user', limit: 100, used: 90 } });
			// No cap of its own: the defaults (10 a day) do not apply to a personal account.
			expect((await consumeAs(free.accountId, 'generate_texts', 2)).remaining).toBe(910);
			const t = await makeTeam(db);
			await grant(db.orm, { accountId: t.accountId, tokens: 1_000, source: 'purchase' });
			expect(await refusal(consumeAs(t.accountId, 'search_images', 2))).toMatchObject({ code: 'cap_reached', details: { limit_of: 'team', limit: 10 } });
			await expectInvariants(db);
		} finally {
			await updateSiteSettings(db.orm, { defaultTeamDailyCap: null, defaultMemberDailyCap: null });
		}
	});

	it("a check's remaining (and spendable, before it) is no more than the tightest cap in force leaves: the account's own, or the member's in a pool", async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 1_000, source: 'purchase' });
		await setCap(db.orm, { accountId: a.accountId, period: 'daily', limitTokens: 100 });
		const first = await check(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 1 });
		expect(first).toMatchObject({ allowed: true, cost: 45, remainingAfter: 55, spendable: 100, cap: { limitOf: 'user', limit: 100, used: 0, left: 100, period: 'daily' } });
		await consumeAs(a.accountId, 'generate_texts', 1);
		const second = await check(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 1 });
		expect(second).toMatchObject({ allowed: true, remainingAfter: 10, spendable: 55, cap: { used: 45, left: 55 } });
		const over = await check(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 2 });
		expect(over).toMatchObject({ allowed: false, code: 'cap_reached', remainingAfter: 0, spendable: 55, level: 'empty' });
		// A consume says what the cap leaves too, as the next check counts it; its operation's balance_after
		// (the statement's running balance) stays the lots' and allowance's figure.
		const third = await consumeAs(a.accountId, 'generate_texts', 1);
		expect(third.remaining).toBe(10);
		expect((await check(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 1 })).spendable).toBe(10);
		expect((await db.rows<{ after: number }>(sql`select balance_after::int as after from operations where id = ${third.operationId}::uuid`))[0]!.after).toBe(910);
		// The dashboard says the same limit in words.
		expect(await readOne(db.orm, capLineRead(a.accountId, a.userId))).toEqual({ text: 'Your daily cap: 10 of 100 tokens left today', limitOf: 'user', limit: 100, left: 10, capped: null });

		const t = await makeTeam(db);
		const limited = await makeUser(db);
		const free = await makeUser(db);
		await grant(db.orm, { accountId: t.accountId, tokens: 10_000, source: 'purchase' });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: limited.userId, period: 'daily', limitTokens: 200 });
		const asLimited = await check(db.orm, { accountId: t.accountId, actorUserId: limited.userId, feature: 'generate_texts', units: 1 });
		expect(asLimited).toMatchObject({ remainingAfter: 155, spendable: 200, cap: { limitOf: 'member', limit: 200, left: 200 } });
		const asFree = await check(db.orm, { accountId: t.accountId, actorUserId: free.userId, feature: 'generate_texts', units: 1 });
		expect(asFree).toMatchObject({ remainingAfter: 9_955, spendable: 10_000, cap: null });
		expect(await readOne(db.orm, capLineRead(t.accountId, limited.userId))).toEqual({ text: 'Your daily cap in this team: 200 of 200 tokens left today', limitOf: 'member', limit: 200, left: 200, capped: null });
		expect(await readOne(db.orm, capLineRead(t.accountId, free.userId))).toBeNull();
		await expectInvariants(db);
	});

	it('a weekly cap set below what a member already used this week binds them: the dashboard says they cannot spend until it resets, in their zone, and the Team page reads the same cap', async () => {
		const t = await makeTeam(db);
		const leo = await makeUser(db);
		const kim = await makeUser(db);
		await grant(db.orm, { accountId: t.accountId, tokens: 10_000, source: 'purchase' });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'daily', limitTokens: 5_000 });
		await consumeAs(t.accountId, 'generate_texts', 2, { userId: leo.userId });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'weekly', limitTokens: 50 });
		await db.orm.execute(sql`update users set time_zone = 'Asia/Tokyo' where id = ${leo.userId}::uuid`);
		const line = (await readOne(db.orm, capLineRead(t.accountId, leo.userId)))!;
		expect(line).toMatchObject({ limit: 50, left: 0 });
		// The reset is the next start of the site's week, said in Leo's own zone.
		const own = (await readOne(db.orm, tightestCapsRead(t.accountId, [leo.userId], leo.userId))).get(leo.userId)!;
		const at = (zone: string) => new Intl.DateTimeFormat('en', { timeZone: zone, month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(own.resetsAt!));
		const inTokyo = at('Asia/Tokyo');
		expect(line.text).toBe(`Your weekly cap of 50 tokens in this team is used up: you cannot spend from this pool until ${inTokyo} Tokyo time (UTC+9).`);
		expect(line.capped).toBe(`Capped: nothing can be spent from this pool until ${inTokyo} Tokyo time (UTC+9), whatever the balance.`);
		// The Team page says the same reset in the same words, for the reader: Leo's own, in Tokyo, as his dashboard says it.
		expect(own.resets).toBe(`${inTokyo} Tokyo time (UTC+9)`);
		// Every member's binding cap at once, by the same rule: Leo's weekly one (its use counted past its limit), none for Kim.
		// Read by Kim, who chose no zone: its reset in the site's zone, named, as Kim's dashboard would say it.
		const site = (await db.rows<{ zone: string }>(sql`select time_zone as zone from site_settings where id = 1`))[0]!.zone;
		const now = await readOne(db.orm, tightestCapsRead(t.accountId, [leo.userId, kim.userId], kim.userId));
		expect(now.get(leo.userId)).toMatchObject({ limitOf: 'member', period: 'weekly', limit: 50, used: 90, left: 0, resets: localeFormatter('en', site).time(own.resetsAt!, site) });
		expect(now.has(kim.userId)).toBe(false);
		// The ledger refuses what the line says it refuses.
		expect(await refusal(consumeAs(t.accountId, 'generate_texts', 1, { userId: leo.userId }))).toMatchObject({ code: 'cap_reached', details: { limit_of: 'member', period: 'weekly' } });
	});

	it('of two caps used up, every place names the one that holds longest (the latest reset), not the one used up furthest', async () => {
		const t = await makeTeam(db);
		const leo = await makeUser(db);
		await grant(db.orm, { accountId: t.accountId, tokens: 10_000, source: 'purchase' });
		await consumeAs(t.accountId, 'generate_texts', 2, { userId: leo.userId }); // 90 tokens, in today's, this week's and this month's window
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'daily', limitTokens: 10 });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'weekly', limitTokens: 50 });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'monthly', limitTokens: 60 });
		// The daily cap is used up furthest (80 over) and the weekly one next (40 over), but Leo spends again only when the last of them resets.
		const [ends] = await db.rows<{ daily: string; weekly: string; monthly: string }>(sql`select quota_window_end('daily', time_zone, week_start, now()) as daily,
			quota_window_end('weekly', time_zone, week_start, now()) as weekly, quota_window_end('monthly', time_zone, week_start, now()) as monthly from site_settings where id = 1`);
		const [period, at] = Object.entries(ends!).map(([p, e]) => [p, new Date(e).toISOString()] as const).sort((a, b) => b[1].localeCompare(a[1]))[0]!;
		const cap = (await readOne(db.orm, tightestCapsRead(t.accountId, [leo.userId], leo.userId))).get(leo.userId)!;
		expect(cap).toMatchObject({ limitOf: 'member', period, used: 90, left: 0, resetsAt: at });
		const line = (await readOne(db.orm, capLineRead(t.accountId, leo.userId)))!;
		expect(line.text).toContain(`Your ${period} cap of `);
		expect(line.text).toContain(`until ${cap.resets}.`);
		const refused = await refusal(consumeAs(t.accountId, 'generate_texts', 1, { userId: leo.userId }));
		expect(refused).toMatchObject({ code: 'cap_reached', details: { limit_of: 'member', period } });
		expect(new Date((refused.details as { resets_at: string }).resets_at).toISOString()).toBe(at);
		expect(await check(db.orm, { accountId: t.accountId, actorUserId: leo.userId, feature: 'generate_texts', units: 1 })).toMatchObject({ allowed: false, code: 'cap_reached', cap: { period } });
		// With none used up, the cap that leaves the least still binds: the daily one once the others are raised.
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'daily', limitTokens: 100 });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'weekly', limitTokens: 500 });
		await setCap(db.orm, { accountId: t.accountId, memberUserId: leo.userId, period: 'monthly', limitTokens: 600 });
		expect((await readOne(db.orm, tightestCapsRead(t.accountId, [leo.userId], leo.userId))).get(leo.userId)).toMatchObject({ period: 'daily', left: 10 });
		await expectInvariants(db);
	});

	it('holds reserve tokens, settle charges the real amount once, release gives everything back', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
		const h = await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 800, ttlSeconds: 60, actor: {}, idempotency: key() });
		expect((await lotBalance(a.accountId))).toMatchObject({ available: 200, held: 800, total: 1000 });
		expect((await refusal(consumeAs(a.accountId, 'ai_bots', 100))).code).toBe('insufficient_tokens');
		const s = await settle(db.orm, h.holdId, 300, key());
		expect(s).toMatchObject({ cost: 300, released: 500, remaining: 700 });
		expect((await refusal(settle(db.orm, h.holdId, 300, key()))).code).toBe('hold_already_settled');
		const h2 = await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 700, ttlSeconds: 60, actor: {}, idempotency: key() });
		await release(db.orm, h2.holdId, key());
		expect((await lotBalance(a.accountId))).toMatchObject({ available: 700, held: 0 });
		expect((await refusal(settle(db.orm, h2.holdId, 1, key()))).code).toBe('hold_already_settled');
		expect((await refusal(settle(db.orm, h.holdId, 801, key()))).code).toBe('hold_already_settled');
		const [page] = [await history(db.orm, a.accountId)];
		expect(page.rows[0]).toMatchObject({ tokensUsed: 300, remaining: 700 });
		await expectInvariants(db);
	});

	it('an expired hold gives its tokens back and cannot be settled', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const h = await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 100, ttlSeconds: 1, actor: {}, idempotency: key() });
		await new Promise((r) => setTimeout(r, 1200));
		expect((await refusal(settle(db.orm, h.holdId, 50, key()))).code).toBe('hold_expired');
		expect((await lotBalance(a.accountId))).toMatchObject({ available: 100, held: 0 });
		await expectInvariants(db);
	});

	it('the sweep returns expired holds and records expired lots of idle accounts', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		await grant(db.orm, { accountId: a.accountId, tokens: 50, source: 'event', expiresAt: new Date(Date.now() + 800) });
		await hold(db.orm, { accountId: a.accountId, feature: 'search_images', maxTokens: 30, ttlSeconds: 1, actor: {}, idempotency: key() });
		await new Promise((r) => setTimeout(r, 1100));
		expect(await sweepExpired(db)).toBeGreaterThanOrEqual(1);
		const [h] = await db.rows<{ status: string }>(sql`select status from holds where account_id = ${a.accountId}::uuid`);
		expect(h!.status).toBe('expired');
		const [lost] = await db.rows<{ n: number }>(sql`select count(*)::int as n from entries where account_id = ${a.accountId}::uuid and kind = 'expire'`);
		expect(lost!.n).toBe(1);
		expect((await lotBalance(a.accountId))).toMatchObject({ available: 100, held: 0 });
		await expectInvariants(db);
	});

	it('expired lots stop counting at their expiry instant and an expiry entry records the loss', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'bonus', expiresAt: new Date(Date.now() + 1000) });
		await consumeAs(a.accountId, 'search_images', 1);
		await new Promise((r) => setTimeout(r, 1100));
		expect((await lotBalance(a.accountId)).available).toBe(0);
		expect((await refusal(consumeAs(a.accountId, 'search_images', 1))).code).toBe('insufficient_tokens');
		const [lost] = await db.rows<{ amount: number }>(sql`select amount from entries where account_id = ${a.accountId}::uuid and kind = 'expire'`);
		expect(Number(lost!.amount)).toBe(-90);
		await expectInvariants(db);
	});

	it('unlimited lots short-circuit (the -1 of the seeds)', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 0, unlimited: true, source: 'admin', model: 'gpt-5-nano' });
		const r = await consumeAs(a.accountId, 'ai_bots', 1_000_000, { model: 'gpt-5-nano' });
		expect(r.remaining).toBeNull();
		expect((await refusal(consumeAs(a.accountId, 'ai_bots', 1))).code).toBe('insufficient_tokens');
		await expectInvariants(db);
	});

	it('admin adjustments are new entries: set, add, take, never below zero, once per key', async () => {
		const admin = await makeUser(db, 'admin');
		const a = await makeUser(db);
		await adjustBalance(db.orm, { accountId: a.accountId, mode: 'set', tokens: 500, reason: 'goodwill', actorUserId: admin.userId, key: 'adj-1' });
		await adjustBalance(db.orm, { accountId: a.accountId, mode: 'set', tokens: 500, reason: 'goodwill', actorUserId: admin.userId, key: 'adj-1' });
		expect((await lotBalance(a.accountId)).available).toBe(500);
		const down = await adjustBalance(db.orm, { accountId: a.accountId, mode: 'set', tokens: 120, reason: 'correction', actorUserId: admin.userId, key: 'adj-2' });
		expect(down).toEqual({ delta: -380, balance: 120 });
		expect((await refusal(adjustBalance(db.orm, { accountId: a.accountId, mode: 'delta', tokens: -121, reason: 'x', actorUserId: admin.userId, key: 'adj-3' }))).code).toBe('insufficient_tokens');
		expect((await refusal(adjustBalance(db.orm, { accountId: a.accountId, mode: 'delta', tokens: 5, reason: ' ', actorUserId: admin.userId, key: 'adj-4' }))).code).toBe('invalid_input');
		expect((await lotBalance(a.accountId)).available).toBe(120);
		await expectInvariants(db);
	});

	it('clawback takes only what is left; grants happen once per grant key; ended lots record their loss', async () => {
		const a = await makeUser(db);
		const g = await grant(db.orm, { accountId: a.accountId, tokens: 5000, source: 'purchase', grantKey: 'paddle:txn_1:pri_1' });
		expect((await grant(db.orm, { accountId: a.accountId, tokens: 5000, source: 'purchase', grantKey: 'paddle:txn_1:pri_1' })).created).toBe(false);
		await consumeAs(a.accountId, 'ai_bots', 800); // 2000
		const c = await clawback(db.orm, { accountId: a.accountId, lotIds: [g.lotId], reason: 'refund', operationKey: 'adj_1' });
		expect(c).toEqual({ clawedBack: 3000, shortfall: 2000 });
		expect(await clawback(db.orm, { accountId: a.accountId, lotIds: [g.lotId], reason: 'refund', operationKey: 'adj_1' })).toEqual(c);
		const sub = await grant(db.orm, { accountId: a.accountId, tokens: 300, source: 'subscription' });
		await endLots(db.orm, [sub.lotId]);
		expect((await lotBalance(a.accountId)).available).toBe(0);
		await expectInvariants(db);
	});

	it('a clawback of at most some tokens (a partial chargeback) takes that many of what is left, the spent part of them the shortfall, once per key', async () => {
		const a = await makeUser(db);
		const g = await grant(db.orm, { accountId: a.accountId, tokens: 5000, source: 'purchase' });
		const share = (tokens: number, key: string) => clawback(db.orm, { accountId: a.accountId, lotIds: [g.lotId], tokens, reason: 'chargeback', operationKey: key });
		expect(await share(1500, 'cb_1')).toEqual({ clawedBack: 1500, shortfall: 0 });
		expect(await share(1500, 'cb_1')).toEqual({ clawedBack: 1500, shortfall: 0 });
		expect((await lotBalance(a.accountId)).available).toBe(3500);
		await consumeAs(a.accountId, 'ai_bots', 1000); // 2500
		expect(await share(2000, 'cb_2')).toEqual({ clawedBack: 1000, shortfall: 1000 });
		expect((await lotBalance(a.accountId)).available).toBe(0);
		expect((await refusal(share(0, 'cb_3'))).code).toBe('invalid_input');
		await expectInvariants(db);
	});

	it.each([
		['negative', -1],
		['zero', 0],
		['fractional', 1.5],
		['huge', 1e12],
		['NaN', Number.NaN],
		['Infinity', Number.POSITIVE_INFINITY]
	])('rejects %s units with invalid_input and changes nothing', async (_name, units) => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const e = await refusal(consumeAs(a.accountId, 'ai_bots', units));
		expect(e.code).toBe('invalid_input');
		expect((await lotBalance(a.accountId)).available).toBe(100);
	});

	it('rejects unknown features and models, and a settle of more than was held, changing nothing', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		expect((await refusal(consumeAs(a.accountId, 'nope', 1))).code).toBe('unknown_feature');
		expect((await refusal(consumeAs(a.accountId, 'ai_bots', 1, { model: 'gpt-0' }))).code).toBe('unknown_model');
		const h = await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 10, ttlSeconds: 60, actor: {}, idempotency: key() });
		expect((await refusal(settle(db.orm, h.holdId, 11, key()))).code).toBe('invalid_input');
		expect((await lotBalance(a.accountId))).toMatchObject({ available: 90, held: 10 });
		await expectInvariants(db);
	});

	it('pages history newest first, 50 at a time, with the remaining balance after each use', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 10_000, source: 'purchase' });
		for (let i = 0; i < 60; i++) await consumeAs(a.accountId, 'search_images', 1);
		const p1 = await history(db.orm, a.accountId);
		expect(p1.rows).toHaveLength(50);
		expect(p1.rows[0]!.remaining).toBe(10_000 - 600);
		const p2 = await history(db.orm, a.accountId, { cursor: p1.nextCursor });
		expect(p2.rows).toHaveLength(10);
		expect(p2.nextCursor).toBeNull();
		expect(p2.rows.at(-1)!.remaining).toBe(9_990);
		expect(new Set([...p1.rows, ...p2.rows].map((r) => r.id)).size).toBe(60);
		await expect(history(db.orm, a.accountId, { cursor: 'garbage' })).rejects.toMatchObject({ code: 'invalid_input' });
	});

	it('tells every app process of a committed change: after its own commit, or on the commit of the caller’s transaction', async () => {
		const a = await makeUser(db);
		// Another app process: its own connections to the same database (PGlite has one process).
		const url = (db as Db & { url?: string }).url;
		const other = url ? openPostgres(url, { max: 1 }) : db;
		const heard: string[] = [];
		const unlisten = await other.listen(CHANGE_CHANNEL, (id) => heard.push(id));
		const heardOf = () => heard.filter((id) => id === a.accountId).length;
		try {
			await grant(db.orm, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
			await expect.poll(heardOf, { timeout: 2000 }).toBe(1);

			const first = key();
			await consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: first });
			await expect.poll(heardOf, { timeout: 2000 }).toBe(2);
			// A replay changes nothing, so it announces nothing.
			await consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: first });

			await db.orm.transaction(async (tx) => {
				await consume(tx, { accountId: a.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: key() });
				await new Promise((r) => setTimeout(r, 150));
				expect(heardOf()).toBe(2); // not before the commit: a listener would read the old balance
			});
			await expect.poll(heardOf, { timeout: 2000 }).toBe(3);
			await new Promise((r) => setTimeout(r, 150));
			expect(heardOf()).toBe(3);
		} finally {
			await unlisten();
			if (other !== db) await other.close();
		}
		expect((await lotBalance(a.accountId)).available).toBe(980);
		await expectInvariants(db);
	});
});
