// The HTTP part of `npm run bench:consume`: the production build behind a separate autocannon
// process, with one and then two app processes on the same database. Per setup: the HTTP floor
// (GET /api/v1/key: the whole REST stack, authenticated, no database work while the key is kept),
// consume over many accounts and on one hot account, balance and check; then one profiled run
// (`--cpu-prof`) whose CPU time is split per request into where Node spends it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startBuild, type RunningApp } from '../tests/e2e/server';
import { fmt, mark, row, type Figures } from './shared';

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

/** Where a profiled run's CPU went, in µs per request: by part of the stack, and the functions with the most self time. */
export interface Breakdown {
	parts: { part: string; us: number }[];
	top: { fn: string; us: number }[];
}

export interface HttpFigures {
	one: ProcessFigures;
	two: ProcessFigures;
	/** The profiled run: its requests, where its busy time went, and the process's CPU time per request (µs). */
	profile: { requests: number; breakdown: Breakdown; cpuUs: number };
}

function startApps(setup: HttpSetup, count: number, nodeArgs: string[] = []): Promise<RunningApp[]> {
	const dataDir = mkdtempSync(join(setup.work, 'app-'));
	return Promise.all(
		Array.from({ length: count }, () =>
			startBuild({
				dataDir,
				env: {
					NODE_ENV: 'production',
					DATABASE_URL: setup.dbUrl,
					DATABASE_POOL_SIZE: String(Math.ceil(20 / count)),
					SEED_DEMO: 'false'
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

function load(setup: HttpSetup, apps: RunningApp[], route: Route, users: string, seconds = setup.seconds): Loaded {
	const origins = apps.map((a) => a.baseURL).join(',');
	const args = ['bench/load.mjs', origins, setup.siteKey, users, String(setup.connections), String(seconds), 'bench_op', route];
	const cpuBefore = apps.reduce((n, a) => n + cpuUs(a.pid), 0);
	const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
	const cpu = apps.reduce((n, a) => n + cpuUs(a.pid), 0) - cpuBefore;
	if (r.status !== 0) throw new Error(r.stderr);
	const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
	return { rps: j.rps, p50: j.p50, p99: j.p99, errors: j.non2xx + j.errors, total: j.total, appCpuUs: cpu / Math.max(1, j.total) };
}

async function measure(setup: HttpSetup, count: number): Promise<ProcessFigures> {
	const apps = await startApps(setup, count);
	try {
		load(setup, apps, 'consume', setup.spreadUsers, 3); // warm-up: JIT, pools, kept keys
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

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}

/** A frame as the parts below test it: its function and the original source file (through the build's source maps). */
interface Frame {
	name: string;
	source: string;
}

/**
 * The parts of the stack, tried on a sample's own frame and then outwards (the nearest part wins).
 * The server build bundles its dependencies, so frames are mapped back to their sources first.
 */
const parts: { part: string; test: (f: Frame) => boolean }[] = [
	{ part: 'database client (postgres.js, drizzle, db/)', test: (f) => /node_modules\/(postgres|drizzle-orm)\/|src\/lib\/server\/db\//.test(f.source) },
	{ part: 'parsing and validation (JSON.parse, zod, storable text)', test: (f) => /node_modules\/zod\/|server\/storable|rest\/schemas/.test(f.source) || (f.source === '' && f.name === 'parse') },
	{ part: 'serialising (JSON.stringify, Response)', test: (f) => f.source === '' && f.name === 'stringify' },
	{ part: 'auth (key lookup, account scope, rate limit)', test: (f) => /server\/accounts\/|http\/(authenticate|identify)\.ts|rest\/rate-limit/.test(f.source) },
	{ part: 'ledger call (quota_spend request and answer)', test: (f) => /server\/ledger\//.test(f.source) },
	{ part: 'REST handler and route (handler.ts, shapes)', test: (f) => /server\/rest\/|routes\/api\//.test(f.source) },
	{ part: 'routing, SvelteKit and the other hooks', test: (f) => /@sveltejs\/kit\/|hooks\.server|server\/http\//.test(f.source) },
	{ part: 'Node HTTP and adapter-node (sockets, parser, streams)', test: (f) => /^node:(_http_|net|stream|internal\/(streams|http|stream_base_commons|js_stream_socket))|adapter-node|polka|sirv|undici/.test(f.source) },
	{ part: 'Node built-ins (crypto, buffers, timers, promises)', test: (f) => f.source.startsWith('node:') },
	{ part: 'garbage collection', test: (f) => f.name === '(garbage collector)' },
	{ part: 'V8 and native code outside JS functions', test: (f) => f.name === '(program)' }
];

/** Maps a built file's position to its original source file, with the build's `.map` next to it. */
function sourceMapper() {
	const maps = new Map<string, SourceMap | null>();
	return (frame: ProfileNode['callFrame']): string => {
		if (!frame.url.startsWith('file://')) return frame.url;
		const file = fileURLToPath(frame.url);
		if (!maps.has(file)) maps.set(file, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null);
		const entry = maps.get(file)?.findEntry(frame.lineNumber, frame.columnNumber);
		return entry && 'originalSource' in entry ? entry.originalSource : file;
	};
}

/**
 * Splits a `.cpuprofile`'s busy time (not idle) over `parts`, in µs per request, counting only the
 * samples between `from` and `to` µs after the profile started (the measured load, not start-up).
 */
export function breakdown(profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }, requests: number, from: number, to: number): Breakdown {
	const parent = new Map<number, number>();
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const sourceOf = sourceMapper();
	const partOf = new Map<number, string>();
	const classify = (id: number): string => {
		const known = partOf.get(id);
		if (known) return known;
		const { callFrame } = byId.get(id)!;
		const frame = { name: callFrame.functionName, source: sourceOf(callFrame) };
		const up = parent.get(id);
		const found = parts.find((p) => p.test(frame))?.part ?? (up === undefined ? 'other (app code, timers)' : classify(up));
		partOf.set(id, found);
		return found;
	};
	const totals = new Map<string, number>();
	const self = new Map<string, number>();
	let at = 0;
	profile.samples.forEach((id, i) => {
		at += profile.timeDeltas[i] ?? 0;
		const { callFrame } = byId.get(id)!;
		if (at < from || at > to || callFrame.functionName === '(idle)') return;
		const us = profile.timeDeltas[i] ?? 0;
		const part = classify(id);
		totals.set(part, (totals.get(part) ?? 0) + us);
		const fn = `${callFrame.functionName || '(anonymous)'} ${sourceOf(callFrame).replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}`;
		self.set(fn, (self.get(fn) ?? 0) + us);
	});
	const perRequest = <K extends string>(m: Map<string, number>, key: K) =>
		[...m].map(([name, us]) => ({ [key]: name, us: us / requests }) as Record<K, string> & { us: number }).sort((a, b) => b.us - a.us);
	return { parts: perRequest(totals, 'part'), top: perRequest(self, 'fn').slice(0, 12) };
}

/** One app process under `--cpu-prof`, consuming over many accounts; the profile is written when it exits. */
async function profiled(setup: HttpSetup): Promise<HttpFigures['profile']> {
	const dir = mkdtempSync(join(setup.work, 'prof-'));
	const spawned = performance.now(); // the profile starts with the process, give or take its bootstrap
	const [app] = await startApps(setup, 1, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
	load(setup, [app!], 'consume', setup.spreadUsers, 3);
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

/** Runs the HTTP part (about 11 × `seconds`). */
export async function httpBench(setup: HttpSetup): Promise<HttpFigures> {
	const one = await measure(setup, 1);
	const two = await measure(setup, 2);
	return { one, two, profile: await profiled(setup) };
}


/** Prints the HTTP figures with their targets (issue 16 §3); returns whether every target was met. */
export function printHttp(h: HttpFigures, connections: number): boolean {
	const verdicts: boolean[] = [];
	const target = (text: string, ok: boolean) => {
		verdicts.push(ok);
		console.log(`  ${mark(ok)}${text}`);
	};
	for (const [label, f] of [['one app process', h.one], ['two app processes', h.two]] as const) {
		console.log(`\nHTTP, ${label}, ${connections} connections:`);
		const line = (label: string, x: Loaded) => console.log(`${row(label, x)}  app CPU ${fmt(x.appCpuUs).padStart(5)} µs/req`);
		line('floor GET /api/v1/key (no database work)', f.floor);
		line('POST /api/v1/consume, 10,000 accounts', f.consumeSpread);
		line('POST /api/v1/consume, one hot account', f.consumeHot);
		line('GET /api/v1/balance, 10,000 accounts', f.balance);
		line('POST /api/v1/check, 10,000 accounts', f.check);
		target(`consume ÷ floor, 10,000 accounts: ${fmt(f.consumeSpread.rps / f.floor.rps, 2)} (≥ 0.7)`, f.consumeSpread.rps / f.floor.rps >= 0.7);
		target(`consume ÷ floor, hot account: ${fmt(f.consumeHot.rps / f.floor.rps, 2)} (≥ 0.7)`, f.consumeHot.rps / f.floor.rps >= 0.7);
		target(`balance ÷ consume: ${fmt(f.balance.rps / f.consumeSpread.rps, 2)} (≥ 1.0)`, f.balance.rps >= f.consumeSpread.rps);
		target(`check ÷ consume: ${fmt(f.check.rps / f.consumeSpread.rps, 2)} (≥ 1.0)`, f.check.rps >= f.consumeSpread.rps);
		target(`consume p99: ${fmt(f.consumeSpread.p99, 1)} and ${fmt(f.consumeHot.p99, 1)} ms (≤ 15 ms)`, Math.max(f.consumeSpread.p99, f.consumeHot.p99) <= 15);
		const errors = Object.values(f).reduce((n, x) => n + x.errors, 0);
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
	console.log('The functions with the most self time (µs per consume):');
	for (const t of h.profile.breakdown.top) console.log(`  ${t.fn.slice(0, 90).padEnd(92)} ${fmt(t.us).padStart(7)}`);
	return verdicts.every(Boolean);
}
