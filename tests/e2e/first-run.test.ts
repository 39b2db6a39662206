import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launch, phone } from './browser';
import { DEMO_PASSWORD, screen, waitForFresh } from './app';
import { freePort } from './server';

// The README's first command, as a newcomer runs it: `npm start` in a fresh copy of the checkout,
// with nothing in the environment but PATH and HOME (and a free PORT, so the suite can run anywhere).
// CI's own `npm ci` stands for the install: the copy uses this checkout's node_modules.

let browser: Browser;
let copy: string;
let app: ChildProcess | undefined;
let out = '';
let err = '';
let port: number;
/** The phone that signed in (kept for the restart: its session must survive it). */
let context: BrowserContext | undefined;

/** The files of this checkout as git sees them (tracked, plus new ones it does not ignore). */
function checkoutFiles(): string[] {
	const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
	return r.stdout.split('\0').filter((f) => f && !f.startsWith('node_modules/'));
}

async function waitFor(test: () => boolean, what: string, ms: number) {
	const deadline = Date.now() + ms;
	while (!test()) {
		if (app?.exitCode !== null && app?.exitCode !== undefined) throw new Error(`npm start exited (${app.exitCode}) before ${what}:\n${out}\n${err}`);
		if (Date.now() > deadline) throw new Error(`no ${what} after ${ms / 1000} s:\n${out}\n${err}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** `npm start` in the copy, as the README says; resolves once it prints its address. */
async function npmStart() {
	out = '';
	err = '';
	app = spawn('npm', ['start'], {
		cwd: copy,
		env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: String(port) },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	app.stdout!.on('data', (d) => (out += d));
	app.stderr!.on('data', (d) => (err += d));
	// The first start builds the app: minutes on a 2-core machine that is also running the suite.
	await waitFor(() => out.includes(`Open http://localhost:${port}`), 'address printed', 300_000);
}

/** Whether `npm start` is still running (it may have ended by a signal: no exit code then). */
const running = () => app !== undefined && app.exitCode === null && app.signalCode === null;

/**
 * Ctrl+C in the terminal: SIGINT to npm and the server, as one process group. Resolves with how npm
 * ended: it passes a signal on and then ends by it, as a shell expects after Ctrl+C.
 */
async function pressCtrlC(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
	const started = app!;
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => started.once('exit', (code, signal) => r({ code, signal })));
	process.kill(-started.pid!, 'SIGINT');
	const ended = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))]);
	if (ended === 'hung') throw new Error(`npm start still running 15 s after Ctrl+C:\n${out}\n${err}`);
	return ended;
}

beforeAll(async () => {
	copy = mkdtempSync(join(tmpdir(), 'quota-first-run-'));
	for (const file of checkoutFiles()) {
		mkdirSync(dirname(join(copy, file)), { recursive: true });
		cpSync(file, join(copy, file));
	}
	symlinkSync(resolve('node_modules'), join(copy, 'node_modules'), 'dir');
	port = await freePort();
	await npmStart();
	browser = await launch();
}, 330_000);

afterAll(async () => {
	await context?.close();
	await browser?.close();
	if (app?.pid && running()) {
		const exited = new Promise((r) => app!.once('exit', r));
		process.kill(-app.pid, 'SIGTERM');
		await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
		if (running()) process.kill(-app.pid, 'SIGKILL');
	}
	if (copy) rmSync(copy, { recursive: true, force: true });
});

/** What a normal first start may print, line by line (blank lines aside). */
const expectedLines = (p: number) => [
	/^> quota@\S+ start$/,
	/^> node scripts\/start\.mjs$/,
	/^Quota: building the app \(first start, or sources changed; about a minute\)…$/,
	/^Quota: built in \d+ s; starting the server…$/,
	/^Quota: database embedded PGlite in \.\/data\/pglite · payments: the local Paddle simulator \(test mode: no money moves\)$/,
	/^Demo logins \(password for all: quota-demo-2026\):$/,
	/^ {2}(admin|maya|leo)@quota\.test {2,}\S/,
	/^Demo site API key: qk_[A-Za-z0-9_-]{20,} {2}\(shown once; set DEMO_SITE_API_KEY to choose it\)$/,
	new RegExp(`^Open http://localhost:${p}$`),
	/^Quota: SIGINT: finishing the requests under way, then stopping…$/,
	/^Quota: stopped\.$/
];

describe('npm start, exactly as the README says', () => {
	it('prints only the build’s two lines, the database and payments line, the demo logins, the key and the address', () => {
		const lines = out.split('\n').map((l) => l.trimEnd()).filter(Boolean);
		const unexpected = lines.filter((line) => !expectedLines(port).some((re) => re.test(line)));
		expect(unexpected).toEqual([]);
		// The build is said before and after: nothing looks stuck while it runs.
		expect(lines.findIndex((l) => l.startsWith('Quota: built in'))).toBe(lines.findIndex((l) => l.startsWith('Quota: building')) + 1);
		expect(lines.filter((l) => /@quota\.test/.test(l))).toHaveLength(3);
		expect(err).toBe('');
	});

	it('lets a person open the printed address on a phone and sign in with a demo login', async () => {
		context = await browser.newContext({ ...phone });
		const page = await context.newPage();
		await page.goto(`http://localhost:${port}`);
		await page.getByRole('link', { name: 'Sign in' }).click();
		await page.waitForURL((url) => url.pathname === '/signin');
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Email').fill('maya@quota.test');
		await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => url.pathname === '/dashboard');
		await expect(page.getByRole('heading', { level: 1 }).first().innerText()).resolves.toBeTruthy();
		// Signed in means her figures too, not only the page's frame: the demo's Available, fresh.
		await waitForFresh(page);
		await expect(page.locator('.stat', { hasText: 'Available' }).locator('.value').innerText()).resolves.toMatch(/^\d[\d,]*$/);
		await screen(page, 'first-run-dashboard');
		await page.close();
		// Signing in printed nothing more.
		expect(out.split('\n').filter(Boolean).at(-1)).toBe(`Open http://localhost:${port}`);
		expect(err).toBe('');
	});

	it('shows API examples for the address it serves, not https', async () => {
		const res = await fetch(`http://localhost:${port}/developers`);
		const html = await res.text();
		expect(html).toContain(`http://localhost:${port}/api/v1/consume`);
		expect(html).not.toContain('https://localhost');
	});

	it('refuses a second start beside the running one, which goes on: the port is said taken, the embedded database in use', async () => {
		const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
		// `npm start` again in another terminal: said at once, nothing built, nothing opened.
		const again = spawnSync('npm', ['start'], { cwd: copy, env: { ...env, PORT: String(port) }, encoding: 'utf8', timeout: 60_000 });
		expect(again.status).toBe(1);
		expect(again.stderr).toContain(`Quota: port ${port} is in use (is Quota already running at http://localhost:${port}?). Stop it first, or set PORT to another port.`);
		expect(again.stdout).not.toContain('building');
		// A second server on another port: it would write the same database files, and is refused before it serves.
		const other = spawnSync(process.execPath, ['scripts/serve.mjs'], { cwd: copy, env: { ...env, PORT: String(await freePort()) }, encoding: 'utf8', timeout: 60_000 });
		expect(other.status).not.toBe(0);
		expect(`${other.stdout}${other.stderr}`).toContain('The embedded database in ./data/pglite is in use by another process (is Quota already running?');
		// The first one never noticed.
		const health = await fetch(`http://localhost:${port}/healthz`);
		expect(health.status).toBe(200);
		expect(running()).toBe(true);
		expect(err).toBe('');
	});

	it('stops cleanly on Ctrl+C, and the next npm start keeps the data: no build, no new key, the same session', async () => {
		const stopped = await pressCtrlC();
		expect(stopped.code === 0 || stopped.signal === 'SIGINT', JSON.stringify(stopped)).toBe(true);
		// Nothing went wrong on the way out: no error printed; the next start below takes the same port.
		expect(err).toBe('');
		// The stop is said as it begins and once it ended (the server's last words may come after npm's exit).
		for (const deadline = Date.now() + 5_000; !out.includes('Quota: stopped.') && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
		const stopLines = out.split('\n').filter((l) => l.startsWith('Quota: SIGINT') || l.startsWith('Quota: stopped'));
		expect(stopLines).toEqual(['Quota: SIGINT: finishing the requests under way, then stopping…', 'Quota: stopped.']);
		await npmStart();
		const lines = out.split('\n').map((l) => l.trimEnd()).filter(Boolean);
		expect(lines.filter((line) => !expectedLines(port).some((re) => re.test(line)))).toEqual([]);
		// Built and seeded once: the logins are printed again, the key only on the start that made it.
		expect(lines.some((l) => l.startsWith('Quota: building'))).toBe(false);
		expect(lines.filter((l) => /@quota\.test/.test(l))).toHaveLength(3);
		expect(lines.some((l) => l.startsWith('Demo site API key'))).toBe(false);
		// What the first run wrote is still there: the phone that signed in is still signed in.
		const page = await context!.newPage();
		await page.goto(`http://localhost:${port}/dashboard`);
		await page.waitForURL((url) => url.pathname === '/dashboard');
		await expect(page.getByRole('heading', { level: 1 }).first().innerText()).resolves.toBeTruthy();
		expect(err).toBe('');
	});
});
