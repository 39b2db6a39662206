// The HTTP part of `npm run bench:consume`: the production build behind a separate autocannon
// process, with one and then two app processes on the same database. Per setup: the HTTP floor
// (GET /api/v1/key: the whole REST stack, authenticated, no database work while the key is kept),
// consume over many accounts and on one hot account, balance and check; then one profiled run
// (`--cpu-prof`) whose CPU time is split per request into where Node spends it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBuild, type RunningApp } from '../tests/e2e/server';
import { fmt, mark, row, type Figures } from './shared';
import { breakdown, type Breakdown } from './profile-split';

type Route = 'key' | 'consume' | 'balance' | 'check';

export interface HttpSetup {
	dbUrl: string;
	siteKey: string;
	/** JSON files of host-site user ids: many accounts, and the one hot account. */
	spreadUsers: string;
	hotUsers: string;
	connections: number;
	seconds: number;
	/** A scratch folder (profiles go there). */
	work: string;
}

export interface ProcessFigures {
	floor: Loaded;
	consumeSpread: Loaded;
	consumeHot: Loaded;
	balance: Loaded;
	check: Loaded;
}

export interface HttpFigures {
	one: ProcessFigures;
	two: ProcessFigures;
	/** One process with one group-committed batch in flight (GROUP_COMMIT_IN_FLIGHT=1). */
	oneInFlight: ProcessFigures;
	/** The profiled run: its requests, where its busy time went, and the process's CPU time per request (µs). */
	profile: { requests: number; breakdown: Breakdown; cpuUs: number };
}

function startApps(setup: HttpSetup, count: number, nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<RunningApp[]> {
	const dataDir = mkdtempSync(join(setup.work, 'app-'));
	return Promise.all(
		Array.from({ length: count }, () =>
			startBuild({
				dataDir,
				env: {
					NODE_ENV: 'production',
					DATABASE_URL: setup.dbUrl,
					DATABASE_POOL_SIZE: String(Math.ceil(20 / count)),
					SEED_DEMO: 'false',
					...env
				},
				nodeArgs
			})
		)
	);
}

/** Clock ticks per second of /proc's CPU times. */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** CPU time (user + system, every thread) the process has used so far, in µs (/proc/<pid>/stat). */
function cpuUs(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return ((Number(fields[11]) + Number(fields[12])) / CLK_TCK) * 1e6;
}

/** A load's figures and the app processes' CPU time per request (µs), all threads, read from /proc. */
type Loaded = Figures & { appCpuUs: number };

/** `order`: users drawn at random for `seconds`, or `each` user once, in turn (the warm-up). */
function load(setup: HttpSetup, apps: RunningApp[], route: Route, users: string, seconds = setup.seconds, order: 'random' | 'each' = 'random'): Loaded {
	const origins = apps.map((a) => a.baseURL).join(',');
	const args = ['bench/load.mjs', origins, setup.siteKey, users, String(setup.connections), String(seconds), 'bench_op', route, order];
	const cpuBefore = apps.reduce((n, a) => n + cpuUs(a.pid), 0);
	const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
	const cpu = apps.reduce((n, a) => n + cpuUs(a.pid), 0) - cpuBefore;
	if (r.status !== 0) throw new Error(r.stderr);
	const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
	return { rps: j.rps, p50: j.p50, p99: j.p99, errors: j.non2xx + j.errors, total: j.total, appCpuUs: cpu / Math.max(1, j.total) };
}

/** `count` app processes, started with `env` besides the bench's own, each route measured once warmed up. */
async function measure(setup: HttpSetup, count: number, env: Record<string, string> = {}): Promise<ProcessFigures> {
	const apps = await startApps(setup, count, [], env);
	try {
		warmUp(setup, apps);
		return {
			floor: load(setup, apps, 'key', setup.spreadUsers),
			consumeSpread: load(setup, apps, 'consume', setup.spreadUsers),
			consumeHot: load(setup, apps, 'consume', setup.hotUsers),
			balance: load(setup, apps, 'balance', setup.spreadUsers),
			check: load(setup, apps, 'check', setup.spreadUsers)
		};
	} finally {
		await Promise.all(apps.map((a) => a.stop()));
	}
}

/**
 * Brings the processes to the steady state the figures are about: every user of the spread consumes
 * once on every process (each keeps each site user's account after its first call, accounts/scope.ts: before,
 * a 3 s warm-up left half the users to be looked up during the measured run, and over 10,000
 * accounts the app spent 1,032 µs a consume against 637 µs once all were kept), then a consume run
 * long enough for the JIT to settle on the metering path.
 */
function warmUp(setup: HttpSetup, apps: RunningApp[]) {
	for (const app of apps) load(setup, [app], 'consume', setup.spreadUsers, 0, 'each'); // each process keeps its own
	load(setup, apps, 'consume', setup.spreadUsers, 5);
}

/** One app process under `--cpu-prof`, consuming over many accounts; the profile is written when it exits. */
async function profiled(setup: HttpSetup): Promise<HttpFigures['profile']> {
	const dir = mkdtempSync(join(setup.work, 'prof-'));
	const spawned = performance.now(); // the profile starts with the process, give or take its bootstrap
	const [app] = await startApps(setup, 1, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
	warmUp(setup, [app!]);
	const from = performance.now();
	const run = load(setup, [app!], 'consume', setup.spreadUsers, Math.min(setup.seconds, 10));
	const to = performance.now();
	if ((await app!.stop()) === 'hung') throw new Error('the profiled app did not exit on SIGTERM, so it wrote no profile');
	const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
	if (!file) throw new Error(`no .cpuprofile in ${dir}`);
	return {
		requests: run.total,
		breakdown: breakdown(JSON.parse(readFileSync(join(dir, file), 'utf8')), run.total, (from - spawned) * 1000, (to - spawned) * 1000),
		cpuUs: run.appCpuUs
	};
}

/** Runs the HTTP part (about 16 × `seconds`, and four warm-ups of 15–20 s). */
export async function httpBench(setup: HttpSetup): Promise<HttpFigures> {
	const one = await measure(setup, 1);
	const two = await measure(setup, 2);
	const oneInFlight = await measure(setup, 1, { GROUP_COMMIT_IN_FLIGHT: '1' });
	return { one, two, oneInFlight, profile: await profiled(setup) };
}


/** Prints the HTTP figures with their targets (issue 16 §3); returns whether every target was met. */
export function printHttp(h: HttpFigures, connections: number): boolean {
	const verdicts: boolean[] = [];
	const target = (text: string, ok: boolean) => {
		verdicts.push(ok);
		console.log(`  ${mark(ok)}${text}`);
	};
	// The default's figures are judged against the targets; one batch in flight is printed beside them.
	const setups = [
		['one app process', h.one, true],
		['two app processes', h.two, true],
		['one app process with GROUP_COMMIT_IN_FLIGHT=1 (the default is 2)', h.oneInFlight, false]
	] as const;
	for (const [label, f, judged] of setups) {
		console.log(`\nHTTP, ${label}, ${connections} connections:`);
		const line = (label: string, x: Loaded) => console.log(`${row(label, x)}  app CPU ${fmt(x.appCpuUs).padStart(5)} µs/req`);
		line('floor GET /api/v1/key (no database work)', f.floor);
		line('POST /api/v1/consume, 10,000 accounts', f.consumeSpread);
		line('POST /api/v1/consume, one hot account', f.consumeHot);
		line('GET /api/v1/balance, 10,000 accounts', f.balance);
		line('POST /api/v1/check, 10,000 accounts', f.check);
		const errors = Object.values(f).reduce((n, x) => n + x.errors, 0);
		if (!judged) {
			console.log(`  consume ÷ floor: ${fmt(f.consumeSpread.rps / f.floor.rps, 2)} and ${fmt(f.consumeHot.rps / f.floor.rps, 2)} (two in flight: ${fmt(h.one.consumeSpread.rps / h.one.floor.rps, 2)} and ${fmt(h.one.consumeHot.rps / h.one.floor.rps, 2)})`);
			target(`errors: ${errors} (0)`, errors === 0);
			continue;
		}
		target(`consume ÷ floor, 10,000 accounts: ${fmt(f.consumeSpread.rps / f.floor.rps, 2)} (≥ 0.7)`, f.consumeSpread.rps / f.floor.rps >= 0.7);
		target(`consume ÷ floor, hot account: ${fmt(f.consumeHot.rps / f.floor.rps, 2)} (≥ 0.7)`, f.consumeHot.rps / f.floor.rps >= 0.7);
		target(`balance ÷ consume: ${fmt(f.balance.rps / f.consumeSpread.rps, 2)} (≥ 1.0)`, f.balance.rps >= f.consumeSpread.rps);
		target(`check ÷ consume: ${fmt(f.check.rps / f.consumeSpread.rps, 2)} (≥ 1.0)`, f.check.rps >= f.consumeSpread.rps);
		target(`consume p99: ${fmt(f.consumeSpread.p99, 1)} and ${fmt(f.consumeHot.p99, 1)} ms (≤ 15 ms)`, Math.max(f.consumeSpread.p99, f.consumeHot.p99) <= 15);
		target(`errors: ${errors} (0)`, errors === 0);
	}
	const total = h.profile.breakdown.parts.reduce((n, b) => n + b.us, 0);
	// The profiler samples the main thread's wall time between idle waits, so a stretch in which the
	// process waited for a core (PostgreSQL and the load generator share the two) counts as busy: the
	// process's CPU time from /proc is printed beside it.
	console.log(
		`\nWhere one app process's busy time goes per consume (--cpu-prof, ${fmt(h.profile.requests)} requests, ${fmt(total)} µs each; ` +
			`its CPU time, all threads: ${fmt(h.profile.cpuUs)} µs each):`
	);
	for (const b of h.profile.breakdown.parts) console.log(`  ${b.part.padEnd(62)} ${fmt(b.us).padStart(7)} µs  ${fmt((100 * b.us) / total).padStart(3)} %`);
	// A sample is the main thread's wall time: a write that wakes PostgreSQL can give it the core (profile-split.ts).
	console.log('The functions with the most self time (µs per consume; a socket write includes the wait while the PostgreSQL it woke runs):');
	for (const t of h.profile.breakdown.top) console.log(`  ${t.fn.slice(0, 90).padEnd(92)} ${fmt(t.us).padStart(7)}`);
	return verdicts.every(Boolean);
}
