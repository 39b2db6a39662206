// The ledger part of `npm run bench:consume`: a plain conditional debit with a ledger row against the
// ledger's consume, on the same Postgres in the same run: quota_spend one transaction per call
// (pgbench) and the group-committed path the app uses (ledger `consume()` from Node, batches formed
// by what arrives while one is in flight). WAL bytes and records per operation for each.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openPostgres, type Db } from '../src/lib/server/db/client';
import { consume } from '../src/lib/server/ledger';
import { DEFAULT_GROUP_COMMIT, setGroupCommitOptions } from '../src/lib/server/ledger/group-commit';
import { fmt, mark, percentile, row, type Figures } from './shared';

interface Wal { bytes: number; records: number }
type Run = Figures & { wal: Wal };
interface Pair { spread: Run; hot: Run }
/** The group-committed consume with another number of batches in flight per process than the default. */
interface InFlightRun { inFlight: number; spread: Run; hot: Run }
export interface LedgerFigures { plain: Pair; fn: Pair; batched: Pair; noGather: Pair; shareAll: Pair; inFlight: number; sweep: InFlightRun[] }

/** Batches in flight tried beside the default: what the default is chosen by. */
const IN_FLIGHT_SWEEP = [1, 2, 3, 4, 6];

interface Options {
	dbUrl: string;
	/** A scratch folder (pgbench scripts and logs). */
	work: string;
	connections: number;
	seconds: number;
	/** Spread over accounts 1..accounts of bench_ids; the hot account is accounts + 1. */
	accounts: number;
}

/** WAL written so far on the server: bytes (LSN) and records (pg_stat_wal, flushed by backends that ended). */
async function walNow(db: Db): Promise<Wal> {
	const [r] = await db.rows<{ lsn: string; records: number }>(sql`select pg_current_wal_insert_lsn()::text as lsn, wal_records::int8 as records from pg_stat_wal`);
	const [hi, lo] = r!.lsn.split('/').map((h) => parseInt(h, 16));
	return { bytes: hi! * 2 ** 32 + lo!, records: Number(r!.records) };
}

/** Runs `measure` and adds the WAL it wrote per operation (stats of ended backends: measure closes its connections). */
async function withWal(db: Db, measure: () => Figures | Promise<Figures>): Promise<Run> {
	const before = await walNow(db);
	const f = await measure();
	await new Promise((r) => setTimeout(r, 300));
	const after = await walNow(db);
	const per = (n: number) => n / Math.max(1, f.total - f.errors);
	return { ...f, wal: { bytes: per(after.bytes - before.bytes), records: per(after.records - before.records) } };
}

function pgbench(o: Options, name: string, script: string): Figures {
	const dir = mkdtempSync(join(o.work, `${name}-`));
	const file = join(dir, 'script.sql');
	writeFileSync(file, script);
	const r = spawnSync('pgbench', ['-n', '-c', String(o.connections), '-j', '2', '-T', String(o.seconds), '-f', file, '-l', '--log-prefix', join(dir, 'log'), o.dbUrl], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`pgbench ${name}: ${r.stderr}`);
	const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1]);
	const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
	const latencies = readdirSync(dir)
		.filter((f) => f.startsWith('log'))
		.flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[2]) / 1000))
		.sort((a, b) => a - b);
	return { rps: tps, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors: failed, total: latencies.length };
}

const plainDebit = (id: string) => `${id}
WITH d AS (UPDATE bench_raw_accounts SET balance = balance - 1 WHERE id = :id AND balance >= 1 RETURNING id, balance)
INSERT INTO bench_raw_ledger (account_id, amount, balance_after) SELECT id, -1, balance FROM d;
`;
const spendFn = (id: string) => `${id}
\\set k random(1, 1000000000000)
SELECT quota_spend(p_mode => 'consume', p_account => account_id, p_feature => 'bench_op', p_units => 1,
  p_scope => 'pgbench', p_key => :client_id || '-' || :k, p_hash => 'h', p_notify => false) FROM bench_ids WHERE n = :id;
`;

let runs = 0;
/** `connections` callers each consuming one token at a time through the ledger's consume() for `seconds`. */
async function batched(o: Options, accountIds: string[]): Promise<Figures> {
	// The app's default pool (DATABASE_POOL_SIZE 10): room for every batch in flight the sweep tries.
	const db = openPostgres(o.dbUrl, { max: 10 });
	const run = ++runs;
	const latencies: number[] = [];
	let errors = 0;
	const end = performance.now() + o.seconds * 1000;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: o.connections }, async (_, c) => {
			for (let k = 0; performance.now() < end; k++) {
				const t = performance.now();
				const accountId = accountIds[Math.floor(Math.random() * accountIds.length)]!;
				await consume(db.orm, { accountId, feature: 'bench_op', units: 1, actor: {}, idempotency: { scope: 'bench-batched', key: `${run}-${c}-${k}` } }).catch(() => errors++);
				latencies.push(performance.now() - t);
			}
		})
	);
	const elapsed = (performance.now() - started) / 1000;
	await db.close();
	latencies.sort((a, b) => a - b);
	return { rps: latencies.length / elapsed, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors, total: latencies.length };
}

/** Runs `measure` with the group commit's options changed, then puts the defaults back. */
async function withOptions<T>(next: Parameters<typeof setGroupCommitOptions>[0], measure: () => Promise<T>): Promise<T> {
	setGroupCommitOptions(next);
	try {
		return await measure();
	} finally {
		setGroupCommitOptions(DEFAULT_GROUP_COMMIT);
	}
}

/**
 * Measures the plain debit, quota_spend per transaction and the group-committed consume, spread and
 * hot; then the hot run without the batch wait, and both runs with other numbers of batches in flight.
 */
export async function ledgerBench(o: Options, db: Db): Promise<LedgerFigures> {
	const ids = await db.rows<{ n: number; account_id: string }>(sql`select n, account_id from bench_ids order by n`);
	const spread = ids.filter((r) => r.n <= o.accounts).map((r) => r.account_id);
	const hot = [ids.find((r) => r.n === o.accounts + 1)!.account_id];
	const spreadId = `\\set id random(1, ${o.accounts})`;
	const hotId = `\\set id ${o.accounts + 1}`;
	const result = {
		plain: { spread: await withWal(db, () => pgbench(o, 'plain-spread', plainDebit(spreadId))), hot: await withWal(db, () => pgbench(o, 'plain-hot', plainDebit(hotId))) },
		fn: { spread: await withWal(db, () => pgbench(o, 'fn-spread', spendFn(spreadId))), hot: await withWal(db, () => pgbench(o, 'fn-hot', spendFn(hotId))) },
		batched: { spread: await withWal(db, () => batched(o, spread)), hot: await withWal(db, () => batched(o, hot)) },
		inFlight: DEFAULT_GROUP_COMMIT.inFlight,
		// The same runs with an item leaving as soon as a slot is free: gathering's effect on rate and p50.
		noGather: await withOptions({ gather: 'none' }, async () => ({ spread: await withWal(db, () => batched(o, spread)), hot: await withWal(db, () => batched(o, hot)) })),
		// The same runs with each batch taking every waiting item, not its even share: what sharing brings.
		shareAll: await withOptions({ share: 'all' }, async () => ({ spread: await withWal(db, () => batched(o, spread)), hot: await withWal(db, () => batched(o, hot)) })),
		sweep: [] as InFlightRun[]
	};
	for (const inFlight of IN_FLIGHT_SWEEP.filter((n) => n !== DEFAULT_GROUP_COMMIT.inFlight)) {
		result.sweep.push(await withOptions({ inFlight }, async () => ({ inFlight, spread: await withWal(db, () => batched(o, spread)), hot: await withWal(db, () => batched(o, hot)) })));
	}
	return result;
}

/** Prints the ledger's figures with their targets (ok / MISS); true when every target is met. */
export function printLedger(f: LedgerFigures, connections: number): boolean {
	const wal = (r: Run) => `  WAL ${fmt(r.wal.bytes).padStart(5)} B ${fmt(r.wal.records, 1).padStart(5)} rec /op`;
	console.log(`\nThe ledger (same Postgres, same run, ${connections} callers):`);
	for (const [label, pair] of [['(a) 10,000 accounts', 'spread'], ['(b) one hot account', 'hot']] as const) {
		console.log(row(`${label}: plain conditional debit + ledger row`, f.plain[pair]) + wal(f.plain[pair]));
		console.log(row(`${label}: quota_spend, a transaction per call`, f.fn[pair]) + wal(f.fn[pair]));
		console.log(row(`${label}: consume(), group-committed`, f.batched[pair]) + wal(f.batched[pair]));
	}
	console.log(row('(a) consume(), each batch leaving at once', f.noGather.spread) + wal(f.noGather.spread));
	console.log(row('(b) consume(), each batch leaving at once', f.noGather.hot) + wal(f.noGather.hot));
	console.log(row('(a) consume(), each batch taking all waiting', f.shareAll.spread) + wal(f.shareAll.spread));
	console.log(row('(b) consume(), each batch taking all waiting', f.shareAll.hot) + wal(f.shareAll.hot));
	const sweep = [{ inFlight: f.inFlight, spread: f.batched.spread, hot: f.batched.hot }, ...f.sweep].sort((a, b) => a.inFlight - b.inFlight);
	console.log(`Batches in flight per process (default ${f.inFlight}), consume() ÷ plain debit, (a) 10,000 accounts / (b) hot:`);
	for (const s of sweep) {
		console.log(`  ${String(s.inFlight).padStart(2)}: (a) ${fmt(s.spread.rps).padStart(6)}/s ${fmt(s.spread.rps / f.plain.spread.rps, 2)}, p99 ${fmt(s.spread.p99, 1)} ms   (b) ${fmt(s.hot.rps).padStart(6)}/s ${fmt(s.hot.rps / f.plain.hot.rps, 2)}, p99 ${fmt(s.hot.p99, 1)} ms`);
	}
	const spread = f.batched.spread.rps / f.plain.spread.rps;
	const hot = f.batched.hot.rps / f.plain.hot.rps;
	const errors = [f.batched, f.noGather, f.shareAll].reduce((n, p) => n + p.spread.errors + p.hot.errors, 0) + f.sweep.reduce((n, s) => n + s.spread.errors + s.hot.errors, 0);
	const checks = [
		[`batched ÷ plain debit, 10,000 accounts ${fmt(spread, 2)} (target ≥ 0.6)`, spread >= 0.6],
		[`batched ÷ plain debit, hot account ${fmt(hot, 2)} (target ≥ 1.0)`, hot >= 1.0],
		[`consume() errors ${errors} (target 0)`, errors === 0]
	] as const;
	for (const [text, ok] of checks) console.log(`${mark(ok)} ${text}`);
	console.log(
		`quota_spend per call ÷ plain debit: (a) ${fmt(f.fn.spread.rps / f.plain.spread.rps, 2)}  (b) ${fmt(f.fn.hot.rps / f.plain.hot.rps, 2)}; ` +
			`gathering a batch until the end of the event loop's turn: (a) ${fmt(f.noGather.spread.rps)}/s, p50 ${fmt(f.noGather.spread.p50, 1)} ms without, ` +
			`${fmt(f.batched.spread.rps)}/s, ${fmt(f.batched.spread.p50, 1)} ms with; (b) ${fmt(f.noGather.hot.rps)}/s, p50 ${fmt(f.noGather.hot.p50, 1)} ms without, ${fmt(f.batched.hot.rps)}/s, ${fmt(f.batched.hot.p50, 1)} ms with; ` +
			`each batch its even share against all waiting: (a) ${fmt(f.batched.spread.rps / f.shareAll.spread.rps, 2)}×, (b) ${fmt(f.batched.hot.rps / f.shareAll.hot.rps, 2)}×`
	);
	return checks.every(([, ok]) => ok);
}
