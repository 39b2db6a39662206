import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { SEARCH_MAX } from '../../src/lib/search-text';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { type World, type Caller, adminWorld, callerAs } from '../helpers/world';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import { auditCsv, listAudit } from '../../src/lib/server/admin';
import type { Db } from '../../src/lib/server/db';
import { auditLog, features } from '../../src/lib/server/db/schema';
import { auditedGrant, createSession, createSiteKey, createTeam, createUser, guestAccountFor, sessionOfDisabledUser, validateSessionToken } from '../../src/lib/server/accounts';
import { accountPageQuery } from '../../src/lib/server/admin/accounts';
import { queryRows } from '../../src/lib/server/db/client';
import { adjustBalance, balances, consume, grant, history, hold, refreshAccountFigures, setAllowanceRule, upsertFeature } from '../../src/lib/server/ledger';
import { balanceOf } from '../../src/lib/balance-figures';

/** The tRPC code and the domain code behind a refusal (trpcRefusal without its words). */
const refused = async (p: Promise<unknown>) => {
	const { code, domain } = await trpcRefusal(p);
	return { code, domain };
};

let db: Db;
let w: World;
let admin: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.1', async (db) => {
		await configureRates(db);
		await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
	}));
});
afterAll(async () => db?.close());


const spend = (accountId: string, tokens: number, effectiveAt?: Date, feature = 'plain') =>
	consume(db.orm, { accountId, feature, units: tokens, actor: {}, idempotency: { scope: 'admin-test', key: randomUUID() }, effectiveAt });
const available = async (accountId: string) => (await balances(db.orm, accountId)).available;
const adjustments = (accountId: string) =>
	db.orm.select().from(auditLog).where(and(eq(auditLog.accountId, accountId), eq(auditLog.action, 'balance.adjusted')));

describe('manual balance adjustments', () => {
	it('adds, takes and sets tokens with a reason, once per key, each with an audit entry of before and after', async () => {
		const accountId = w.users.memberB.accountId;
		const add = { accountId, mode: 'delta' as const, tokens: 500, reason: 'Goodwill after an outage', key: `k-${randomUUID()}` };
		expect(await admin.admin.users.adjustBalance(add)).toEqual({ delta: 500, before: 0, after: 500, replayed: false });
		// A double tap or a retried request applies once.
		expect(await admin.admin.users.adjustBalance(add)).toEqual({ delta: 500, before: 0, after: 500, replayed: true });
		expect(await available(accountId)).toBe(500);
		expect(await refused(admin.admin.users.adjustBalance({ ...add, tokens: 501 }))).toEqual({ code: 'UNPROCESSABLE_CONTENT', domain: 'idempotency_key_reused' });

		expect(await admin.admin.users.adjustBalance({ accountId, mode: 'delta', tokens: -120, reason: 'Correction', key: `k-${randomUUID()}` })).toMatchObject({ delta: -120, before: 500, after: 380 });
		expect(await admin.admin.users.adjustBalance({ accountId, mode: 'set', tokens: 1000, reason: 'Plan change', key: `k-${randomUUID()}` })).toMatchObject({ delta: 620, before: 380, after: 1000 });
		expect(await available(accountId)).toBe(1000);

		const log = await adjustments(accountId);
		expect(log).toHaveLength(3);
		expect(log[0]).toMatchObject({
			actorUserId: w.users.siteAdmin.id,
			targetType: 'account',
			targetId: accountId,
			ip: '10.9.0.1',
			before: { balance: 0 },
			after: { balance: 500 },
			detail: { mode: 'delta', tokens: 500, delta: 500, reason: 'Goodwill after an outage', key: add.key }
		});
		await expectInvariants(db);
	});

	it('refuses a change below zero, without a reason, or for no account, and changes nothing', async () => {
		const accountId = w.users.teamMember.accountId;
		await admin.admin.users.adjustBalance({ accountId, mode: 'set', tokens: 300, reason: 'Start', key: `k-${randomUUID()}` });
		const key = `k-${randomUUID()}`;
		expect(await refused(admin.admin.users.adjustBalance({ accountId, mode: 'delta', tokens: -301, reason: 'Too much', key }))).toEqual({ code: 'PRECONDITION_FAILED', domain: 'insufficient_tokens' });
		expect(await refused(admin.admin.users.adjustBalance({ accountId, mode: 'set', tokens: -1, reason: 'Negative', key }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refused(admin.admin.users.adjustBalance({ accountId, mode: 'delta', tokens: 10, reason: '   ', key }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refused(admin.admin.users.adjustBalance({ accountId: randomUUID(), mode: 'delta', tokens: 10, reason: 'Ghost', key }))).toEqual({ code: 'NOT_FOUND', domain: 'not_found' });
		expect(await available(accountId)).toBe(300);
		expect(await adjustments(accountId)).toHaveLength(1);
		// The refused key was not used up: the same key with a possible change applies.
		expect(await admin.admin.users.adjustBalance({ accountId, mode: 'delta', tokens: -300, reason: 'All of it', key })).toMatchObject({ after: 0, replayed: false });
		await expectInvariants(db);
	});

	it('applies a key once when the same request arrives twice at the same time', async () => {
		const { accountId } = await createUser(db.orm, { email: `twice-${randomUUID()}@example.com`, name: 'Twice' });
		const req = { accountId, mode: 'delta' as const, tokens: 250, reason: 'Double tap', key: `k-${randomUUID()}` };
		const results = await Promise.all([admin.admin.users.adjustBalance(req), admin.admin.users.adjustBalance(req)]);
		expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
		expect(await available(accountId)).toBe(250);
		expect(await adjustments(accountId)).toHaveLength(1);
		await expectInvariants(db);
	});

	it('lets only site admins adjust', async () => {
		const member = await callerAs(w.auth.memberA, '10.9.0.2');
		const accountId = w.users.memberA.accountId;
		expect(await refused(member.admin.users.adjustBalance({ accountId, mode: 'delta', tokens: 1000, reason: 'Myself', key: `k-${randomUUID()}` }))).toMatchObject({ code: 'FORBIDDEN' });
		expect(await available(accountId)).toBe(0);
	});
});

describe('the users list', () => {
	/** Every row of a search, page by page through the cursors, as the console's "Load more" walks it. */
	async function walk(input: { search: string; sort?: 'name' | 'balance' | 'used' | 'lastActive' | 'joined'; dir?: 'asc' | 'desc' }) {
		const rows = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page: Awaited<ReturnType<typeof admin.admin.users.list>> = await admin.admin.users.list({ ...input, cursor });
			rows.push(...page.rows);
			cursor = page.nextCursor;
			pages++;
		} while (cursor);
		return { rows, pages };
	}

	it('searches users and teams by name, e-mail or host-site id, sorts by balance, use or activity, and pages by keyset', async () => {
		const tag = randomUUID().slice(0, 8);
		const people = [];
		for (let i = 0; i < 53; i++) {
			people.push(await createUser(db.orm, { email: `credit-${String(i).padStart(2, '0')}-${tag}@example.com`, name: `Credit ${String(i).padStart(2, '0')} ${tag}`, externalId: `wp-${tag}-${i}` }));
		}
		const team = await createTeam(db.orm, { name: `Credit team ${tag}`, ownerUserId: people[0]!.id });
		await grant(db.orm, { accountId: people[7]!.accountId, tokens: 900, source: 'purchase' });
		await grant(db.orm, { accountId: people[3]!.accountId, tokens: 400, source: 'purchase' });
		await grant(db.orm, { accountId: people[3]!.accountId, tokens: 250, source: 'bonus', model: 'gpt-5-nano' });
		await grant(db.orm, { accountId: team.accountId, tokens: 600, source: 'purchase' });
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'member', userId: people[3]!.id, limitTokens: 1000, period: 'daily' });
		await spend(people[3]!.accountId, 40, undefined, 'ai_bots');
		await refreshAccountFigures(db.orm); // the `ledger.figures` job's run: figure sorts follow its summary

		const first = await admin.admin.users.list({ search: tag.toUpperCase() });
		expect(first.rows).toHaveLength(50);
		expect(first.rows[0]!.name).toBe(`Credit 00 ${tag}`);
		expect(first.guests).toBeNull(); // a search names accounts; guests have none
		const byName = await walk({ search: tag });
		expect(byName.pages).toBe(2);
		expect(byName.rows.map((r) => r.name)).toEqual([...people.map((p) => p.name), `Credit team ${tag}`]);
		expect(byName.rows.at(-1)).toMatchObject({ kind: 'team', teamId: team.id, balance: 600, email: null });

		// Ties (53 balances of 0 or so) page without repeats or gaps: the account id breaks them.
		for (const sort of ['balance', 'used', 'lastActive', 'joined'] as const) {
			for (const dir of ['asc', 'desc'] as const) {
				const all = await walk({ search: tag, sort, dir });
				expect(new Set(all.rows.map((r) => r.accountId)).size, `${sort} ${dir}`).toBe(54);
			}
		}
		const byBalance = await admin.admin.users.list({ search: tag, sort: 'balance', dir: 'desc' });
		expect(byBalance.rows.slice(0, 3).map((r) => [r.name, r.balance, r.generalBalance])).toEqual([
			[people[7]!.name, 900, 900],
			[people[3]!.name, 650, 400], // the model-scoped lot counts in the balance, not in the general balance
			[`Credit team ${tag}`, 600, 600]
		]);
		// What each balance is made of, in the dashboard's words; an account with nothing says so, not "all general".
		expect(byBalance.rows.slice(0, 4).map((r) => r.allocationWords.allocations)).toEqual(['general balance only', '1 model + general', 'general balance only', 'no tokens in lots']);
		const today = new Date().toISOString().slice(0, 10);
		const active = await admin.admin.users.list({ search: tag, sort: 'lastActive', dir: 'desc' });
		// The use by feature, by the name the member's usage page gives it (one name for one thing).
		const [use] = (await history(db.orm, people[3]!.accountId, { limit: 1 })).rows;
		expect(active.rows[0]).toMatchObject({
			userId: people[3]!.id,
			lastActiveDay: today,
			// 40 words × 2.5, this month, whether the allowance or a lot paid.
			usedThisPeriod: 100,
			usedByFeature: [{ feature: 'ai_bots', name: use!.featureName, tokens: 100 }]
		});
		expect(active.rows[1]!.lastActiveDay).toBeNull();
		expect((await admin.admin.users.list({ search: tag, sort: 'used', dir: 'desc' })).rows[0]!.userId).toBe(people[3]!.id);

		expect((await admin.admin.users.list({ search: `credit-07-${tag}@` })).rows.map((r) => r.userId)).toEqual([people[7]!.id]);
		expect((await admin.admin.users.list({ search: `wp-${tag}-12` })).rows.map((r) => r.externalId)).toEqual([`wp-${tag}-12`]);
		// LIKE wildcards in a search are literal.
		expect((await admin.admin.users.list({ search: `%${tag}` })).rows).toEqual([]);
		// A cursor this list did not make, or one from another sort, is refused.
		expect(await refused(admin.admin.users.list({ search: tag, cursor: 'not-a-cursor' }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		expect(await refused(admin.admin.users.list({ search: tag, sort: 'balance', cursor: first.nextCursor }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		await expectInvariants(db);
	});

	it('shows when each person last used the app (a sign-in, then a signed-in request), beside the account\'s last use of tokens', async () => {
		const tag = randomUUID().slice(0, 8);
		const [signedIn, never] = await Promise.all(['seen', 'never'].map((n) => createUser(db.orm, { email: `${n}-${tag}@example.com`, name: `Seen ${n} ${tag}` })));
		const row = async (userId: string) => (await admin.admin.users.list({ search: tag })).rows.find((r) => r.userId === userId)!;
		expect(await row(signedIn!.id)).toMatchObject({ lastSeenAt: null, lastActiveDay: null });
		const session = await createSession(db.orm, signedIn!.id);
		const atSignIn = (await row(signedIn!.id)).lastSeenAt;
		expect(Date.now() - Date.parse(atSignIn!)).toBeLessThan(60_000);
		expect((await row(never!.id)).lastSeenAt).toBeNull();
		// A request a while later (the session is touched at most once a minute) moves it on, and it stays when the session ends.
		await db.rows(sql`update sessions set last_seen_at = now() - interval '10 minutes' where id = ${session.sessionId}`);
		await db.rows(sql`update users set last_seen_at = now() - interval '10 minutes' where id = ${signedIn!.id}::uuid`);
		expect(await validateSessionToken(db, session.token)).not.toBeNull();
		const touched = (await row(signedIn!.id)).lastSeenAt!;
		expect(Date.now() - Date.parse(touched)).toBeLessThan(60_000);
		await db.rows(sql`delete from sessions where id = ${session.sessionId}`);
		expect((await row(signedIn!.id)).lastSeenAt).toBe(touched);
	});

	it('sorts every account by the refreshed summary, showing the live figures the detail page shows, after spends, grants, expiries and holds', async () => {
		const tag = randomUUID().slice(0, 8);
		const [spender, expiring, holder, scoped, empty] = await Promise.all(
			['spender', 'expiring', 'holder', 'scoped', 'empty'].map((n) => createUser(db.orm, { email: `${n}-${tag}@example.com`, name: `Sorted ${n} ${tag}` }))
		);
		await grant(db.orm, { accountId: spender!.accountId, tokens: 500_000, source: 'purchase' });
		await spend(spender!.accountId, 120);
		await grant(db.orm, { accountId: expiring!.accountId, tokens: 300_000, source: 'purchase' });
		await grant(db.orm, { accountId: expiring!.accountId, tokens: 700_000, source: 'bonus', expiresAt: new Date(Date.now() + 1500) });
		await grant(db.orm, { accountId: holder!.accountId, tokens: 400_000, source: 'purchase' });
		await hold(db.orm, { accountId: holder!.accountId, feature: 'plain', maxTokens: 250, ttlSeconds: 600, actor: {}, idempotency: { scope: 'admin-test', key: randomUUID() } });
		await grant(db.orm, { accountId: scoped!.accountId, tokens: 200_000, source: 'bonus', model: 'gpt-5-nano' });
		await grant(db.orm, { accountId: scoped!.accountId, tokens: 100_000, source: 'purchase' });
		await new Promise((r) => setTimeout(r, 1600)); // the bonus lot is past its expiry, not yet recorded as expired
		await refreshAccountFigures(db.orm);
		const ours = new Map([
			[spender!.accountId, 499_880],
			[expiring!.accountId, 300_000],
			[holder!.accountId, 399_750],
			[scoped!.accountId, 300_000],
			[empty!.accountId, 0]
		]);

		// No search: the whole list, every account, page by page in each direction.
		const desc = (await walk({ search: '', sort: 'balance', dir: 'desc' })).rows;
		const asc = (await walk({ search: '', sort: 'balance', dir: 'asc' })).rows;
		expect(new Set(desc.map((r) => r.accountId)).size).toBe(desc.length);
		expect(asc.map((r) => r.accountId)).toEqual(desc.map((r) => r.accountId).reverse());
		for (let i = 1; i < desc.length; i++) expect(desc[i]!.balance).toBeLessThanOrEqual(desc[i - 1]!.balance);
		for (const [accountId, balance] of ours) {
			const row = desc.find((r) => r.accountId === accountId)!;
			const summary = await admin.ledger.summary({ accountId });
			expect(row.balance, row.name).toBe(balance);
			// The detail page's and the dashboard's Balance: the live lots, holds deducted.
			expect(row.balance).toBe(balanceOf(summary.allocations).balance);
			expect(row.generalBalance).toBe(balanceOf(summary.allocations).general);
		}
		// A search orders by the same summary.
		expect((await walk({ search: tag, sort: 'balance', dir: 'desc' })).rows.map((r) => [r.accountId, r.balance])).toEqual(
			[...ours].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1))
		);
		const used = (await walk({ search: '', sort: 'used', dir: 'desc' })).rows;
		for (let i = 1; i < used.length; i++) expect(used[i]!.usedThisPeriod).toBeLessThanOrEqual(used[i - 1]!.usedThisPeriod);
		expect(used.find((r) => r.accountId === spender!.accountId)?.usedThisPeriod).toBe(120);
		const active = (await walk({ search: '', sort: 'lastActive', dir: 'desc' })).rows;
		expect(active.findIndex((r) => r.accountId === spender!.accountId)).toBeLessThan(active.findIndex((r) => r.accountId === empty!.accountId));
		expect(active.find((r) => r.accountId === empty!.accountId)?.lastActiveDay).toBeNull();
		await expectInvariants(db);
	});

	it('shows guests as one read-only row with this month’s use, per feature by the features’ names as an account’s row names them', async () => {
		const guest = await guestAccountFor(db, `admin-list-${randomUUID()}`);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'guest', limitTokens: 1000, period: 'daily' });
		const before = (await admin.admin.users.list({})).guests;
		await spend(guest, 1, undefined, 'generate_texts');
		const after = (await admin.admin.users.list({})).guests;
		expect(after).toMatchObject({ guests: (before?.guests ?? 0) + 1, usedThisPeriod: (before?.usedThisPeriod ?? 0) + 45, lastActiveDay: new Date().toISOString().slice(0, 10) });
		// Named as a user's row names the same feature (not by its module), with the tokens each feature took.
		const feature = (g: typeof after) => g?.usedByFeature.find((f) => f.feature === 'generate_texts');
		const [name] = await queryRows<{ name: string }>(db.orm, sql`select name from features where key = 'generate_texts'`);
		expect(feature(after)).toEqual({ feature: 'generate_texts', name: name!.name, tokens: (feature(before)?.tokens ?? 0) + 45 });
		expect(after!.usedByFeature.reduce((n, f) => n + f.tokens, 0)).toBe(after!.usedThisPeriod);
		const member = (await admin.admin.users.list({ search: w.users.memberB.email! })).rows[0]!;
		await spend(member.accountId, 1, undefined, 'generate_texts');
		const memberRow = (await admin.admin.users.list({ search: w.users.memberB.email! })).rows[0]!;
		expect(memberRow.usedByFeature.find((f) => f.feature === 'generate_texts')?.name).toBe(feature(after)!.name);
		expect((await admin.admin.users.list({})).rows.some((r) => r.accountId === guest)).toBe(false);
		await expectInvariants(db);
	});

	it('reads a page by name or join date through its indexes, not by sorting every account', async () => {
		for (const sort of ['name', 'joined'] as const) {
			const plan = await db.orm.transaction(async (tx) => {
				// The test database is small enough that a sequential scan would win; the question is whether the index can serve.
				await tx.execute(sql`set local enable_seqscan = off`);
				const rows = await queryRows<Record<string, string>>(tx, sql`explain ${accountPageQuery({ sort, dir: 'desc' })}`);
				return rows.map((r) => Object.values(r)[0]).join('\n');
			});
			const index = sort === 'name' ? 'name_idx' : 'created_idx';
			expect(plan, plan).toContain(`users_${index}`);
			expect(plan, plan).toContain(`teams_${index}`);
			// The two indexes merged in order and cut at the page's end: no sort node over every account.
			expect(plan, plan).toMatch(/Limit[\s\S]*Merge Append/);
			expect(plan, plan).not.toMatch(/(^|->)\s*Sort\s+\(/m);
		}
	});

	it('reads a page by balance, use or last active along the summary’s index, not by sorting every account', async () => {
		for (const [sort, index] of [['balance', 'balance'], ['used', 'used'], ['lastActive', 'active']] as const) {
			const plan = await db.orm.transaction(async (tx) => {
				await tx.execute(sql`set local enable_seqscan = off`);
				const rows = await queryRows<Record<string, string>>(tx, sql`explain ${accountPageQuery({ sort, dir: 'desc' })}`);
				return rows.map((r) => Object.values(r)[0]).join('\n');
			});
			expect(plan, plan).toContain(`account_figures_${index}_idx`);
			expect(plan, plan).toMatch(/Limit[\s\S]*Index (Only )?Scan Backward using account_figures/);
			expect(plan, plan).not.toMatch(/(^|->)\s*Sort\s+\(/m);
		}
	});
});

// The summary behind the users list's figure sorts (ledger/figures-summary.ts): kept by the
// `ledger.figures` job, never by a consume, and equal to the live figures after each refresh.
interface Stored { account_id: string; balance: number; general_balance: number; unlimited: boolean; used_this_month: number; last_active_day: string | null }
async function stored(): Promise<Map<string, Stored>> {
	const rows = await db.rows<Stored>(sql`
		select account_id, balance, general_balance, unlimited, used_this_month, to_char(last_active_day, 'YYYY-MM-DD') as last_active_day from account_figures`);
	return new Map(rows.map((r) => [r.account_id, { ...r, balance: Number(r.balance), general_balance: Number(r.general_balance), used_this_month: Number(r.used_this_month) }]));
}

type Sort = 'balance' | 'used' | 'lastActive';
/** The whole users list in one figure order, page by page, as "Load more" walks it. */
async function walkAll(sort: Sort, dir: 'asc' | 'desc') {
	const rows = [];
	let cursor: string | null = null;
	do {
		const page: Awaited<ReturnType<typeof admin.admin.users.list>> = await admin.admin.users.list({ sort, dir, cursor });
		rows.push(...page.rows);
		cursor = page.nextCursor;
	} while (cursor);
	return rows;
}

/** The hourly rollup holds every spend stamped before the cursor, within its 8 days, once. */
async function expectRollupIsExact() {
	const query = (q: ReturnType<typeof sql>) => db.rows<{ account_id: string; hour: string; tokens: number }>(q);
	const rollup = await query(sql`
		select account_id, to_char(hour at time zone 'UTC', 'YYYY-MM-DD HH24') as hour, tokens::int8 as tokens from usage_hourly
		 where hour at time zone 'UTC' >= (select date_trunc('hour', (full_at - interval '7 days') at time zone 'UTC') from account_figures_refresh) order by 1, 2`);
	const operations = await query(sql`
		select o.account_id, to_char(date_trunc('hour', o.created_at at time zone 'UTC'), 'YYYY-MM-DD HH24') as hour, sum(o.cost)::int8 as tokens
		  from operations o, account_figures_refresh r
		 where o.status = 'ok' and o.kind in ('consume', 'settle') and o.created_at < r.cursor
		   and date_trunc('hour', o.created_at at time zone 'UTC') >= date_trunc('hour', (r.full_at - interval '7 days') at time zone 'UTC')
		 group by 1, 2 order by 1, 2`);
	expect(rollup.map((r) => ({ ...r, tokens: Number(r.tokens) }))).toEqual(operations.map((r) => ({ ...r, tokens: Number(r.tokens) })));
}

/** Every user and team: the summary's figures are the live ones the list shows for its rows. */
async function expectSummaryIsLive() {
	await expectRollupIsExact();
	const summary = await stored();
	const live = await walkAll('balance', 'desc');
	const [{ n }] = (await db.rows<{ n: number }>(sql`select count(*)::int as n from accounts where kind <> 'guest'`)) as [{ n: number }];
	expect(live).toHaveLength(Number(n));
	for (const row of live) {
		expect(summary.get(row.accountId), row.name).toEqual({
			account_id: row.accountId,
			balance: row.balance,
			general_balance: row.generalBalance,
			unlimited: row.unlimited,
			used_this_month: row.usedThisPeriod,
			last_active_day: row.lastActiveDay
		});
	}
}

describe(`the figures summary on ${backend}`, () => {
	it('gives a new user or team its row at once, and no guest one', async () => {
		const u = await createUser(db.orm, { email: `new-${randomUUID()}@example.com`, name: 'Newcomer' });
		const team = await createTeam(db.orm, { name: 'New team', ownerUserId: u.id });
		const guest = await guestAccountFor(db, `figures-${randomUUID()}`);
		const summary = await stored();
		expect(summary.get(u.accountId)).toMatchObject({ balance: 0, used_this_month: 0, last_active_day: null });
		expect(summary.has(team.accountId)).toBe(true);
		expect(summary.has(guest)).toBe(false);
		// Before any refresh it sorts already, at zero.
		expect((await walkAll('balance', 'asc')).some((r) => r.accountId === u.accountId)).toBe(true);
	});

	it('equals the live figures after consumes, grants, holds, adjustments and a lot expiring between two refreshes', async () => {
		const tag = randomUUID().slice(0, 8);
		const [spender, expiring, holder, scoped, adjusted] = await Promise.all(
			['spender', 'expiring', 'holder', 'scoped', 'adjusted'].map((n) => createUser(db.orm, { email: `${n}-${tag}@example.com`, name: `Figures ${n} ${tag}` }))
		);
		await grant(db.orm, { accountId: spender!.accountId, tokens: 5_000, source: 'purchase' });
		await spend(spender!.accountId, 120);
		await grant(db.orm, { accountId: holder!.accountId, tokens: 4_000, source: 'purchase' });
		await grant(db.orm, { accountId: scoped!.accountId, tokens: 2_000, source: 'bonus', model: 'gpt-5-nano' });
		await grant(db.orm, { accountId: scoped!.accountId, tokens: 1_000, source: 'purchase' });
		await grant(db.orm, { accountId: expiring!.accountId, tokens: 3_000, source: 'purchase' });
		await grant(db.orm, { accountId: expiring!.accountId, tokens: 7_000, source: 'bonus', expiresAt: new Date(Date.now() + 1500) });
		const first = await refreshAccountFigures(db.orm, { full: true });
		expect(first.full).toBe(true);
		await expectSummaryIsLive();
		expect((await stored()).get(expiring!.accountId)?.balance).toBe(10_000);

		// Changes after the refresh: only the accounts they touched are recomputed.
		await spend(spender!.accountId, 30);
		await hold(db.orm, { accountId: holder!.accountId, feature: 'plain', maxTokens: 250, ttlSeconds: 600, actor: {}, idempotency: { scope: 'admin-test', key: randomUUID() } });
		await adjustBalance(db.orm, { accountId: adjusted!.accountId, mode: 'delta', tokens: 900, reason: 'Goodwill', actorUserId: w.users.siteAdmin.id, key: randomUUID() });
		const second = await refreshAccountFigures(db.orm);
		expect(second).toMatchObject({ full: false, changed: 3 });
		await expectSummaryIsLive();

		// The bonus lot passes its expiry with no operation (the sweep has not recorded it yet).
		await new Promise((r) => setTimeout(r, 1600));
		const third = await refreshAccountFigures(db.orm);
		expect(third).toMatchObject({ full: false, changed: 1 });
		expect((await stored()).get(expiring!.accountId)?.balance).toBe(3_000);
		await expectSummaryIsLive();
		// Nothing changed since: nothing rewritten.
		expect(await refreshAccountFigures(db.orm)).toMatchObject({ full: false, changed: 0 });
		await expectInvariants(db);
	});

	it('pages every user and team exactly once in each figure order, in that order', async () => {
		const tag = randomUUID().slice(0, 8);
		for (let i = 0; i < 60; i++) {
			const u = await createUser(db.orm, { email: `page-${i}-${tag}@example.com`, name: `Paged ${i} ${tag}` });
			// Ties (most at 0, a few at 100, 200) break by account id.
			if (i % 20 === 0) await grant(db.orm, { accountId: u.accountId, tokens: 100 * (1 + (i % 40 ? 1 : 0)), source: 'purchase' });
			if (i % 40 === 0) await spend(u.accountId, 10);
		}
		await refreshAccountFigures(db.orm);
		const summary = await stored();
		const figure = { balance: (s: Stored) => s.balance, used: (s: Stored) => s.used_this_month, lastActive: (s: Stored) => s.last_active_day ?? '' };
		for (const sort of ['balance', 'used', 'lastActive'] as const) {
			for (const dir of ['asc', 'desc'] as const) {
				const rows = await walkAll(sort, dir);
				expect(rows.length, `${sort} ${dir}`).toBeGreaterThan(50); // more than one page
				expect(new Set(rows.map((r) => r.accountId)), `${sort} ${dir}`).toEqual(new Set(summary.keys()));
				const keys = rows.map((r) => figure[sort](summary.get(r.accountId)!));
				const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
				expect(keys, `${sort} ${dir}`).toEqual(dir === 'asc' ? sorted : sorted.reverse());
			}
		}
		const page = await admin.admin.users.list({ sort: 'used', dir: 'desc' });
		expect(Date.parse(page.orderAsOf!)).toBeGreaterThan(Date.now() - 60_000);
		expect((await admin.admin.users.list({ sort: 'name' })).orderAsOf).toBeNull();
	});

	it('restarts the use this month when the site month turns', async () => {
		const u = await createUser(db.orm, { email: `turn-${randomUUID()}@example.com`, name: 'Month turner' });
		await grant(db.orm, { accountId: u.accountId, tokens: 1_000, source: 'purchase', effectiveAt: new Date(Date.now() - 70 * 86_400_000) });
		const lastMonth = new Date(Date.now() - 40 * 86_400_000);
		await spend(u.accountId, 75, lastMonth);
		// As a refresh in that month left it: the 75 tokens were that month's use.
		const month = `${lastMonth.toISOString().slice(0, 7)}-01`;
		await db.rows(sql`update account_figures set used_this_month = 75, last_active_day = ${lastMonth.toISOString().slice(0, 10)}::date where account_id = ${u.accountId}::uuid`);
		await db.rows(sql`update account_figures_refresh set month = ${month}::date`);
		const r = await refreshAccountFigures(db.orm);
		expect(r.full).toBe(true);
		expect((await stored()).get(u.accountId)).toMatchObject({ used_this_month: 0, balance: 925, last_active_day: lastMonth.toISOString().slice(0, 10) });
		await expectSummaryIsLive();
		await expectInvariants(db);
	});

	// Only a server runs refreshes side by side (CI fails a skip, so no runIf).
	if (backend === 'postgres') it('counts each spend once in the hourly rollup when refreshes run at once, among consumes', async () => {
		const u = await createUser(db.orm, { email: `race-${randomUUID()}@example.com`, name: 'Raced' });
		await grant(db.orm, { accountId: u.accountId, tokens: 10_000, source: 'purchase' });
		await Promise.all([
			...Array.from({ length: 6 }, () => refreshAccountFigures(db.orm)),
			...Array.from({ length: 20 }, (_, i) => spend(u.accountId, 1 + i)),
			refreshAccountFigures(db.orm, { full: true })
		]);
		await refreshAccountFigures(db.orm);
		await expectSummaryIsLive();
		expect((await stored()).get(u.accountId)).toMatchObject({ balance: 10_000 - 210, used_this_month: 210 });
		await expectInvariants(db);
	});

	// Only a server has a second connection to hold a transaction open (CI fails a skip, so no runIf).
	if (backend === 'postgres') it('does not pass over a grant whose transaction began before a refresh and committed after it', async () => {
		const u = await createUser(db.orm, { email: `late-${randomUUID()}@example.com`, name: 'Late commit' });
		await refreshAccountFigures(db.orm);
		let release!: () => void;
		const held = new Promise<void>((r) => (release = r));
		let granted!: () => void;
		const inside = new Promise<void>((r) => (granted = r));
		const tx = db.orm.transaction(async (t) => {
			await grant(t, { accountId: u.accountId, tokens: 640, source: 'purchase' });
			granted();
			await held;
		});
		await inside;
		await refreshAccountFigures(db.orm); // the grant is not visible yet; its operation is stamped before this run
		release();
		await tx;
		await refreshAccountFigures(db.orm);
		expect((await stored()).get(u.accountId)?.balance).toBe(640);
		await expectInvariants(db);
	});
});

describe('the user detail page', () => {
	it('grants a bonus once per key with its model, expiry and note, audited with the balance before and after', async () => {
		const accountId = w.users.memberA.accountId;
		// A day of the site's calendar (UTC here): the lot expires at its last instant.
		const expiresOn = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
		const expiresAt = `${expiresOn}T23:59:59.999Z`;
		const bonus = { accountId, tokens: 300, model: 'gpt-5-nano', expiresOn, note: 'Launch week', key: `b-${randomUUID()}` };
		const first = await admin.admin.users.grantBonus(bonus);
		expect(first).toMatchObject({ replayed: false, after: first.before + 300 });
		expect(await admin.admin.users.grantBonus(bonus)).toMatchObject({ replayed: true, lotId: first.lotId });
		const detail = await admin.admin.users.get({ accountId });
		expect(detail).toMatchObject({ kind: 'user', name: w.users.memberA.name, user: { id: w.users.memberA.id, siteRole: 'subscriber', disabled: false } });
		expect(detail.lots.filter((l) => l.id === first.lotId)).toEqual([
			expect.objectContaining({ source: 'bonus', model: 'gpt-5-nano', amount: 300, remaining: 300, expiresAt: new Date(expiresAt).toISOString(), active: true, note: 'Launch week' })
		]);
		// The page's statement is the ledger's: the bonus is its newest movement.
		expect((await admin.ledger.statement({ accountId })).rows[0]).toMatchObject({ kind: 'grant', tokens: 300, source: 'bonus', note: 'Launch week', model: 'gpt-5-nano' });
		expect(detail.roles).toEqual(expect.arrayContaining(['admin', 'subscriber']));
		const entries = await admin.admin.audit.list({ account: accountId, action: 'bonus.granted' });
		expect(entries.rows).toHaveLength(1);
		expect(entries.rows[0]).toMatchObject({ before: { balance: first.before }, after: { balance: first.after, lotId: first.lotId }, detail: { note: 'Launch week', tokens: 300 } });
		expect(await refused(admin.admin.users.grantBonus({ ...bonus, key: `b-${randomUUID()}`, expiresOn: '2020-01-01' }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		expect(await refused(admin.admin.users.get({ accountId: randomUUID() }))).toEqual({ code: 'NOT_FOUND', domain: 'not_found' });
		await expectInvariants(db);
	});

	it('changes a role and disables a user (their session stops) and enables them again, each audited', async () => {
		const target = w.users.teamMember;
		await admin.admin.roles.save({ key: 'editor', name: 'Editor', isNew: true }); // a role is picked from the site's list
		expect(await admin.admin.users.setRole({ userId: target.id, role: 'editor' })).toEqual({ userId: target.id, siteRole: 'editor', changed: true });
		const before = await createSession(db.orm, target.id);
		expect(await sessionOfDisabledUser(db, before.token)).toBe(false);
		expect(await admin.admin.users.setDisabled({ userId: target.id, disabled: true })).toEqual({ userId: target.id, disabled: true });
		expect(await validateSessionToken(db, (await createSession(db.orm, target.id)).token)).toBeNull();
		// Why the browser's session stopped, for its sign-in page; an unknown cookie says nothing.
		expect([await sessionOfDisabledUser(db, before.token), await sessionOfDisabledUser(db, 'a'.repeat(32))]).toEqual([true, false]);
		await admin.admin.users.setDisabled({ userId: target.id, disabled: false });
		expect(await validateSessionToken(db, (await createSession(db.orm, target.id)).token)).not.toBeNull();
		expect(await sessionOfDisabledUser(db, before.token)).toBe(false);
		const log = await admin.admin.audit.list({ account: target.accountId });
		expect(log.rows.filter((r) => r.action.startsWith('user.')).map((r) => [r.action, r.before, r.after])).toEqual([
			['user.enabled', { disabled: true }, { disabled: false }],
			['user.disabled', { disabled: false }, { disabled: true }],
			['user.role_changed', { siteRole: 'subscriber' }, { siteRole: 'editor' }]
		]);
		expect(log.rows.filter((r) => r.action.startsWith('user.')).map((r) => [r.words.title, r.words.changes])).toEqual([
			['User enabled', []],
			['User disabled: signed out everywhere, keys refused', []],
			['Site role changed', [{ field: 'Site role', before: { text: 'Member' }, after: { text: 'Editor' } }]]
		]);
		expect(await refused(admin.admin.users.setDisabled({ userId: w.users.siteAdmin.id, disabled: true }))).toMatchObject({ code: 'CONFLICT' });
	});
});

describe('the audit log', () => {
	it('lists who did what to which account, newest first, with before and after, filtered and paged by keyset', async () => {
		const accountId = w.users.otherTeamAdmin.accountId;
		for (let i = 1; i <= 52; i++) await admin.admin.users.adjustBalance({ accountId, mode: 'set', tokens: i * 10, reason: `Step ${i}`, key: `k-${randomUUID()}` });
		const first = await admin.admin.audit.list({ account: accountId, action: 'balance.adjusted' });
		expect(first.rows).toHaveLength(50);
		expect(first.rows[0]).toMatchObject({
			action: 'balance.adjusted',
			actor: { userId: w.users.siteAdmin.id, name: w.users.siteAdmin.name, email: w.users.siteAdmin.email },
			account: { accountId, name: w.users.otherTeamAdmin.name, kind: 'user' },
			ip: '10.9.0.1',
			before: { balance: 510 },
			after: { balance: 520 },
			detail: expect.objectContaining({ reason: 'Step 52', mode: 'set', tokens: 520 })
		});
		const second = await admin.admin.audit.list({ account: accountId, action: 'balance.adjusted', cursor: first.nextCursor });
		expect(second.rows.map((r) => (r.detail as { reason: string }).reason)).toEqual(['Step 2', 'Step 1']);
		expect(second.nextCursor).toBeNull();

		// The same entries found by the account's e-mail, by the actor's name, and by today's date in the site's zone.
		const byEmail = await admin.admin.audit.list({ account: w.users.otherTeamAdmin.email!, action: 'balance.adjusted' });
		expect(byEmail.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
		const byActor = await admin.admin.audit.list({ who: w.users.siteAdmin.name, account: accountId });
		expect(byActor.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
		const today = new Date().toISOString().slice(0, 10);
		expect((await admin.admin.audit.list({ account: accountId, from: today, to: today })).rows).toHaveLength(50);
		expect((await admin.admin.audit.list({ account: accountId, to: '2020-01-01' })).rows).toEqual([]);
		expect(await admin.admin.audit.actions()).toEqual(expect.arrayContaining([{ action: 'balance.adjusted', title: 'Balance adjusted' }]));
		// In words: the change, the reason, the balance before and after as figures.
		expect(first.rows[0]!.words).toEqual({
			title: 'Balance adjusted',
			lines: [
				{ label: 'Change (tokens)', value: { figure: 10, signed: true } },
				{ label: 'Reason', value: { text: 'Step 52' } }
			],
			changes: [{ field: 'General balance (tokens)', before: { figure: 510 }, after: { figure: 520 } }]
		});
		expect(await refused(admin.admin.audit.list({ from: '2026-02-30' }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refused(admin.admin.audit.list({ cursor: 'bm9wZQ' }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		await expectInvariants(db);
	});

	it('names a search box as its page labels it when the text is longer than it takes (Search, Who, Account), and takes the longest it allows', async () => {
		const words = (p: Promise<unknown>) => p.then(() => null, (e: Error) => e.message);
		const long = 'x'.repeat(SEARCH_MAX + 1);
		expect(await words(admin.admin.users.list({ search: long }))).toBe('Search must be text of at most 200 characters.');
		expect(await words(admin.admin.audit.list({ who: long }))).toBe('Who must be text of at most 200 characters.');
		expect(await words(admin.admin.audit.list({ account: long }))).toBe('Account must be text of at most 200 characters.');
		const longest = 'x'.repeat(SEARCH_MAX);
		expect((await admin.admin.audit.list({ who: longest, account: longest })).rows).toEqual([]);
		expect((await admin.admin.users.list({ search: longest })).rows).toEqual([]);
	});

	it('finds by Who what an API key did by its name or its prefix as the By line shows it, and what Quota did by its line', async () => {
		const key = await createSiteKey(db, w.auth.siteAdmin!, { name: `Who key ${w.tag}`, scopes: ['consume'] });
		const accountId = w.users.memberA.accountId;
		const byKey = await db.orm.transaction((tx) => auditedGrant(tx, { accountId, tokens: 7, source: 'bonus', grantKey: `who-key-${w.tag}` }, { keyId: key.id, ip: '10.9.0.7' }));
		const byQuota = await db.orm.transaction((tx) => auditedGrant(tx, { accountId, tokens: 9, source: 'bonus', grantKey: `who-quota-${w.tag}` }, { via: `who test ${w.tag}` }));
		const lots = async (who: string) => (await admin.admin.audit.list({ who, account: accountId, action: 'ledger.grant' })).rows.map((r) => r.targetId);
		expect(await lots(`Who key ${w.tag}`)).toEqual([byKey.lotId]);
		expect(await lots(`who KEY ${w.tag}`.toUpperCase())).toEqual([byKey.lotId]);
		expect(await lots(key.prefix)).toEqual([byKey.lotId]);
		expect(await lots(`${key.prefix}…`)).toEqual([byKey.lotId]);
		expect(await lots(`Quota (who test ${w.tag})`)).toEqual([byQuota.lotId]);
		expect(await lots('Quota')).toContain(byQuota.lotId);
		expect(await lots('Quota')).not.toContain(byKey.lotId);
		expect(await lots(`nobody ${w.tag}`)).toEqual([]);
	});

	it('says what each actor was: a site admin in the console (even on their own account or a team not theirs), a user on their own account or team', async () => {
		const as = (who: 'memberA' | 'siteAdmin') => callerAs(w.auth[who], '10.9.0.3');
		const own = w.users.siteAdmin.accountId;
		await admin.admin.users.adjustBalance({ accountId: own, mode: 'delta', tokens: 5, reason: 'Own test tokens', key: `k-${randomUUID()}` });
		await admin.admin.users.adjustBalance({ accountId: w.users.memberB.accountId, mode: 'delta', tokens: 5, reason: 'Kind of actor', key: `k-${randomUUID()}` });
		await (await as('memberA')).team.rename({ teamId: w.teamA.id, name: `Team A renamed ${w.tag}` });
		await (await as('siteAdmin')).team.rename({ teamId: w.teamB.id, name: `Team B renamed ${w.tag}` });
		await (await as('siteAdmin')).me.updateProfile({ name: `${w.users.siteAdmin.name} (renamed)` });
		/** The actor's kind of the one entry of `action` on `account` (with `reason`, of the adjustments: other tests make some). */
		const kindOf = async (account: string, action: string, reason?: string) => {
			const rows = (await admin.admin.audit.list({ account, action })).rows.filter((r) => !reason || (r.detail as { reason?: string }).reason === reason);
			expect(rows).toHaveLength(1);
			return rows[0]!.actorKind;
		};
		expect(await kindOf(own, 'balance.adjusted', 'Own test tokens')).toBe('in the console');
		expect(await kindOf(w.users.memberB.accountId, 'balance.adjusted', 'Kind of actor')).toBe('in the console');
		expect(await kindOf(w.teamA.accountId, 'team.renamed')).toBe('on their account');
		expect(await kindOf(w.teamB.accountId, 'team.renamed')).toBe('in the console');
		expect(await kindOf(own, 'user.name_changed')).toBe('on their account');
	});

	it('keeps what the actor was when the entry was written: a co-owner who has left the team still renamed it as a user', async () => {
		const [owner, member] = [await createUser(db.orm, { email: `owner-left-${w.tag}@example.com`, name: 'Left owner' }), await createUser(db.orm, { email: `member-left-${w.tag}@example.com`, name: 'Left member' })];
		const team = await createTeam(db.orm, { name: `Left team ${w.tag}`, ownerUserId: owner.id });
		await db.rows(sql`insert into team_members (team_id, user_id, role) values (${team.id}::uuid, ${member.id}::uuid, 'owner')`);
		const session = await createSession(db.orm, member.id);
		const asMember = await callerAs((await validateSessionToken(db, session.token))!.auth, '10.9.0.4');
		await asMember.team.rename({ teamId: team.id, name: `Left team renamed ${w.tag}` });
		await asMember.team.leave({ teamId: team.id });
		const entries = (await admin.admin.audit.list({ account: team.accountId })).rows.map((r) => [r.action, r.actor?.userId, r.actorKind]);
		expect(entries).toEqual([
			['team.member_left', member.id, 'on their account'],
			['team.renamed', member.id, 'on their account'],
			['team.created', owner.id, 'on their account']
		]);
	});

	it('orders entries by when they happened, not by when they were recorded, and pages across equal times without skipping or repeating one', async () => {
		const { accountId } = await makeUser(db);
		// Recorded in this order (ids ascending); `at` as the entries say. The backdated ones come last,
		// as the demo writes its history; three share a time to the microsecond, two differ by one.
		const written = [
			['newest', '2026-03-05T10:00:03.000000Z'],
			['tie a', '2026-03-05T10:00:01.000000Z'],
			['tie b', '2026-03-05T10:00:01.000000Z'],
			['later by a microsecond', '2026-03-05T10:00:01.000001Z'],
			['backdated', '2026-03-01T08:00:00.000000Z'],
			['tie c', '2026-03-05T10:00:01.000000Z'],
			['backdated between', '2026-03-05T10:00:02.000000Z']
		];
		for (const [reason, at] of written)
			await db.rows(sql`insert into audit_log (at, action, account_id, target_type, target_id, detail)
				values (${at}::timestamptz, 'balance.adjusted', ${accountId}::uuid, 'account', ${accountId}, ${JSON.stringify({ reason })}::jsonb)`);
		const newestFirst = ['newest', 'backdated between', 'later by a microsecond', 'tie c', 'tie b', 'tie a', 'backdated'];
		const reason = (r: { detail: unknown }) => (r.detail as { reason: string }).reason;
		for (const pageSize of [1, 2, 3, 50]) {
			const seen: string[] = [];
			for (let cursor: string | null = null; ; ) {
				const page = await listAudit(db.orm, { account: accountId, cursor }, pageSize);
				seen.push(...page.rows.map(reason));
				if (!(cursor = page.nextCursor)) break;
			}
			expect(seen, `pages of ${pageSize}`).toEqual(newestFirst);
		}
		// The page's procedure and the export read the same order.
		expect((await admin.admin.audit.list({ account: accountId })).rows.map(reason)).toEqual(newestFirst);
		const csv = await new Response((await auditCsv(db.orm, { account: accountId }, 2)).body).text();
		expect(csv.split('\r\n').slice(1, -1).map((line) => /""reason"":""([^"]+)""/.exec(line)![1])).toEqual(newestFirst);
		// A cursor of the old shape (the id alone) is refused as one this list did not make, not a fault.
		const idOnly = Buffer.from(JSON.stringify(['id', 5])).toString('base64url');
		expect(await refused(admin.admin.audit.list({ cursor: idOnly }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
	});
});

describe('rates, limits and site settings', () => {
	it('saves each change with an audit entry, and refuses bad input without changing anything', async () => {
		const settings = await admin.admin.settings.update({ lowSharePercent: 30, spendOrder: 'balance-first' });
		expect(settings).toMatchObject({ settings: { lowSharePercent: 30, spendOrder: 'balance-first' } });
		expect([...settings.changed].sort()).toEqual(['lowSharePercent', 'spendOrder']);
		expect(await admin.admin.settings.get()).toMatchObject({ lowSharePercent: 30 });
		const [entry] = await db.orm.select().from(auditLog).where(eq(auditLog.action, 'site.settings_updated'));
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, before: { lowSharePercent: 20 }, after: { lowSharePercent: 30 } });

		// The console's form sends every field: the entry holds the ones it changed, and a save that changes none writes none.
		const now = await admin.admin.settings.get();
		const form = { timeZone: now.timeZone, weekStart: now.weekStart, spendOrder: now.spendOrder, lowSharePercent: now.lowSharePercent, defaultTeamDailyCap: now.defaultTeamDailyCap, defaultMemberDailyCap: now.defaultMemberDailyCap };
		const entries = async () => db.orm.select().from(auditLog).where(eq(auditLog.action, 'site.settings_updated')).orderBy(desc(auditLog.id));
		const before = (await entries()).length;
		expect(await admin.admin.settings.update(form)).toEqual({ settings: expect.objectContaining(form), changed: [] });
		expect(await entries()).toHaveLength(before);
		expect((await admin.admin.settings.update({ ...form, lowSharePercent: 35 })).changed).toEqual(['lowSharePercent']);
		const [latest] = await entries();
		expect(latest).toMatchObject({ detail: { lowSharePercent: 35 }, before: { lowSharePercent: 30 }, after: { lowSharePercent: 35 } });
		for (const held of [latest!.detail, latest!.before, latest!.after]) expect(Object.keys(held as object).filter((k) => k !== 'via')).toEqual(['lowSharePercent']);
		expect(await entries()).toHaveLength(before + 1);
		expect(await refused(admin.admin.settings.update({ timeZone: 'Mars/Olympus' }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		expect(await admin.admin.settings.get()).toMatchObject({ timeZone: 'UTC' });

		await admin.admin.modules.upsert({ key: 'images', name: 'Images', limitMessage: 'Image tokens are used up.' });
		await admin.admin.models.upsert({ key: 'flux-1', name: 'FLUX.1', engine: 'bfl' });
		await admin.admin.features.upsert({ key: 'image_generation', name: 'Image generation', module: 'images', unit: 'operation', tokensPerUnit: 40 });
		expect((await admin.admin.features.list()).find((f) => f.key === 'image_generation')).toMatchObject({ tokensPerUnit: 40, module: 'images', enabled: true });
		expect(await refused(admin.admin.features.upsert({ key: 'image_generation', name: 'Free?', module: 'images', unit: 'operation', tokensPerUnit: 0 }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect((await db.orm.select().from(features).where(eq(features.key, 'image_generation')))[0]).toMatchObject({ name: 'Image generation', tokensPerUnit: '40.0000' });
		// "New feature" (and Add of a module or model) with a key that is taken: refused under the key, nothing saved over it.
		const taken = admin.admin.features.upsert({ create: true, key: 'image_generation', name: 'X', module: 'images', unit: 'operation', tokensPerUnit: 2 });
		await expect(taken).rejects.toMatchObject({ message: 'The key “image_generation” is already the feature “Image generation”: choose another key, or edit that feature in the list.', cause: { code: 'conflict', details: { fieldErrors: { key: [expect.any(String)] } } } });
		await expect(admin.admin.modules.upsert({ create: true, key: 'images', name: 'X', limitMessage: 'X' })).rejects.toMatchObject({ cause: { code: 'conflict' } });
		await expect(admin.admin.models.upsert({ create: true, key: 'flux-1', name: 'X', engine: 'x' })).rejects.toMatchObject({ cause: { code: 'conflict' } });
		expect((await db.orm.select().from(features).where(eq(features.key, 'image_generation')))[0]).toMatchObject({ name: 'Image generation', tokensPerUnit: '40.0000' });
		expect((await admin.admin.modules.list()).find((m) => m.key === 'images')).toMatchObject({ name: 'Images' });
		// An edit (create: false) of a key that is not there makes nothing: the feature may have been removed meanwhile.
		const gone = admin.admin.features.upsert({ create: false, key: 'no_such_feature', name: 'X', module: 'images', unit: 'operation', tokensPerUnit: 2 });
		await expect(gone).rejects.toMatchObject({ message: 'There is no feature “no_such_feature” to change: it may have been removed; add it as a new one.', cause: { code: 'not_found' } });
		await expect(admin.admin.modules.upsert({ create: false, key: 'no-such-module', name: 'X', limitMessage: 'X' })).rejects.toMatchObject({ cause: { code: 'not_found' } });
		expect((await admin.admin.features.list()).find((f) => f.key === 'no_such_feature')).toBeUndefined();
		// A name another module or model has, in any letter case: refused under the name, nothing saved (Limits and
		// every picker list them by name: newcomer walk 5 made three "Chatbot" cards). Its own name again is none.
		const namesake = admin.admin.modules.upsert({ create: true, key: 'images-2', name: 'IMAGES', limitMessage: 'X' });
		await expect(namesake).rejects.toMatchObject({
			message: 'Another module is already called “Images” (key “images”): give this one another name, as pages list modules by name.',
			cause: { code: 'conflict', details: { fieldErrors: { name: [expect.any(String)] } } }
		});
		await expect(admin.admin.models.upsert({ create: true, key: 'flux-2', name: 'flux.1', engine: 'bfl' })).rejects.toMatchObject({ cause: { code: 'conflict' } });
		expect((await admin.admin.modules.list()).map((m) => m.key)).not.toContain('images-2');
		expect((await admin.admin.models.list()).map((m) => m.key)).not.toContain('flux-2');
		await expect(admin.admin.modules.upsert({ create: false, key: 'images', name: 'Images', limitMessage: 'Image tokens are used up.' })).resolves.toMatchObject({ changed: false });

		await admin.admin.allowances.set({ module: 'images', audience: 'guest', limitTokens: 0, period: 'daily' });
		expect((await admin.admin.allowances.list()).filter((r) => r.module === 'images')).toEqual([expect.objectContaining({ audience: 'guest', limitTokens: 0, period: 'daily' })]);
		expect(await refused(admin.admin.allowances.set({ module: 'images', audience: 'role', limitTokens: 10, period: 'daily' }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		await admin.admin.caps.set({ accountId: w.teamA.accountId, period: 'daily', limitTokens: 5000 });

		const actions = (await db.orm.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.actorUserId, w.users.siteAdmin.id))).map((r) => r.action);
		expect(actions).toEqual(expect.arrayContaining(['rates.module_saved', 'rates.model_saved', 'rates.feature_saved', 'allowance.set', 'cap.set']));
		expect(actions.filter((a) => a === 'rates.feature_saved')).toHaveLength(1);
		expect(actions.filter((a) => a === 'allowance.set')).toHaveLength(1);
	});
});
