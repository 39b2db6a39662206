// npm run bench:export — the admin's streamed users export (admin/exports.ts) on PostgreSQL: BENCH_USERS
// users (default 100,000), each with a lot, read a keyset page at a time and written as CSV.
// Prints rows per second and the plan of one page (an index scan on users.account_id, no sort).
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../src/lib/server/db/client';
import { usersCsv } from '../src/lib/server/admin';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl) throw new Error('bench:export needs TEST_DATABASE_URL (bench/with-postgres.sh sets one up)');

const dbName = `quota_bench_export_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
const db = openPostgres(url.toString(), { max: 4 });
try {
	await db.migrate();
	console.log(`Setting up ${USERS.toLocaleString('en')} users with a lot each…`);
	await db.rows(sql`
		with a as (insert into accounts (kind, name) select 'user', 'Bench ' || n from generate_series(1, ${USERS}) n returning id, name)
		insert into users (account_id, name, email) select id, name, lower(replace(name, ' ', '-')) || '@bench.test' from a`);
	await db.rows(sql`select quota_grant(p_account => account_id, p_tokens => 1000, p_source => 'purchase', p_note => 'bench') from users`);
	await db.rows(sql`analyze`);

	const started = performance.now();
	let bytes = 0;
	let lines = 0;
	const reader = usersCsv(db.orm).body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		bytes += value.byteLength;
		for (const b of value) if (b === 10) lines++;
	}
	const seconds = (performance.now() - started) / 1000;
	const rows = lines - 1; // the header
	if (rows !== USERS) throw new Error(`exported ${rows} rows for ${USERS} users`);
	console.log(`users export: ${rows.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds).toLocaleString('en')} rows/s`);
	const [mid] = await db.rows<{ account_id: string }>(sql`select account_id from users order by account_id offset ${Math.floor(USERS / 2)} limit 1`);
	const plan = await db.rows<{ 'QUERY PLAN': string }>(sql`explain select u.account_id from users u where u.account_id > ${mid!.account_id}::uuid order by u.account_id limit 1000`);
	console.log(`one page's plan:\n${plan.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
} finally {
	await db.close();
	await admin.unsafe(`drop database if exists ${dbName} with (force)`);
	await admin.end();
}
