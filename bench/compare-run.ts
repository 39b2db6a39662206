// One side of `npm run bench:compare`, run with its working directory in the tree it measures (the
// tree's migrations and SQL functions are read from there): `tsx compare-run.ts TREE setup DB_URL`
// loads the bench's accounts into DB_URL; `tsx compare-run.ts TREE spread|hot DB_URL N` makes N
// consumes through that tree's ledger `consume()` (16 callers) and prints one JSON line: the rate,
// p50 and p99, and PostgreSQL's CPU time a consume (every process of the server, from /proc; null
// when the server is not on this machine). It imports the tree's modules by path, so it runs
// against trees older than itself.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';

const [tree, what, dbUrl, count] = process.argv.slice(2) as [string, string, string, string?];
/** As bench:consume: 10,000 accounts and a hot one (the 10,001st), 16 callers. */
const ACCOUNTS = 10_000;
const CALLERS = 16;
const { openPostgres } = (await import(`${tree}/src/lib/server/db/client.ts`)) as typeof import('../src/lib/server/db/client');
const ledger = (await import(`${tree}/src/lib/server/ledger/index.ts`)) as typeof import('../src/lib/server/ledger');

/** CPU time (ms) of the server's postmaster and all its processes, or null when they are not visible here. */
function serverCpuMs(postmaster: number): number | null {
	const ticks = (pid: number | string) => {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
		return { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) };
	};
	try {
		let total = ticks(postmaster).cpu;
		for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
			try {
				const t = ticks(pid);
				if (t.ppid === postmaster) total += t.cpu;
			} catch {
				// a process that ended while listed
			}
		}
		return total * 10; // clock ticks of 10 ms (USER_HZ 100)
	} catch {
		return null;
	}
}

if (what === 'setup') {
	const db = openPostgres(dbUrl, { max: 4 });
	await db.migrate();
	await ledger.upsertModule(db.orm, { key: 'bench', name: 'Bench', limitMessage: 'Bench limit reached.', onExhausted: 'message' });
	await ledger.upsertFeature(db.orm, { key: 'bench_op', name: 'Bench operation', module: 'bench', unit: 'operation', tokensPerUnit: 1 });
	await db.rows(sql`
		with a as (insert into accounts (kind, name) select 'user', 'Bench ' || n from generate_series(1, ${ACCOUNTS + 1}) n returning id, name)
		insert into users (account_id, name, external_id) select id, name, 'bench-' || split_part(name, ' ', 2) from a`);
	await db.rows(sql`select quota_grant(account_id, case when external_id = ${`bench-${ACCOUNTS + 1}`} then 1000000000 else 1000000 end,
		'purchase', null, 0, null, false, null, 'bench', null, null) from users`);
	await db.rows(sql`create table bench_ids (n int primary key, account_id uuid not null)`);
	await db.rows(sql`insert into bench_ids select split_part(external_id, '-', 2)::int, account_id from users`);
	await db.close();
	process.exit(0);
}

const db = openPostgres(dbUrl, { max: 10 });
const ids = await db.rows<{ n: number; account_id: string }>(sql`select n, account_id from bench_ids order by n`);
const accounts = what === 'hot' ? [ids.find((r) => r.n === ACCOUNTS + 1)!.account_id] : ids.filter((r) => r.n <= ACCOUNTS).map((r) => r.account_id);
const [backend] = await db.rows<{ pid: number }>(sql`select pg_backend_pid() as pid`);
// The backend's parent, the postmaster: 0 (nothing measured) when the server is not on this machine.
const postmaster = (() => {
	try {
		return Number(readFileSync(`/proc/${backend!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
	} catch {
		return 0;
	}
})();
const run = `${Date.now()}`;
const spend = (c: number, k: number) =>
	ledger.consume(db.orm, {
		accountId: accounts[Math.floor(Math.random() * accounts.length)]!,
		feature: 'bench_op',
		units: 1,
		actor: {},
		idempotency: { scope: 'bench-compare', key: `${run}-${c}-${k}` }
	});
// Every caller's connection opened and the plans of this process made before the clock starts.
await Promise.all(Array.from({ length: CALLERS }, (_, c) => spend(c, -1)));
const perCaller = Math.ceil(Number(count) / CALLERS);
const latencies: number[] = [];
const cpuBefore = serverCpuMs(postmaster);
const started = performance.now();
await Promise.all(
	Array.from({ length: CALLERS }, async (_, c) => {
		for (let k = 0; k < perCaller; k++) {
			const t = performance.now();
			await spend(c, k);
			latencies.push(performance.now() - t);
		}
	})
);
const seconds = (performance.now() - started) / 1000;
const cpuAfter = serverCpuMs(postmaster);
await db.close();
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
console.log(
	JSON.stringify({
		rps: latencies.length / seconds,
		p50: at(0.5),
		p99: at(0.99),
		pgCpuUs: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / latencies.length
	})
);
process.exit(0);
