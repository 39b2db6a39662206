// npm run bench:consume — the metering API against a plain conditional debit, on the same Postgres, in one run.
// (a) 10,000 accounts, (b) one hot account; 16 connections; BENCH_SECONDS (default 20) each.
import postgres from 'postgres';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../src/lib/server/db/client';
import { ensureSiteKey } from '../src/lib/server/accounts';
import { reconcile, upsertFeature, upsertModule } from '../src/lib/server/ledger';
import { httpBench, printHttp } from './http';
import { ledgerBench, printLedger } from './ledger';
import { ensureBuild, fmt, mark, row } from './shared';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = 16;
const ACCOUNTS = 10_000;
const SITE_KEY = 'qk_bench_site_key_0000000000000000000000';
const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error('bench:consume needs TEST_DATABASE_URL (bench/with-postgres.sh sets one up)');

const work = mkdtempSync(join(tmpdir(), 'quota-bench-'));
const dbName = `quota_bench_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const dbUrl = url.toString();

console.log(`Setting up ${ACCOUNTS.toLocaleString('en')} accounts on ${dbName}…`);
const db = openPostgres(dbUrl, { max: 4 });
await db.migrate();
await upsertModule(db.orm, { key: 'bench', name: 'Bench', limitMessage: 'Bench limit reached.', onExhausted: 'message' });
await upsertFeature(db.orm, { key: 'bench_op', name: 'Bench operation', module: 'bench', unit: 'operation', tokensPerUnit: 1 });
await db.rows(sql`
	with a as (insert into accounts (kind, name) select 'user', 'Bench ' || n from generate_series(1, ${ACCOUNTS + 1}) n returning id, name)
	insert into users (account_id, name, external_id) select id, name, 'bench-' || split_part(name, ' ', 2) from a`);
await db.rows(sql`select quota_grant(account_id, case when external_id = ${'bench-' + (ACCOUNTS + 1)} then 1000000000 else 1000000 end,
	'purchase', null, 0, null, false, null, 'bench', null, null) from users`);
await db.rows(sql`create table bench_ids (n int primary key, account_id uuid not null, user_id uuid not null)`);
await db.rows(sql`insert into bench_ids select split_part(external_id, '-', 2)::int, account_id, id from users`);
await db.rows(sql`create table bench_raw_accounts (id int primary key, balance bigint not null check (balance >= 0))`);
await db.rows(sql`insert into bench_raw_accounts select n, 1000000000 from generate_series(1, ${ACCOUNTS + 1}) n`);
await db.rows(sql`create table bench_raw_ledger (id bigserial primary key, account_id int not null, amount bigint not null, balance_after bigint not null, at timestamptz not null default now())`);
await ensureSiteKey(db, { name: 'bench', value: SITE_KEY });
const ids = await db.rows<{ n: number; user_id: string }>(sql`select n, user_id from bench_ids order by n`);
const spreadUsers = join(work, 'spread.json');
const hotUsers = join(work, 'hot.json');
writeFileSync(spreadUsers, JSON.stringify(ids.filter((r) => r.n <= ACCOUNTS).map((r) => r.user_id)));
writeFileSync(hotUsers, JSON.stringify([ids.find((r) => r.n === ACCOUNTS + 1)!.user_id]));

ensureBuild();
console.log(`Measuring HTTP: ${CONNECTIONS} connections, ${SECONDS} s per run, one then two app processes, then one profiled run…`);
const http = await httpBench({ dbUrl, siteKey: SITE_KEY, spreadUsers, hotUsers, connections: CONNECTIONS, seconds: SECONDS, work });
const results = { apiSpread: http.one.consumeSpread, apiHot: http.one.consumeHot };
const ledger = await ledgerBench({ dbUrl, work, connections: CONNECTIONS, seconds: SECONDS, accounts: ACCOUNTS }, db);

console.log('\nResults (same Postgres, same run):');
console.log(row('(a) API POST /api/v1/consume, 10,000 accounts', results.apiSpread));
console.log(row('(b) API POST /api/v1/consume, one hot account', results.apiHot));
// The first wave's targets (API against the plain debit), kept beside issue 16's so a change shows on both.
const apiRaw = [results.apiSpread.rps / ledger.plain.spread.rps, results.apiHot.rps / ledger.plain.hot.rps];
const apiRawOk = apiRaw.every((r) => r >= 0.5) && Math.max(results.apiSpread.p99, results.apiHot.p99) <= 25;
console.log(`\n${mark(apiRawOk)} API ÷ plain debit: (a) ${fmt(apiRaw[0]!, 2)}  (b) ${fmt(apiRaw[1]!, 2)}, p99 ${fmt(results.apiSpread.p99, 1)} / ${fmt(results.apiHot.p99, 1)} ms   (targets ≥ 0.5, p99 ≤ 25 ms)`);
const ledgerOk = printLedger(ledger, CONNECTIONS);
const httpOk = printHttp(http, CONNECTIONS);

const report = await reconcile(db.orm);
console.log(`\nReconcile after the run: ${report.ok ? 'clean' : `${report.breaches.length} breach(es)`} (${report.checked.operations.toLocaleString('en')} operations checked)`);
await db.close();
await admin.unsafe(`drop database if exists ${dbName} with (force)`);
await admin.end();
rmSync(work, { recursive: true, force: true });
process.exit(report.ok && ledgerOk && httpOk && apiRawOk ? 0 : 1);
