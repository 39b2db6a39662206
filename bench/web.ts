// npm run bench:web — Lighthouse (mobile profile, simulated throttling) on the signed-in pages of the
// production build, 3 runs per page, medians: a member's dashboard, usage history and statement, and the
// admin console's overview, users list, a user's page and audit log (issue 16: every page ≥ 98 with
// TBT ≤ 100 ms); plus the gzipped JS of each page's initial load and the service worker's size. A
// benchmark: it reports figures against the targets and always exits 0.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { chromium as playwright } from 'playwright-core';
import type { Result } from 'lighthouse';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { startBuild, type RunningApp } from '../tests/e2e/server';
import { SIGNED_IN_COOKIE } from '../src/lib/signed-in';

const RUNS = 3;
const DEMO_PASSWORD = 'quota-demo-2026';
const MEMBER = 'maya@quota.test';
const ADMIN = 'admin@quota.test';
/**
 * Each page and whose demo login opens it; `:member` is the member's own account (the admin's user page).
 * BENCH_PAGES (paths, comma-separated, e.g. `/dashboard,/usage`) measures only those: to compare two
 * builds on one page without the whole run.
 */
const ALL_PAGES: { path: string; as: string }[] = [
	{ path: '/dashboard', as: MEMBER },
	{ path: '/usage', as: MEMBER },
	{ path: '/statement', as: MEMBER },
	{ path: '/admin', as: ADMIN },
	{ path: '/admin/users', as: ADMIN },
	{ path: '/admin/users/:member', as: ADMIN },
	{ path: '/admin/audit', as: ADMIN }
];
const only = process.env.BENCH_PAGES?.split(',').map((p) => p.trim());
const PAGES = only ? ALL_PAGES.filter((p) => only.includes(p.path)) : ALL_PAGES;
if (!PAGES.length) throw new Error(`BENCH_PAGES names none of ${ALL_PAGES.map((p) => p.path).join(', ')}`);
const CHROME_FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const SERVICE_WORKER = '/service-worker.js';
const SAVE_DIR = 'bench/results/web';

interface Target {
	label: string;
	ok: (v: number) => boolean;
	goal: string;
	show: (v: number) => string;
}
const TARGETS: Record<'performance' | 'accessibility' | 'lcp' | 'tbt' | 'cls' | 'js', Target> = {
	performance: { label: 'Performance score', ok: (v) => v >= 98, goal: '≥ 98', show: (v) => v.toFixed(0) },
	accessibility: { label: 'Accessibility score', ok: (v) => v >= 100, goal: '= 100', show: (v) => v.toFixed(0) },
	lcp: { label: 'LCP', ok: (v) => v <= 1800, goal: '≤ 1.8 s', show: (v) => `${(v / 1000).toFixed(2)} s` },
	tbt: { label: 'TBT', ok: (v) => v <= 100, goal: '≤ 100 ms', show: (v) => `${v.toFixed(0)} ms` },
	cls: { label: 'CLS', ok: (v) => v <= 0.05, goal: '≤ 0.05', show: (v) => v.toFixed(3) },
	js: { label: 'Initial JS (gzip)', ok: (v) => v <= 60 * 1024, goal: '≤ 60 KB', show: (v) => kb(v) }
};

function kb(bytes: number) {
	return `${(bytes / 1024).toFixed(1)} KB`;
}

function median(values: number[]) {
	const s = [...values].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)] ?? NaN;
}

function gzipSize(path: string) {
	return gzipSync(readFileSync(path), { level: 9 }).length;
}

const started = Date.now();
if (!existsSync('build/index.js')) {
	console.log('No production build: running vite build…');
	const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
	if (build.status !== 0) throw new Error('vite build failed');
}

// The server runs a private copy of the build, so a build started meanwhile in this checkout cannot
// swap the files under it. The copy sits inside the project, where the build's packages resolve.
mkdirSync(SAVE_DIR, { recursive: true });
const WORK = mkdtempSync(join(SAVE_DIR, 'run-'));
const CLIENT_DIR = join(WORK, 'build/client');
const names = new Map<string, string>();

// The production build served as `npm start` serves it (scripts/serve.mjs), on a fresh embedded
// database with the demo data.
const dataDir = mkdtempSync(join(tmpdir(), 'quota-bench-web-'));
let app: RunningApp | undefined;
let baseURL = '';
let chrome: chromeLauncher.LaunchedChrome | undefined;

try {
	await copyBuild();
	addChunkNames(names);
	app = await startBuild({ dataDir, cwd: WORK });
	baseURL = app.baseURL;
	const cookies = new Map([[MEMBER, await signIn(MEMBER)], [ADMIN, await signIn(ADMIN)]]);
	const member = await profileOf(cookies.get(MEMBER)!);
	chrome = await chromeLauncher.launch({ chromePath: '/usr/bin/chromium', chromeFlags: CHROME_FLAGS, logLevel: 'silent' });
	console.log(`Lighthouse ${RUNS}× per page, mobile profile, on ${baseURL} (reports in ${SAVE_DIR}/)…`);
	const results: { page: string; runs: Result[] }[] = [];
	for (const { path, as } of PAGES) {
		const page = path.replace(':member', member.personalAccountId);
		await signedInBrowser(chrome.port, cookies.get(as)!);
		const runs: Result[] = [];
		for (let i = 0; i < RUNS; i++) {
			const lhr = await audit(chrome.port, page);
			runs.push(lhr);
			writeFileSync(join(SAVE_DIR, `${path.slice(1).replace(/[/:]/g, '-')}-${i + 1}.json`), JSON.stringify(lhr));
			console.log(`  ${page} run ${i + 1}: performance ${score(lhr, 'performance')}, LCP ${TARGETS.lcp.show(metric(lhr, 'largest-contentful-paint'))}`);
		}
		results.push({ page, runs });
	}
	report(results);
	console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s in all)`);
} finally {
	await chrome?.kill();
	await app?.stop();
	rmSync(WORK, { recursive: true, force: true });
	rmSync(dataDir, { recursive: true, force: true });
}

/** Copies build/ (and the migrations it runs): a copy taken while build/ was being rewritten is taken again. */
async function copyBuild() {
	for (let attempt = 0; attempt < 20; attempt++) {
		const before = statSync('build/index.js', { throwIfNoEntry: false })?.mtimeMs;
		if (before !== undefined) {
			rmSync(join(WORK, 'build'), { recursive: true, force: true });
			cpSync('build', join(WORK, 'build'), { recursive: true });
			if (statSync('build/index.js', { throwIfNoEntry: false })?.mtimeMs === before && existsSync(join(WORK, 'build/index.js'))) {
				cpSync('drizzle', join(WORK, 'drizzle'), { recursive: true }); // the server migrates from ./drizzle
				cpSync('scripts/serve.mjs', join(WORK, 'scripts/serve.mjs')); // and is started as npm start starts it
				return;
			}
		}
		await new Promise((r) => setTimeout(r, 3000));
	}
	throw new Error('build/ kept changing: could not take a copy of it');
}

/** Signs `email` in through the real form action; returns the Cookie header the browser would send. */
async function signIn(email: string) {
	const res = await fetch(`${baseURL}/signin`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: baseURL, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ email, password: DEMO_PASSWORD })
	});
	const cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
	if (res.status !== 303 || !cookie.includes('quota_session=')) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
	await profileOf(cookie);
	return cookie;
}

/** The signed-in person's profile (me.profile), which also proves the cookie works. */
async function profileOf(cookie: string): Promise<{ personalAccountId: string }> {
	const me = await fetch(`${baseURL}/trpc/me.profile`, { headers: { cookie } });
	if (!me.ok) throw new Error(`the session cookie is not accepted: ${me.status} ${await me.text()}`);
	return ((await me.json()) as { result: { data: { personalAccountId: string } } }).result.data;
}

/**
 * Puts `cookie` (a Cookie header: the session and its signed-in mark) in the browser's own cookie jar,
 * as a person who signed in has them: Lighthouse keeps cookies between runs. Sent as Lighthouse's
 * extra headers instead, the page's scripts cannot read the mark (lib/signed-in.ts) and the service
 * worker's requests carry no session: the page took itself for signed out and went to sign in and
 * back, again and again, for a whole run (a dashboard run of 2,944 requests and TBT 12 s on 5 December).
 */
async function signedInBrowser(chromePort: number, cookie: string) {
	const browser = await playwright.connectOverCDP(`http://127.0.0.1:${chromePort}`);
	try {
		const jar = browser.contexts()[0];
		if (!jar) throw new Error('the browser Lighthouse drives has no default context');
		await jar.clearCookies();
		await jar.addCookies(
			cookie.split('; ').map((pair) => {
				const [name = '', ...value] = pair.split('=');
				return { name, value: value.join('='), url: baseURL, httpOnly: name !== SIGNED_IN_COOKIE, sameSite: 'Lax' as const };
			})
		);
	} finally {
		await browser.close(); // disconnects: the browser and its jar stay for Lighthouse
	}
}

async function audit(chromePort: number, page: string, retry = true): Promise<Result> {
	const result = await lighthouse(
		`${baseURL}${page}`,
		{ port: chromePort, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] },
		undefined
	);
	if (!result) throw new Error(`Lighthouse returned nothing for ${page}`);
	const lhr = result.lhr;
	if (lhr.runtimeError) {
		// A page that did not load once (NO_FCP on a busy machine, a build rewritten meanwhile) gets one more try.
		if (retry) {
			console.log(`  ${page}: ${lhr.runtimeError.code}, running it again`);
			return audit(chromePort, page, false);
		}
		throw new Error(`Lighthouse on ${page}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
	}
	const landed = new URL(lhr.finalDisplayedUrl).pathname;
	if (landed !== page) throw new Error(`${page} ended on ${lhr.finalDisplayedUrl}: the session cookie did not work`);
	// A page that went to sign in and came back ends where it began, but measured the detour.
	const detours = items<NetworkItem>(lhr, 'network-requests').filter((r) => new URL(r.url).pathname === '/signin').length;
	if (detours) throw new Error(`${page} asked /signin ${detours} times during the run: the page took itself for signed out`);
	return lhr;
}

function score(lhr: Result, category: string) {
	return Math.round((lhr.categories[category]?.score ?? 0) * 100);
}

function metric(lhr: Result, id: string) {
	return lhr.audits[id]?.numericValue ?? NaN;
}

interface NetworkItem {
	url: string;
	resourceType?: string;
	sessionTargetType?: string;
	transferSize?: number;
}
interface NodeItem {
	node?: { selector?: string; nodeLabel?: string; snippet?: string };
	score?: number;
}
interface TaskItem {
	url: string;
	duration: number;
}

function items<T>(lhr: Result, id: string): T[] {
	return ((lhr.audits[id]?.details as { items?: T[] } | undefined)?.items ?? []) as T[];
}

/** What each built chunk holds, from Vite's client manifest (hashed names say nothing). Read at the
 * start and again at the end, for chunks missing then because another build was rewriting it: a
 * content-hashed file name means the same content in any manifest that lists it. */
function addChunkNames(names: Map<string, string>) {
	const file = '.svelte-kit/output/client/.vite/manifest.json';
	if (!existsSync(file)) return;
	const manifest = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { file: string; name?: string }>;
	for (const [key, chunk] of Object.entries(manifest)) {
		// A route node re-exports the page or layout component: name it after that.
		const node = key.includes('/generated/') && existsSync(key) ? readFileSync(key, 'utf8') : '';
		const component = /component } from "[^"]*?(src\/routes\/[^"]+)"/.exec(node)?.[1];
		if (!names.has(`/${chunk.file}`)) names.set(`/${chunk.file}`, component ?? chunk.name ?? key);
	}
}

/** The app's own scripts the page itself requested during the load (not the service worker's precache fetches). */
function pageScripts(lhr: Result) {
	const seen = new Map<string, number>();
	for (const item of items<NetworkItem>(lhr, 'network-requests')) {
		const url = new URL(item.url);
		if (item.resourceType !== 'Script' || item.sessionTargetType !== 'page') continue;
		if (url.origin !== baseURL || url.pathname === SERVICE_WORKER) continue;
		seen.set(url.pathname, Math.max(seen.get(url.pathname) ?? 0, item.transferSize ?? 0));
	}
	return [...seen].map(([path, transfer]) => ({ path, transfer, gzip: gzipSize(join(CLIENT_DIR, path)) })).sort((a, b) => b.gzip - a.gzip);
}

function row(target: Target, value: number) {
	const mark = target.ok(value) ? 'ok  ' : 'MISS';
	return `  ${mark} ${target.label.padEnd(20)} ${target.show(value).padStart(10)}   target ${target.goal}`;
}

/** Where the time and the shifts come from, in the run with the median performance score. */
function diagnose(lhr: Result, names: Map<string, string>) {
	const label = (url: string) => {
		if (!url.startsWith(baseURL)) return url;
		const path = new URL(url).pathname;
		return names.has(path) ? `${path} (${names.get(path)})` : path;
	};
	const lcp = items<{ items?: NodeItem[] }>(lhr, 'largest-contentful-paint-element')[0]?.items?.[0]?.node;
	if (lcp) console.log(`  LCP element: ${lcp.selector} "${lcp.nodeLabel}"; first contentful paint ${TARGETS.lcp.show(metric(lhr, 'first-contentful-paint'))}`);
	for (const shift of items<NodeItem>(lhr, 'layout-shifts').filter((s) => (s.score ?? 0) >= 0.005))
		console.log(`  layout shift ${shift.score?.toFixed(3)}: ${shift.node?.selector} ${shift.node?.snippet}`);
	const tasks = items<TaskItem>(lhr, 'long-tasks').sort((a, b) => b.duration - a.duration).slice(0, 4);
	if (tasks.length) console.log(`  longest tasks (simulated phone, 4× CPU): ${tasks.map((t) => `${t.duration.toFixed(0)} ms ${label(t.url)}`).join('; ')}`);
	const dom = lhr.audits['dom-size']?.displayValue;
	// The first queries go out as a preload (resource type "Other"), later ones as fetches.
	const fetches = items<NetworkItem>(lhr, 'network-requests').filter((r) => r.sessionTargetType === 'page' && new URL(r.url).pathname.startsWith('/trpc/'));
	console.log(`  DOM ${dom}; ${fetches.length} data requests: ${fetches.map((f) => new URL(f.url).pathname.replace('/trpc/', '')).join(' → ')}`);
	for (const ref of lhr.categories.accessibility?.auditRefs ?? [])
		if (ref.weight > 0 && lhr.audits[ref.id]?.score === 0) console.log(`  accessibility audit failed: ${ref.id} — ${lhr.audits[ref.id]?.title}`);
}

function report(results: { page: string; runs: Result[] }[]) {
	addChunkNames(names);
	const misses: string[] = [];
	for (const { page, runs } of results) {
		const m = {
			performance: median(runs.map((r) => score(r, 'performance'))),
			accessibility: median(runs.map((r) => score(r, 'accessibility'))),
			lcp: median(runs.map((r) => metric(r, 'largest-contentful-paint'))),
			tbt: median(runs.map((r) => metric(r, 'total-blocking-time'))),
			cls: median(runs.map((r) => metric(r, 'cumulative-layout-shift')))
		};
		const typical = runs.find((r) => score(r, 'performance') === m.performance) ?? runs[0]!;
		const scripts = pageScripts(typical);
		const js = scripts.reduce((sum, s) => sum + s.gzip, 0);
		console.log(`\n${page} (median of ${runs.length}; Lighthouse's CPU benchmark index ${typical.environment.benchmarkIndex.toFixed(0)})`);
		for (const [key, value] of [...Object.entries(m), ['js', js] as const]) {
			const target = TARGETS[key as keyof typeof TARGETS];
			console.log(row(target, value));
			if (!target.ok(value)) misses.push(`${page}: ${target.label} ${target.show(value)} (target ${target.goal})`);
		}
		diagnose(typical, names);
		console.log(`  scripts of the initial load (${scripts.length}); gzip -9 of the built file, bytes on the wire:`);
		for (const s of scripts) console.log(`    ${kb(s.gzip).padStart(9)} ${kb(s.transfer).padStart(9)}  ${s.path}  ${names.get(s.path) ?? ''}`);
	}
	const sw = join(CLIENT_DIR, SERVICE_WORKER);
	console.log(`\nService worker ${SERVICE_WORKER}: ${kb(readFileSync(sw).length)} raw, ${kb(gzipSize(sw))} gzip`);
	console.log(misses.length ? `\nTargets missed:\n${misses.map((m) => `  - ${m}`).join('\n')}` : '\nAll targets met.');
}
