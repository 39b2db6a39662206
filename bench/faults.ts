// npm run bench:faults — the fault run of issue 12: two app processes on one PostgreSQL, clients that
// retry the SAME idempotency keys, kill -9 of one app, then PostgreSQL stopped with `-m immediate`
// and started again. Prints keys sent, keys with one effect, keys with two (must be 0), what the
// clients saw during the outage, reconcile, and how long the first success took after the restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../src/lib/server/db/client';
import { reconcile } from '../src/lib/server/ledger';
import { DEMO_SITE_API_KEY, startBuild, type RunningApp } from '../tests/e2e/server';
import { startPgCluster } from '../tests/helpers/pg-cluster';
import { ensureBuild, sleep } from './shared';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const OUTAGE_MS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 5) * 1000;
const USERS = 200;
/** ai_bots (demo rates): 2.5 tokens a word, so 2 words cost 5 tokens. */
const UNITS = 2;
const COST = 5;

ensureBuild();
const work = mkdtempSync(join(tmpdir(), 'quota-faults-'));
const pg = await startPgCluster();
const apps: RunningApp[] = [];
try {
	const env = { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: '10', SEED_DEMO: 'true' };
	apps.push(await startBuild({ dataDir: join(work, 'a'), env }));
	apps.push(await startBuild({ dataDir: join(work, 'b'), env }));
	const alive = [true, true];

	const post = (app: RunningApp, path: string, key: string, body: unknown) =>
		fetch(`${app.baseURL}${path}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': key },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(30_000)
		});
	for (let u = 0; u < USERS; u++) {
		const r = await post(apps[0]!, '/api/v1/grants', `faults-grant-${u}`, { user: `faults-u${u}`, tokens: 1_000_000, source: 'bonus' });
		if (r.status !== 201) throw new Error(`grant: ${r.status} ${await r.text()}`);
	}

	const t0 = performance.now();
	const now = () => performance.now() - t0;
	const seen = { sent: 0, attempts: 0, ok: 0, refused: 0, unavailable: 0, unavailableWithoutRetryAfter: 0, otherErrors: 0, networkErrors: 0 };
	let longest = { ms: 0, at: 0, status: 0 };
	let outage: { from: number; ready: number } | null = null;
	let crashedAt = Infinity;
	let firstOkAfterReady: number | null = null;
	let stopping = false;

	/** Sends one key until it has an answer that is not "try again": to either app, as a load balancer would. */
	async function settle(client: number, key: string, user: string) {
		seen.sent++;
		for (let attempt = 0; ; attempt++) {
			const target = alive[(client + attempt) % 2] ? (client + attempt) % 2 : (client + attempt + 1) % 2;
			const started = now();
			seen.attempts++;
			let status = 0;
			try {
				const res = await post(apps[target]!, '/api/v1/consume', key, { user, feature: 'ai_bots', units: UNITS });
				status = res.status;
				if (status === 503 && !res.headers.get('retry-after')) seen.unavailableWithoutRetryAfter++;
				await res.arrayBuffer();
			} catch {
				seen.networkErrors++;
			}
			const took = now() - started;
			if (started >= crashedAt && took > longest.ms) longest = { ms: took, at: started, status };
			if (status >= 200 && status < 300) {
				seen.ok++;
				if (outage && firstOkAfterReady === null && started >= outage.ready) firstOkAfterReady = now() - outage.ready;
				return;
			}
			if (status >= 400 && status < 500) return void seen.refused++;
			if (status === 503) seen.unavailable++;
			else if (status) seen.otherErrors++;
			await sleep(100);
		}
	}

	async function client(i: number) {
		for (let n = 0; !stopping; n++) await settle(i, `faults-${i}-${n}`, `faults-u${(i * 7 + n) % USERS}`);
	}

	const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
	await sleep(5_000);
	console.log(`${now().toFixed(0)} ms: kill -9 of app B`);
	alive[1] = false;
	await apps[1]!.kill('SIGKILL');
	console.log(`${now().toFixed(0)} ms: pg_ctl stop -m immediate`);
	const from = now();
	crashedAt = from;
	pg.crash();
	await sleep(OUTAGE_MS);
	pg.start();
	outage = { from, ready: now() };
	console.log(`${outage.ready.toFixed(0)} ms: PostgreSQL accepts connections again`);
	await sleep(8_000);
	stopping = true;
	await Promise.all(clients);

	const db = openPostgres(pg.url, { max: 2 });
	const [effects] = await db.rows<{ keys: number; once: number; twice: number; tokens: number }>(sql`
		with per_key as (
			select idem_key, count(*)::int as ops, sum(cost)::bigint as cost from operations
			where idem_key like 'faults-%' and idem_key not like 'faults-grant-%' and kind = 'consume' and status = 'ok'
			group by idem_key)
		select count(*)::int as keys, (count(*) filter (where ops = 1 and cost = ${COST}))::int as once,
			(count(*) filter (where ops > 1 or cost > ${COST}))::int as twice, coalesce(sum(cost), 0)::bigint as tokens from per_key`);
	// What the balances say was spent (lots and free allowance windows), apart from the operations' own record.
	const [spent] = await db.rows<{ tokens: number }>(sql`
		select (select coalesce(sum(l.amount - l.remaining), 0) from lots l join users u on u.account_id = l.account_id where u.external_id like 'faults-u%')
			+ (select coalesce(sum(w.used), 0) from allowance_windows w join users u on u.account_id = w.account_id where u.external_id like 'faults-u%')
			as tokens`);
	const report = await reconcile(db.orm);
	await db.close();

	console.log(`\nbench:faults — ${CLIENTS} clients, 2 app processes, outage ${OUTAGE_MS / 1000} s`);
	console.log(`keys sent:                ${seen.sent}  (${seen.attempts} attempts; answered 2xx ${seen.ok}, 4xx ${seen.refused})`);
	console.log(`keys with one effect:     ${effects!.once}`);
	console.log(`keys with two effects:    ${effects!.twice}  (must be 0)`);
	console.log(`tokens spent:             ${spent!.tokens} by the lots, ${effects!.tokens} by the operations (must be equal)`);
	console.log(`during the outage:        ${seen.unavailable} × 503 (${seen.unavailableWithoutRetryAfter} without Retry-After), ${seen.otherErrors} other 5xx, ${seen.networkErrors} network errors (the killed app)`);
	console.log(`longest answer:           ${(longest.ms / 1000).toFixed(2)} s (of those sent from the outage on; status ${longest.status || 'none'}, sent at ${(longest.at / 1000).toFixed(1)} s)`);
	console.log(`first success after PostgreSQL was back: ${firstOkAfterReady === null ? 'none' : `${(firstOkAfterReady / 1000).toFixed(2)} s`}`);
	console.log(`reconcile:                ${report.ok ? 'clean' : `${report.breaches.length} breach(es)`} (${report.checked.operations} operations)`);
	const pass = effects!.twice === 0 && Number(spent!.tokens) === Number(effects!.tokens) && report.ok && seen.otherErrors === 0 && seen.unavailableWithoutRetryAfter === 0;
	process.exitCode = pass ? 0 : 1;
} finally {
	await Promise.all(apps.map((a) => a.stop()));
	pg.destroy();
	rmSync(work, { recursive: true, force: true });
}
