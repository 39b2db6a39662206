import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import postgres from 'postgres';
import { chromium, type BrowserServer, type Cookie } from 'playwright-core';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		/** One demo app per test worker (see `sharedApp`), each on its own embedded database. */
		apps: { baseURL: string; dataDir: string }[];
		/** A data directory with the demo loaded, made once per run (see `demoDataDir`). */
		demoTemplate: string;
		/** With TEST_DATABASE_URL: the name of a database of that server with the demo loaded, made once per run (see `startPostgresDemo`). */
		postgresDemoTemplate: string | null;
		/** One Chromium per test worker (see `launch`), as its WebSocket endpoint. */
		browsers: string[];
	}
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

/**
 * A new database on the PostgreSQL server at `serverUrl` (TEST_DATABASE_URL): empty, or a copy of
 * the database `template`; `drop` removes it (call it after the app using it stopped).
 */
export async function freshPostgresDatabase(serverUrl: string, prefix: string, template?: string): Promise<{ url: string; drop: () => Promise<void> }> {
	const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
	const name = `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
	await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	return {
		url: url.toString(),
		drop: async () => {
			await admin.unsafe(`drop database if exists ${name} with (force)`);
			await admin.end();
		}
	};
}

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';

/**
 * Debian's Chromium, headless, with the flags this machine needs (no network beyond loopback): for
 * what only the full browser does (an install's checks, notifications a service worker shows).
 */
export const fullChromium = { executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--headless=new', ...FLAGS] };

/**
 * The browser the tests share: Debian's chromium-headless-shell where it is installed (the build
 * Playwright itself runs headless; its browser process did 40 % less work than the full browser's
 * over the console and page tests, 28 s against 46 s of CPU), else the full browser. CHROMIUM_PATH
 * names one browser for all.
 */
export const chromiumOptions = !process.env.CHROMIUM_PATH && existsSync(HEADLESS_SHELL) ? { executablePath: HEADLESS_SHELL, args: FLAGS } : fullChromium;

/** The demo site key the e2e server is started with (REST tests use it). */
export const DEMO_SITE_API_KEY = 'qk_e2e_demo_site_key_0123456789abcdef';

export const DEMO_PASSWORD = 'quota-demo-2026';
/** The demo logins signed in on the demo template (see `sessionCookies`). */
const DEMO_EMAILS = ['admin@quota.test', 'maya@quota.test', 'leo@quota.test'];
/** Where the demo template keeps its sessions' cookies, per e-mail. */
export const SESSIONS_FILE = 'e2e-sessions.json';

/** A Set-Cookie header of the app on localhost as the browser keeps it. */
function browserCookie(header: string): Cookie {
	const [pair, ...attributes] = header.split(';').map((part) => part.trim());
	const eq = pair!.indexOf('=');
	const attr = new Map(attributes.map((a) => [a.split('=')[0]!.toLowerCase(), a.slice(a.indexOf('=') + 1)] as const));
	const maxAge = attr.get('max-age');
	const expires = maxAge !== undefined ? Date.now() / 1000 + Number(maxAge) : attr.has('expires') ? Date.parse(attr.get('expires')!) / 1000 : -1;
	const sameSite = attr.get('samesite')?.toLowerCase();
	return {
		name: pair!.slice(0, eq),
		value: pair!.slice(eq + 1),
		domain: 'localhost',
		path: attr.get('path') ?? '/',
		expires,
		httpOnly: attr.has('httponly'),
		secure: attr.has('secure'),
		sameSite: sameSite === 'strict' ? 'Strict' : sameSite === 'none' ? 'None' : 'Lax'
	};
}

/**
 * Signs the demo logins in on the app at `baseURL` with the sign-in form's own POST, and writes their
 * cookies to `dir`'s SESSIONS_FILE: the sessions are in the demo's database, so every copy of it has them.
 */
async function signInDemoLogins(baseURL: string, dir: string) {
	const sessions: Record<string, Cookie[]> = {};
	for (const email of DEMO_EMAILS) {
		const res = await fetch(`${baseURL}/signin`, {
			method: 'POST',
			redirect: 'manual',
			// As a browser posts the form without its script: the answer is the redirect to the dashboard.
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', origin: baseURL },
			body: new URLSearchParams({ email, password: DEMO_PASSWORD })
		});
		const cookies = res.headers.getSetCookie().map(browserCookie);
		if (res.status !== 303 || !cookies.some((c) => c.name === 'quota_session')) throw new Error(`signing ${email} in on the demo template failed (${res.status})`);
		sessions[email] = cookies;
	}
	writeFileSync(join(dir, SESSIONS_FILE), JSON.stringify(sessions));
}

export interface RunningApp {
	baseURL: string;
	pid: number;
	/** What the server printed so far. */
	output(): string;
	/** SIGTERM, then waits for the exit (SIGKILL after 15 s, reported as 'hung'). */
	stop(): Promise<number | null | 'hung'>;
	/** Sends `signal` (e.g. SIGKILL) and resolves with the exit code once the process is gone. */
	kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the production build in `cwd` (its build/ and drizzle/) the way `npm start` serves it
 * (scripts/serve.mjs, no ORIGIN: the app's own defaults), on an embedded database in `dataDir`
 * unless `env` names another, and waits until it answers /healthz. `env` adds or overrides variables
 * (an empty string unsets one for the app); `nodeArgs` go to node itself (e.g. `--cpu-prof`, which
 * NODE_OPTIONS does not take).
 */
export async function startBuild(opts: { dataDir: string; cwd?: string; port?: number; env?: Record<string, string>; nodeArgs?: string[] }): Promise<RunningApp> {
	const port = opts.port ?? (await freePort());
	const baseURL = `http://localhost:${port}`;
	const { ORIGIN: _origin, SEED_DEMO: _seed, PADDLE_SIMULATOR: _sim, WEBHOOK_PRIVATE_URLS: _private, ...inherited } = process.env;
	const child: ChildProcess = spawn(process.execPath, [...(opts.nodeArgs ?? []), 'scripts/serve.mjs'], {
		cwd: opts.cwd,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...inherited,
			PORT: String(port),
			// Every browser test signs up from 127.0.0.1 into its worker's app: a worker holds more than the
			// default 10 an hour (the limit itself is tested in accounts-auth; first-run starts the app plainly).
			SIGNUPS_PER_IP_HOUR: '1000',
			PGLITE_DIR: join(opts.dataDir, 'pglite'),
			MAIL_DIR: join(opts.dataDir, 'mail'),
			DATABASE_URL: '',
			DEMO_SITE_API_KEY,
			...opts.env
		}
	});
	let log = '';
	child.stdout?.on('data', (d) => (log += d));
	child.stderr?.on('data', (d) => (log += d));
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	// Generous: a first start migrates and loads the demo, and a shared CI machine can be slow.
	const deadline = Date.now() + 180_000;
	for (;;) {
		// A process ended by a signal has no exit code (exitCode stays null), only signalCode.
		if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited during start (${child.exitCode ?? child.signalCode}):\n${log}`);
		try {
			const res = await fetch(`${baseURL}/healthz`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) throw new Error(`the app did not become healthy:\n${log}`);
		await new Promise((r) => setTimeout(r, 250));
	}
	// An app that dies while a test uses it says why (a test sees only a refused or reset connection).
	let ending = false;
	child.on('exit', (code, signal) => {
		if (!ending) process.stderr.write(`The app at ${baseURL} exited (${code ?? signal}) while in use. It printed:\n${log}\n`);
	});
	return {
		baseURL,
		pid: child.pid!,
		output: () => log,
		stop: async () => {
			ending = true;
			child.kill('SIGTERM');
			const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 15_000).unref());
			const code = await Promise.race([exited, hung]);
			if (code === 'hung') child.kill('SIGKILL');
			return code;
		},
		kill: (signal) => {
			ending = true;
			child.kill(signal);
			return exited;
		}
	};
}

/**
 * The demo on PostgreSQL: a production build of its own on a new database of TEST_DATABASE_URL's
 * server, a copy of `template` (globalSetup's, where the demo is loaded: see `loadPostgresDemo`).
 * Its webhooks may go to the tests' receivers on loopback (WEBHOOK_PRIVATE_URLS, off by default
 * with DATABASE_URL). `stop` ends the app and drops the database.
 */
export async function startPostgresDemo(prefix: string, template: string): Promise<{ baseURL: string; stop: () => Promise<void> }> {
	const database = await freshPostgresDatabase(process.env.TEST_DATABASE_URL!, prefix, template);
	const dataDir = mkdtempSync(join(tmpdir(), `${prefix}-`));
	const app = await startBuild({ dataDir, env: { DATABASE_URL: database.url, SEED_DEMO: 'true', WEBHOOK_PRIVATE_URLS: 'true' } });
	return {
		baseURL: app.baseURL,
		stop: async () => {
			await app.stop();
			await database.drop();
			rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

const servers: { app: RunningApp; dataDir: string }[] = [];
let template: string | undefined;
let postgresTemplate: { name: string; drop: () => Promise<void> } | undefined;
const browsers: BrowserServer[] = [];

/** How often the shared demo apps run the schedule's routine checks (seconds). */
export const SHARED_APP_CHECK_SECONDS = 5;

/**
 * A new data directory (under `prefix`) holding a copy of the demo database in `templateDir`: what a
 * first start on an empty directory would load, without loading it again (seconds of CPU per start).
 */
export function copyDemoData(templateDir: string, prefix: string): string {
	const dataDir = mkdtempSync(join(tmpdir(), prefix));
	cpSync(join(templateDir, 'pglite'), join(dataDir, 'pglite'), { recursive: true });
	return dataDir;
}

/**
 * Loads the demo into a new database of the PostgreSQL server at `serverUrl`, as a production build's
 * first start there does (SEED_DEMO=true on an empty database), for `startPostgresDemo` to copy
 * (`CREATE DATABASE … TEMPLATE`): the widget's and the SDK's tests each load it no more.
 */
async function loadPostgresDemo(serverUrl: string): Promise<{ name: string; drop: () => Promise<void> }> {
	const database = await freshPostgresDatabase(serverUrl, 'quota_e2e_demo');
	const dataDir = mkdtempSync(join(tmpdir(), 'quota-e2e-pg-demo-'));
	const loading = await startBuild({ dataDir, env: { DATABASE_URL: database.url, SEED_DEMO: 'true' } });
	const stopped = await loading.stop();
	rmSync(dataDir, { recursive: true, force: true });
	if (stopped !== 0) throw new Error(`the app that loaded the demo on PostgreSQL did not exit cleanly (${stopped}):\n${loading.output()}`);
	return { name: new URL(database.url).pathname.slice(1), drop: database.drop };
}

/**
 * Loads the demo once, into a template data directory, then starts one production build per test
 * worker (vitest.e2e.config.ts' maxWorkers), each on its own copy of it: files run two at a time, and
 * never share a server's state.
 */
export async function setup(project: TestProject) {
	// A run of one file (vitest run … tests/e2e/x.test.ts) needs one app.
	const oneFile = process.argv.filter((arg) => arg.endsWith('.test.ts')).length === 1;
	const workers = oneFile ? 1 : Number(project.config.maxWorkers) || 1;
	// One Chromium per worker too, started while the demo loads.
	const launching = Promise.all(Array.from({ length: workers }, () => chromium.launchServer(chromiumOptions)));
	// The demo on PostgreSQL loads beside the embedded one: each start is one process, and there are two cores.
	const serverUrl = process.env.TEST_DATABASE_URL;
	const loadingPostgres = serverUrl ? loadPostgresDemo(serverUrl) : undefined;
	template = mkdtempSync(join(tmpdir(), 'quota-e2e-demo-'));
	const loading = await startBuild({ dataDir: template });
	await signInDemoLogins(loading.baseURL, template);
	const stopped = await loading.stop();
	if (stopped !== 0) throw new Error(`the app that loaded the demo did not exit cleanly (${stopped}):\n${loading.output()}`);
	await Promise.all(
		Array.from({ length: workers }, async () => {
			const dataDir = copyDemoData(template!, 'quota-e2e-');
			// The routine checks (unusual use, expiry, rollover, catch-ups) every 5 s rather than every minute
			// (SCHEDULE_CHECK_SECONDS, a production setting): a test waits seconds for a flag, not a minute.
			servers.push({ app: await startBuild({ dataDir, env: { SCHEDULE_CHECK_SECONDS: String(SHARED_APP_CHECK_SECONDS) } }), dataDir });
		})
	);
	browsers.push(...(await launching));
	postgresTemplate = await loadingPostgres;
	project.provide('apps', servers.map((s) => ({ baseURL: s.app.baseURL, dataDir: s.dataDir })));
	project.provide('browsers', browsers.map((b) => b.wsEndpoint()));
	project.provide('demoTemplate', template);
	project.provide('postgresDemoTemplate', postgresTemplate?.name ?? null);
}

export async function teardown() {
	await Promise.all(browsers.map((b) => b.close()));
	await Promise.all(servers.map((s) => s.app.stop()));
	for (const s of servers) rmSync(s.dataDir, { recursive: true, force: true });
	if (template) rmSync(template, { recursive: true, force: true });
	await postgresTemplate?.drop();
}
