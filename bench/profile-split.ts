// Where a profiled app process's busy time goes, per request: bench:consume's `--cpu-prof` run
// (bench/http.ts) split over the parts of the stack issue 16 §3 names.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
	children?: number[];
}

/** A `.cpuprofile`: its call tree, and each sample's node with the µs since the one before. */
export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

/** Where a profiled run's busy time went, in µs per request: by part of the stack, and the functions with the most self time. */
export interface Breakdown {
	parts: { part: string; us: number }[];
	top: { fn: string; us: number }[];
}

/** A frame as the parts below test it: its function and the original source file (through the build's source maps). */
interface Frame {
	name: string;
	source: string;
}

const HTTP = 'Node HTTP and adapter-node (sockets, parser, streams)';
const OTHER = 'other (app code, timers)';

/**
 * The parts of the stack. A sample goes to the part of its own frame or else the nearest one
 * outwards, with one exception: Node's own code (`node: true`: its modules and its native functions)
 * counts for the nearest caller outside Node, if there is one. A socket write is the database
 * client's when postgres.js makes it and HTTP's when the response is written; before, every
 * write counted as HTTP. Only what no library or app frame calls, such as the HTTP parser's
 * callbacks or the microtask loop, stays Node's. The server build bundles its dependencies, so
 * frames are mapped back to their sources first.
 */
const parts: { part: string; node?: true; test: (f: Frame) => boolean }[] = [
	{ part: 'database client (postgres.js, drizzle, db/)', test: (f) => /node_modules\/(postgres|drizzle-orm)\/|src\/lib\/server\/db\//.test(f.source) },
	{ part: 'parsing and validation (JSON.parse, zod, storable text)', test: (f) => /node_modules\/zod\/|server\/storable|rest\/schemas/.test(f.source) || (f.source === '' && f.name === 'parse') },
	{ part: 'serialising (JSON.stringify, Response)', test: (f) => f.source === '' && f.name === 'stringify' },
	{ part: 'auth (key lookup, account scope, rate limit)', test: (f) => /server\/accounts\/|http\/(authenticate|identify)\.ts|rest\/rate-limit/.test(f.source) },
	{ part: 'ledger call (quota_spend request and answer)', test: (f) => /server\/ledger\//.test(f.source) },
	{ part: 'REST handler and route (handler.ts, shapes)', test: (f) => /server\/rest\/|routes\/api\//.test(f.source) },
	// SvelteKit's runtime is `.svelte-kit/output/server/index.js` in the build's maps (adapter-node bundles that output).
	{ part: 'routing, SvelteKit and the other hooks', test: (f) => /@sveltejs\/kit\/|\.svelte-kit\/output\/server\/index\.js|hooks\.server|server\/http\//.test(f.source) },
	{ part: HTTP, test: (f) => /adapter-node|polka|sirv|undici/.test(f.source) },
	{ part: 'garbage collection', test: (f) => f.name === '(garbage collector)' },
	{ part: 'V8 and native code outside JS functions', test: (f) => f.name === '(program)' },
	{ part: HTTP, node: true, test: (f) => /^node:(_http_|net|stream|internal\/(streams|http|stream_base_commons|js_stream_socket))/.test(f.source) },
	{ part: 'Node built-ins (crypto, buffers, timers, promises)', node: true, test: () => true }
];
const nodeParts = new Set(parts.filter((p) => p.node).map((p) => p.part).filter((p) => p !== HTTP));

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
 * Splits a profile's busy time (not idle) over the parts, in µs per request, counting only the
 * samples between `from` and `to` µs after the profile started (the measured load, not start-up).
 * A sample is wall time on the main thread: a synchronous native call, such as a socket write
 * that wakes PostgreSQL on a busy core, also counts the time the thread then waits to run.
 */
export function breakdown(profile: CpuProfile, requests: number, from: number, to: number): Breakdown {
	const parent = new Map<number, number>();
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	const sourceOf = sourceMapper();
	/** Each node's part: its own frame's, or its callers' (for Node's own code, the nearest caller outside Node); null: none yet. */
	const partOf = new Map<number, string | null>();
	const classify = (id: number): string | null => {
		const known = partOf.get(id);
		if (known !== undefined) return known;
		const { callFrame } = byId.get(id)!;
		const frame = { name: callFrame.functionName, source: sourceOf(callFrame) };
		const up = parent.get(id);
		const outward = up === undefined ? null : classify(up);
		const byCaller = outward !== null && !nodeParts.has(outward) ? outward : null;
		const own = parts.find((p) => !p.node && p.test(frame))?.part;
		const nodeCode = frame.source === '' || frame.source.startsWith('node:');
		const found = own ?? byCaller ?? (nodeCode ? (parts.find((p) => p.node && p.test(frame))?.part ?? outward) : OTHER);
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
		const part = classify(id) ?? OTHER;
		totals.set(part, (totals.get(part) ?? 0) + us);
		const fn = `${callFrame.functionName || '(anonymous)'} ${sourceOf(callFrame).replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/')}`;
		self.set(fn, (self.get(fn) ?? 0) + us);
	});
	const perRequest = <K extends string>(m: Map<string, number>, key: K) =>
		[...m].map(([name, us]) => ({ [key]: name, us: us / requests }) as Record<K, string> & { us: number }).sort((a, b) => b.us - a.us);
	return { parts: perRequest(totals, 'part'), top: perRequest(self, 'fn').slice(0, 12) };
}
