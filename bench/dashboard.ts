// npm run bench:dashboard — reads at scale on PostgreSQL: a site with BENCH_USERS users (default
// 100,000), a large account with BENCH_OPERATIONS consumes (default 1,000,000) and a small one with
// 1,000, spread over the last 180 days. Each read is the real tRPC procedure (createCaller: input
// schema, account resolution, the queries), BENCH_REPEATS times (default 30) after a warm-up:
// p50 and p99, the large ÷ small ratio, the targets with ok/MISS, and the EXPLAIN ANALYZE plan of
// every query behind them (auto_explain, nested statements included). Then the figures summary's
// refresh (the `ledger.figures` job) and the users and operations exports' rows/s.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openPostgres, type Db } from '../src/lib/server/db/client';
import { setDb } from '../src/lib/server/db';
import { readOne } from '../src/lib/server/db/reads';
import { createUser, promoteToSiteAdmin, type Auth } from '../src/lib/server/accounts';
import { balances, freeUsePerDayRead, hourlyBaseline, lotUsePerDayRead, reconcile, refreshAccountFigures, rolloverLines, rollups, upsertFeature, upsertModule } from '../src/lib/server/ledger';
import { accountPurchases } from '../src/lib/server/store';
import { FORECAST_DAYS } from '../src/lib/days';
import { operationsCsv, usersCsv, type CsvExport } from '../src/lib/server/admin';
import { appRouter } from '../src/lib/server/trpc/router';
import { createContext } from '../src/lib/server/trpc/init';
import { freshPostgresDatabase } from '../tests/e2e/server';
import { heldNowSql, lotsNowSql, movedBy, OTHER_MOVEMENTS } from '../src/lib/server/ledger/movements';
import { fmt, mark, percentile } from './shared';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const OPERATIONS = Number(process.env.BENCH_OPERATIONS ?? 1_000_000);
const SMALL_OPERATIONS = 1_000;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 30);
const AUDIT_ROWS = Number(process.env.BENCH_AUDIT ?? 200_000);
const DAYS = 180;
const FEATURES = ['bench_chat', 'bench_text', 'bench_images'];
const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) throw new Error('bench:dashboard needs TEST_DATABASE_URL (bench/with-postgres.sh sets one up)');

const database = await freshPostgresDatabase(serverUrl, 'quota_bench_reads');
const seconds = (from: number) => `${fmt((performance.now() - from) / 1000, 1)} s`;
/** The machine's load average (1, 5, 15 minutes): the timings below mean little on a busy machine. */
const load = () => `load average ${loadavg().map((n) => fmt(n, 2)).join(', ')}`;

/** When the `n`th of `count` consumes happens: evenly over the last DAYS days, the last one now. */
const atOf = (count: number) => sql`now() - make_interval(secs => ${DAYS * 86_400}::float8 * (1 - n::float8 / ${count}::float8))`;
const featureOf = sql.raw(`(array[${FEATURES.map((f) => `'${f}'`).join(',')}])[1 + n % ${FEATURES.length}]`);

/**
 * `count` consumes through quota_spend, 1,000 a statement (each its own transaction: one
 * transaction updating a lot thousands of times walks the row's chain of versions on every update).
 */
async function consumes(db: Db, user: { id: string; accountId: string }, count: number) {
	for (let from = 0; from < count; from += 1_000) {
		await db.rows(sql`
			select quota_spend(p_mode => 'consume', p_account => ${user.accountId}::uuid, p_actor_user => ${user.id}::uuid,
				p_feature => ${featureOf}, p_units => 1 + n % 7, p_scope => 'bench', p_key => ${user.id} || '-' || n, p_hash => 'h',
				p_notify => false, p_now => ${atOf(count)})
			from generate_series(${from + 1}::int, ${Math.min(count, from + 1_000)}::int) n order by n`);
	}
}

/**
 * `count` consumes written set-based, as quota_spend writes them (the operation with the answer of
 * a real consume of `template`'s account, its entry on the lot, the day's usage, the lot's
 * remaining): quota_spend manages a few hundred a second on this machine, so a million would take
 * the best part of an hour. `reconcile` checks the result afterwards.
 */
async function bulkConsumes(db: Db, user: { id: string; accountId: string }, count: number, template: string) {
	await db.rows(sql`
		with g as (
			select n, ${atOf(count)} as at, ${featureOf} as feature, 1 + n % 7 as units, 3 * (1 + n % 7) as cost
			  from generate_series(1, ${count}::int) n),
		lot as (select id, remaining from lots where account_id = ${user.accountId}::uuid),
		answer as (select response from operations where account_id = ${template}::uuid and kind = 'consume' and status = 'ok' limit 1),
		spent as (select g.*, lot.id as lot_id, lot.remaining - sum(g.cost) over (order by g.n) as after from g, lot),
		ops as (
			insert into operations (id, account_id, kind, status, feature, units, cost, actor_user_id, idem_scope, idem_key, request_hash, response, balance_after, created_at)
			select md5(${user.id} || n)::uuid, ${user.accountId}::uuid, 'consume', 'ok', feature, units, cost, ${user.id}::uuid, 'bench',
			       ${user.id} || '-' || n, 'h', (select response from answer), after, at
			  from spent returning id),
		ent as (
			insert into entries (operation_id, account_id, lot_id, kind, amount, balance_after, created_at)
			select md5(${user.id} || n)::uuid, ${user.accountId}::uuid, lot_id, 'consume', -cost, after, at from spent),
		used as (
			insert into usage_daily (account_id, day, feature, model, actor_user_id, tokens, operations)
			select ${user.accountId}::uuid, (at at time zone s.time_zone)::date, feature, '', ${user.id}, sum(cost), count(*)
			  from spent, site_settings s where s.id = 1 group by 2, 3
			on conflict (account_id, day, feature, model, actor_user_id)
			do update set tokens = usage_daily.tokens + excluded.tokens, operations = usage_daily.operations + excluded.operations)
		update lots set remaining = remaining - (select sum(cost) from g) where account_id = ${user.accountId}::uuid`);
}

async function setUp(db: Db) {
	await db.migrate();
	await upsertModule(db.orm, { key: 'bench', name: 'Bench', limitMessage: 'Bench limit reached.', onExhausted: 'message' });
	for (const key of FEATURES) await upsertFeature(db.orm, { key, name: key.replace('bench_', 'Bench '), module: 'bench', unit: 'operation', tokensPerUnit: 3 });

	let t = performance.now();
	await db.rows(sql`
		with a as (insert into accounts (kind, name) select 'user', 'Bench ' || n from generate_series(1, ${USERS}::int) n returning id, name)
		insert into users (account_id, name, email, created_at)
		select id, name, lower(replace(name, ' ', '-')) || '@bench.test', now() - make_interval(days => (hashtext(name) & 1023) % 365) from a`);
	await db.rows(sql`select quota_grant(p_account => account_id, p_tokens => 1000, p_source => 'purchase', p_note => 'bench') from users`);
	console.log(`${fmt(USERS)} users with a lot each: ${seconds(t)}`);

	const make = async (name: string) => {
		const u = await createUser(db.orm, { email: `${name}@bench.test`, name: `Bench ${name}`, password: 'correct-horse-battery-9' });
		// Bought before the first consume, so the statement reads in order.
		await db.rows(sql`select quota_grant(p_account => ${u.accountId}::uuid, p_tokens => 1000000000000, p_source => 'purchase', p_note => 'bench',
			p_now => now() - make_interval(days => ${DAYS + 1}))`);
		const auth: Auth = { sessionId: 'bench', user: { id: u.id, accountId: u.accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
		return { ...u, auth };
	};
	const large = await make('large');
	const small = await make('small');
	const admin = await make('admin');
	await promoteToSiteAdmin(db, admin.email!);
	admin.auth.user.siteRole = 'admin';

	t = performance.now();
	await consumes(db, small, SMALL_OPERATIONS);
	console.log(`${fmt(SMALL_OPERATIONS)} consumes through quota_spend: ${seconds(t)}`);
	t = performance.now();
	await bulkConsumes(db, large, OPERATIONS, small.accountId);
	console.log(`${fmt(OPERATIONS)} consumes written set-based: ${seconds(t)}`);

	t = performance.now();
	await db.rows(sql`
		insert into audit_log (at, actor_user_id, action, target_type, target_id, account_id, before, after)
		select now() - make_interval(secs => g * ${(DAYS * 86_400) / AUDIT_ROWS}::float8), ${admin.id}::uuid,
		       (array['balance.adjusted', 'user.role_changed', 'bonus.granted'])[1 + g % 3], 'account', u.account_id::text, u.account_id,
		       jsonb_build_object('balance', g), jsonb_build_object('balance', g + 10)
		  from generate_series(1, ${AUDIT_ROWS}::int) g
		  join (select account_id, row_number() over (order by account_id) as n from users) u on u.n = 1 + g % ${USERS}::int`);
	console.log(`${fmt(AUDIT_ROWS)} audit entries: ${seconds(t)}`);
	t = performance.now();
	await refreshAccountFigures(db.orm, { full: true });
	console.log(`the users list's figures summary, every account (the job's first run): ${seconds(t)}`);
	await db.rows(sql`vacuum analyze`);
	t = performance.now();
	const report = await reconcile(db.orm);
	if (!report.ok) throw new Error(`the generated ledger breaks invariants: ${JSON.stringify(report.breaches.slice(0, 5))}`);
	console.log(`reconcile: clean (${fmt(report.checked.operations)} operations, ${seconds(t)})`);
	return { large, small, admin };
}

/**
 * The history cursor of the row half-way down an account's history, as the app's "Load more" reaches
 * it (ledger/history.ts's format): with the balance after that row, so the page walks back from it,
 * not from now. The balance is worked out here once, with the statement's own movements.
 */
async function deepCursor(db: Db, accountId: string, count: number): Promise<string> {
	const [row] = await db.rows<{ at: string; id: string }>(sql`
		select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, id from operations
		 where account_id = ${accountId}::uuid and status = 'ok' and kind in ('consume', 'settle')
		 order by created_at desc, id desc offset ${Math.floor(count / 2)} limit 1`);
	const [{ balance }] = (await db.rows<{ balance: string }>(sql`
		select (${lotsNowSql(accountId)} + ${heldNowSql(accountId)}) - coalesce(sum(moved.delta), 0) as balance
		  from (select o.id, o.kind, o.hold_id, o.metadata from operations o
		         where o.account_id = ${accountId}::uuid and o.status = 'ok' and (o.kind in ('consume', 'settle') or o.kind in ${OTHER_MOVEMENTS})
		           and (o.created_at, o.id) > (${row!.at}::timestamptz, ${row!.id}::uuid)) p ${movedBy}`)) as [{ balance: string }];
	return Buffer.from(`${row!.at}|${row!.id}|${Number(balance)}`, 'utf8').toString('base64url');
}

interface Timing { p50: number; p99: number }

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
	for (let i = 0; i < 3; i++) await fn();
	const ms: number[] = [];
	for (let i = 0; i < REPEATS; i++) {
		const t = performance.now();
		await fn();
		ms.push(performance.now() - t);
	}
	ms.sort((a, b) => a - b);
	return { p50: percentile(ms, 0.5), p99: percentile(ms, 0.99) };
}

/**
 * Two reads timed turn about (large, small, large, …) after warming both, so neither pays for
 * running first: timed one after the other, the large account's dashboard, measured first of all,
 * came out 1.8× the small one although each of its parts timed alike.
 */
async function timedPair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Timing, Timing]> {
	for (let i = 0; i < 3; i++) {
		await a();
		await b();
	}
	const ms: [number[], number[]] = [[], []];
	for (let i = 0; i < REPEATS; i++) {
		for (const [k, fn] of [a, b].entries()) {
			const t = performance.now();
			await fn();
			ms[k]!.push(performance.now() - t);
		}
	}
	const timing = (xs: number[]) => (xs.sort((x, y) => x - y), { p50: percentile(xs, 0.5), p99: percentile(xs, 0.99) });
	return [timing(ms[0]), timing(ms[1])];
}

/**
 * The console's exports a site owner downloads whole, each read to its end: every user, and the last
 * EXPORT_DAYS days of operations (the large account's among them: each account's statement balance
 * before its first row is worked out once, from its balance now).
 */
const EXPORT_DAYS = 30;
const exports = (): Record<string, () => Promise<CsvExport>> => {
	const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
	return {
		'users export': () => usersCsv(db.orm),
		[`operations export, ${EXPORT_DAYS} days`]: () => operationsCsv(db.orm, { from: day(EXPORT_DAYS - 1), to: day(0) })
	};
};

const callerOf = async (auth: Auth) => appRouter.createCaller(await createContext({ locals: { auth, guestId: null }, getClientAddress: () => '127.0.0.1' }));
type Caller = Awaited<ReturnType<typeof callerOf>>;

/** The member reads, per account: name → call. */
const memberReads = (deep: string): Record<string, (c: Caller) => Promise<unknown>> => ({
	'dashboard first answer (ledger.dashboard)': (c) => c.ledger.dashboard({}),
	'usage history, first page (ledger.history)': (c) => c.ledger.history({ limit: 50 }),
	'usage history, deep page (half-way, keyset)': (c) => c.ledger.history({ limit: 50, cursor: deep }),
	'report, 90 days by feature (ledger.rollups)': (c) => c.ledger.rollups({ period: 'daily', windows: 90, by: 'feature' }),
	'report, 90 days by member (ledger.rollups)': (c) => c.ledger.rollups({ period: 'daily', windows: 90, by: 'member' }),
	'statement, first page (ledger.statement)': (c) => c.ledger.statement({})
});

const adminReads = (large: string): Record<string, (c: Caller) => Promise<unknown>> => ({
	'users list, first page by name': (c) => c.admin.users.list({}),
	'users list, by balance (desc)': (c) => c.admin.users.list({ sort: 'balance', dir: 'desc' }),
	'users list, by balance (asc)': (c) => c.admin.users.list({ sort: 'balance', dir: 'asc' }),
	'users list, by used this period (desc)': (c) => c.admin.users.list({ sort: 'used', dir: 'desc' }),
	'users list, by last active (desc)': (c) => c.admin.users.list({ sort: 'lastActive', dir: 'desc' }),
	'users list, by joined (desc)': (c) => c.admin.users.list({ sort: 'joined', dir: 'desc' }),
	'users list, search by e-mail': (c) => c.admin.users.list({ search: `bench-${Math.ceil(USERS * 0.77)}@bench.test` }),
	'users list, search by e-mail, by balance': (c) => c.admin.users.list({ search: `bench-${Math.ceil(USERS * 0.77)}@bench.test`, sort: 'balance', dir: 'desc' }),
	"a user's detail (the large account)": (c) => c.admin.users.get({ accountId: large }),
	"a user's detail: statement, first page": (c) => c.ledger.statement({ accountId: large }),
	"a user's detail: usage history, first page": (c) => c.ledger.history({ accountId: large, limit: 50 }),
	"a user's detail: summary (balances)": (c) => c.ledger.summary({ accountId: large }),
	'audit log, first page': (c) => c.admin.audit.list({}),
	'audit log, one account': (c) => c.admin.audit.list({ account: `bench-${Math.ceil(USERS * 0.42)}@bench.test` })
});

/**
 * The plans of every statement `call` runs, as auto_explain logs them into the server's log
 * (the throwaway cluster's `server.log` in its data directory; the app's client drops notices).
 */
async function plansOf(logFile: string, call: () => Promise<unknown>): Promise<string[]> {
	const before = statSync(logFile).size;
	await call();
	await new Promise((r) => setTimeout(r, 200)); // the log is written by the backend, a moment later
	const added = readFileSync(logFile).subarray(before).toString('utf8');
	return added
		.split(/^(?=\S.*LOG: {2}duration: )/m)
		.filter((block) => /LOG: {2}duration: /.test(block))
		.map((block) => block.replace(/^\S.*LOG: {2}/, '').trimEnd());
}

const db = openPostgres(database.url, { max: 4 });

/**
 * Prints the plan of every statement behind each read, large account and admin: a second pool whose
 * sessions load auto_explain, which logs each plan (with ANALYZE, nested statements included).
 */
async function printPlans(w: Awaited<ReturnType<typeof setUp>>, admin: ReturnType<typeof adminReads>) {
	const name = new URL(database.url).pathname.slice(1);
	const [row] = await db.rows<{ dir: string }>(sql`select current_setting('data_directory') as dir`);
	const logFile = join(row!.dir, 'server.log');
	if (!existsSync(logFile)) {
		console.log(`\nNo plans: they are read from the server's log, and ${logFile} is not on this machine (run without TEST_DATABASE_URL).`);
		return;
	}
	await db.rows(sql.raw(`alter database ${name} set session_preload_libraries = 'auto_explain'`));
	const settings = { log_min_duration: '0', log_level: 'log', log_analyze: 'on', log_nested_statements: 'on', log_timing: 'on', log_buffers: 'off' };
	for (const [k, v] of Object.entries(settings)) await db.rows(sql.raw(`alter database ${name} set auto_explain.${k} = '${v}'`));
	const explained = openPostgres(database.url, { max: 1 });
	setDb(explained);
	try {
		console.log('\nPlans (EXPLAIN ANALYZE by auto_explain) of the queries behind each read, large account and admin:');
		const member = await callerOf(w.large.auth);
		const adminCaller = await callerOf(w.admin.auth);
		const reads = { ...memberReads(await deepCursor(db, w.large.accountId, OPERATIONS)), ...admin };
		for (const [read, call] of Object.entries(reads)) {
			const plans = await plansOf(logFile, () => call(read in admin ? adminCaller : member));
			console.log(`\n── ${read}: ${plans.length} statement(s)`);
			for (const p of plans) console.log(p.split('\n').map((l) => `   ${l}`).join('\n'));
		}
	} finally {
		await explained.close();
		setDb(db);
	}
}

let exitCode = 0;
try {
	console.log(`Setting up ${fmt(USERS)} users, ${fmt(OPERATIONS)} and ${fmt(SMALL_OPERATIONS)} operations, ${fmt(AUDIT_ROWS)} audit entries…`);
	const w = await setUp(db);
	setDb(db);
	const verdicts: boolean[] = [];
	const target = (text: string, ok: boolean) => {
		verdicts.push(ok);
		console.log(`  ${mark(ok)}${text}`);
	};

	console.log(`\nMember reads (${REPEATS} runs each; ms; ${load()}): large (${fmt(OPERATIONS)} operations) and small (${fmt(SMALL_OPERATIONS)})`);
	const bigCaller = await callerOf(w.large.auth);
	const smallCaller = await callerOf(w.small.auth);
	const bigReads = memberReads(await deepCursor(db, w.large.accountId, OPERATIONS));
	const smallReads = memberReads(await deepCursor(db, w.small.accountId, SMALL_OPERATIONS));
	for (const name of Object.keys(bigReads)) {
		const [big, little] = await timedPair(() => bigReads[name]!(bigCaller), () => smallReads[name]!(smallCaller));
		const ratio = big.p50 / little.p50;
		console.log(`${name.padEnd(48)} large p50 ${fmt(big.p50, 1).padStart(6)} p99 ${fmt(big.p99, 1).padStart(6)} · small p50 ${fmt(little.p50, 1).padStart(6)} p99 ${fmt(little.p99, 1).padStart(6)} · ratio ${fmt(ratio, 2)}`);
		target(`${name}: large ÷ small ${fmt(ratio, 2)} (≤ 1.5) and large p50 ${fmt(big.p50, 1)} ms (≤ 10 ms)`, ratio <= 1.5 && big.p50 <= 10);
	}

	// What the dashboard's first answer is made of (trpc/routers/ledger.ts), part by part.
	console.log(`\nThe dashboard's first answer (one statement after the account's resolution), each part alone (p50 ms): large · small · ratio`);
	const parts: Record<string, (accountId: string) => Promise<unknown>> = {
		'summary (balances)': (id) => balances(db.orm, id),
		[`daily use by feature, ${FORECAST_DAYS} days`]: (id) => rollups(db.orm, id, { period: 'daily', windows: FORECAST_DAYS, by: 'feature' }),
		// Each account's own member (the open checkout shown is the viewer's).
		purchases: (id) => accountPurchases(db.orm, id, id === w.large.accountId ? w.large.id : w.small.id),
		'rolled-over lines': (id) => rolloverLines(db.orm, id),
		'pace baseline (24 hours)': (id) => hourlyBaseline(db.orm, [id]),
		"what a usual day's allowances paid": (id) => readOne(db.orm, freeUsePerDayRead(id)),
		'what the balance paid a day of late': (id) => readOne(db.orm, lotUsePerDayRead(id))
	};
	for (const [name, part] of Object.entries(parts)) {
		const [big, little] = await timedPair(() => part(w.large.accountId), () => part(w.small.accountId));
		console.log(`  ${name.padEnd(46)} ${fmt(big.p50, 1).padStart(6)} · ${fmt(little.p50, 1).padStart(6)} · ${fmt(big.p50 / little.p50, 2)}`);
	}

	console.log(`\nAdmin reads on ${fmt(USERS)} users and ${fmt(AUDIT_ROWS)} audit entries (${REPEATS} runs each; ms; ${load()})`);
	const adminCaller = await callerOf(w.admin.auth);
	for (const [name, call] of Object.entries(adminReads(w.large.accountId))) {
		const t = await timed(() => call(adminCaller));
		console.log(`${name.padEnd(48)} p50 ${fmt(t.p50, 1).padStart(6)} p99 ${fmt(t.p99, 1).padStart(6)}`);
		target(`${name}: p50 ${fmt(t.p50, 1)} ms (≤ 50 ms)`, t.p50 <= 50);
	}

	// The `ledger.figures` job's run after a minute with 100 consumes on as many accounts (quota_spend).
	await db.rows(sql`
		select quota_spend(p_mode => 'consume', p_account => u.account_id, p_actor_user => u.id, p_feature => ${FEATURES[0]}, p_units => 1,
			p_scope => 'bench', p_key => 'refresh-' || u.id, p_hash => 'h', p_notify => false)
		  from (select account_id, id from users order by account_id limit 100) u`);
	const refreshed = performance.now();
	const run = await refreshAccountFigures(db.orm);
	console.log(`\nfigures refresh (ledger.figures) after 100 consumes: ${fmt(performance.now() - refreshed, 1)} ms, ${fmt(run.changed)} accounts changed`);

	for (const [name, make] of Object.entries(exports())) {
		const started = performance.now();
		let lines = 0;
		const reader = (await make()).body.getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			for (const b of value) if (b === 10) lines++;
		}
		const rowsPerSecond = (lines - 1) / ((performance.now() - started) / 1000);
		console.log(`\n${name}: ${fmt(lines - 1)} rows in ${seconds(started)}`);
		target(`${name} ${fmt(rowsPerSecond)} rows/s (≥ 20,000)`, rowsPerSecond >= 20_000);
	}

	await printPlans(w, adminReads(w.large.accountId));
	console.log(`\n${verdicts.filter(Boolean).length} of ${verdicts.length} targets met.`);
	exitCode = verdicts.every(Boolean) ? 0 : 1;
} finally {
	await db.close();
	await database.drop();
}
process.exit(exitCode);
