// probe (not committed): WAL records per batched consume, by resource manager and relation.
import postgres from 'postgres';
import { execFileSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../src/lib/server/db/client';
import { consume, upsertFeature, upsertModule } from '../src/lib/server/ledger';

const adminUrl = process.env.TEST_DATABASE_URL!;
const dbName = `walprobe_${Date.now()}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${dbName}`);
const url = new URL(adminUrl); url.pathname = `/${dbName}`;
const db = openPostgres(url.toString(), { max: 10 });
await db.migrate();
await upsertModule(db.orm, { key: 'bench', name: 'Bench', limitMessage: 'Bench limit reached.', onExhausted: 'message' });
await upsertFeature(db.orm, { key: 'bench_op', name: 'Bench operation', module: 'bench', unit: 'operation', tokensPerUnit: 1 });
const N = Number(process.env.ACCOUNTS ?? 10000);
await db.rows(sql`with a as (insert into accounts (kind, name) select 'user', 'Bench ' || n from generate_series(1, ${N}) n returning id, name)
	insert into users (account_id, name, external_id) select id, name, 'bench-' || split_part(name, ' ', 2) from a`);
await db.rows(sql`select quota_grant(account_id, 1000000, 'purchase', null, 0, null, false, null, 'bench', null, null) from users`);
const ids = (await db.rows<{ account_id: string }>(sql`select account_id from users`)).map((r) => r.account_id);
await admin.unsafe('checkpoint');
const rel = await db.rows<{ oid: number; relfilenode: number; relname: string }>(sql`select c.oid, c.relfilenode, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`);
// warm: one round so first-touch effects settle
const round = async (tag: string, count: number) => {
	let k = 0;
	await Promise.all(Array.from({ length: 16 }, async (_, c) => {
		for (let i = 0; i < count / 16; i++) {
			await consume(db.orm, { accountId: ids[Math.floor(Math.random() * ids.length)]!, feature: 'bench_op', units: 1, actor: {}, idempotency: { scope: 'probe', key: `${tag}-${c}-${k++}` } });
		}
	}));
};
await round('warm', 3200);
const [{ lsn: a }] = await admin.unsafe(`select pg_current_wal_insert_lsn()::text as lsn`) as any;
const OPS = 1600;
await round('m', OPS);
const [{ lsn: b }] = await admin.unsafe(`select pg_current_wal_insert_lsn()::text as lsn`) as any;
console.log('lsn', a, b, 'ops', OPS);
const pgdata = process.env.PGDATA_DIR!;
const names = new Map(rel.map((r) => [String(r.relfilenode), r.relname]));
const out = execFileSync('/usr/lib/postgresql/15/bin/pg_waldump', ['-p', `${pgdata}/pg_wal`, '-s', a, '-e', b], { encoding: 'utf8', maxBuffer: 1 << 30 });
const counts = new Map<string, { n: number; bytes: number }>();
for (const line of out.split('\n')) {
	const m = /rmgr: (\w+)\s+len \(rec\/tot\):\s+(\d+)\/\s*(\d+).*?desc: (\w+)(.*)/.exec(line);
	if (!m) continue;
	const relm = /rel \d+\/\d+\/(\d+)/.exec(line);
	const fpw = /FPW/.test(line) ? ' FPW' : '';
	const key = `${m[1]} ${m[4]} ${relm ? names.get(relm[1]) ?? relm[1] : ''}${fpw}`;
	const c = counts.get(key) ?? { n: 0, bytes: 0 };
	c.n++; c.bytes += Number(m[3]);
	counts.set(key, c);
}
const rows = [...counts].sort((x, y) => y[1].bytes - x[1].bytes);
let tn = 0, tb = 0;
for (const [k, v] of rows) { tn += v.n; tb += v.bytes; console.log(`${(v.n / OPS).toFixed(2).padStart(6)} rec/op ${(v.bytes / OPS).toFixed(0).padStart(6)} B/op  ${k}`); }
console.log('total', (tn / OPS).toFixed(2), 'rec/op', (tb / OPS).toFixed(0), 'B/op');
await db.close();
await admin.unsafe(`drop database ${dbName} with (force)`);
await admin.end();
