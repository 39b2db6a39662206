// npm run bench:soak — memory under load: the production build on PostgreSQL, 5 rounds of
// BENCH_SECONDS (default 30) of 64 connections consuming for 30,000 different host-site users (more
// than the 20,000 users a process keeps), RSS read after each round. Prints the figures and the
// spread of the last 3 rounds (the bound: 10 %).
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SITE_API_KEY, startBuild } from '../tests/e2e/server';
import { startPgCluster } from '../tests/helpers/pg-cluster';
import { ensureBuild, sleep } from './shared';

const ROUNDS = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = 64;
const USERS = 30_000;

ensureBuild();
const work = mkdtempSync(join(tmpdir(), 'quota-soak-'));
const pg = await startPgCluster();
const app = await startBuild({ dataDir: work, env: { DATABASE_URL: pg.url, DATABASE_POOL_SIZE: '10', SEED_DEMO: 'true' } });
const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${app.pid}/status`, 'utf8'))![1]) / 1024;
try {
	const users = join(work, 'users.json');
	writeFileSync(users, JSON.stringify(Array.from({ length: USERS }, (_, i) => `soak-user-${i}`)));
	console.log(`bench:soak — ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, ${USERS.toLocaleString('en')} users; RSS after start ${rssMb().toFixed(0)} MB`);
	const rss: number[] = [];
	for (let round = 1; round <= ROUNDS; round++) {
		const r = spawnSync(process.execPath, ['bench/load.mjs', app.baseURL, DEMO_SITE_API_KEY, users, String(CONNECTIONS), String(SECONDS), 'ai_bots'], { encoding: 'utf8' });
		if (r.status !== 0) throw new Error(r.stderr);
		const figures = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
		await sleep(2_000);
		rss.push(rssMb());
		console.log(`round ${round}: ${figures.total.toLocaleString('en')} requests (${Math.round(figures.rps)}/s, p99 ${figures.p99} ms, ${figures.non2xx} non-2xx, ${figures.errors} errors), RSS ${rss.at(-1)!.toFixed(0)} MB`);
	}
	const last = rss.slice(-3);
	const spread = (Math.max(...last) - Math.min(...last)) / Math.min(...last);
	console.log(`RSS of the last 3 rounds: ${last.map((m) => m.toFixed(0)).join(', ')} MB — spread ${(spread * 100).toFixed(1)} % (bound 10 %)`);
	process.exitCode = spread <= 0.1 ? 0 : 1;
} finally {
	await app.stop();
	pg.destroy();
	rmSync(work, { recursive: true, force: true });
}
