import type { Browser, BrowserContext, BrowserContextOptions, Cookie, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, inject } from 'vitest';
import { baseURL, phone, phoneContext, screenshot, sharedApp } from './browser';
import { linkIn, readMailDir } from '../helpers/mail';
import { DEMO_PASSWORD, DEMO_SITE_API_KEY, SESSIONS_FILE } from './server';

export { DEMO_PASSWORD };
export const maya = { email: 'maya@quota.test', name: 'Maya Patel' };
export const leo = { email: 'leo@quota.test', name: 'Leo Martin' };

/** A POST to the REST API with the demo's site key (a host site's backend), with a fresh idempotency key. */
export function siteApi(path: string, body: object) {
	return fetch(`${baseURL()}/api/v1/${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
		body: JSON.stringify(body)
	});
}

/**
 * Posts `form` to the page at `path` in `page`'s context as a browser posts it without the page's
 * script, from the context's own origin (its baseURL: the worker's app, or a test's own app), and
 * expects the answer's redirect to `next`; the session cookie it sets is the context's.
 */
async function postForm(page: Page, path: string, form: Record<string, string>, next: string) {
	const origin = new URL((await page.request.get('/healthz')).url()).origin;
	const res = await page.request.post(`${path}?next=${encodeURIComponent(next)}`, { form, headers: { accept: 'text/html', origin }, maxRedirects: 0 });
	if (res.status() !== 303 || res.headers().location !== next) throw new Error(`${path} as ${form.email} failed (${res.status()}): ${(await res.text()).slice(0, 300)}`);
}

/**
 * Signs up a new member in `page`'s context with the sign-up form's own POST, confirms their address
 * with the link mailed to it (the worker's shared app's mail) as its page's button posts it, then
 * opens the dashboard; returns their user id. A fixture: the sign-up and confirm pages themselves
 * (their fields, slips and buttons; a member who has not confirmed yet) are auth.test.ts's, and
 * loading them for every test's own user cost a load, a hydration and a network-idle wait each.
 */
export async function signUp(page: Page, name: string, email: string, password: string): Promise<string> {
	await postForm(page, '/signup', { name, email, password }, '/dashboard');
	const mailDir = join(sharedApp().dataDir, 'mail');
	// A loop, not expect.poll: files call this in beforeAll too.
	let mail;
	for (let i = 0; i < 40 && !mail; i++) {
		mail = readMailDir(mailDir).find((m) => m.to.includes(email) && m.decoded.includes('/confirm/'));
		if (!mail) await new Promise((r) => setTimeout(r, 250));
	}
	if (!mail) throw new Error(`no link that confirms ${email} in ${mailDir}`);
	const origin = new URL((await page.request.get('/healthz')).url()).origin;
	const confirmed = await page.request.post(new URL(linkIn(mail, '/confirm/')).pathname, { form: {}, headers: { accept: 'text/html', origin } });
	if (!(await confirmed.text()).includes('Address confirmed')) throw new Error(`confirming ${email} failed (${confirmed.status()})`);
	await page.goto('/dashboard');
	return (await (await page.request.get('/trpc/me.profile')).json()).result.data.id as string;
}

/**
 * A new session of the demo login `email` in `page`'s context, made with the sign-in form's own POST
 * (the sign-in page itself is `signIn`'s and auth.test.ts's), then `next` opened: for a test whose
 * subject is what comes after signing in, on an app whose demo template sessions it does not share.
 */
export async function signInByForm(page: Page, email: string, next = '/dashboard') {
	await postForm(page, '/signin', { email, password: DEMO_PASSWORD }, next);
	await page.goto(next);
}

/** The password every `ownUser` signs up with. */
export const OWN_USER_PASSWORD = 'own-user-2026-password';

/**
 * A user of the test's own, signed up on a phone of its own (on its dashboard), with `tokens` granted
 * as a bonus lot: what the test picks, spends or changes is nobody else's. The demo's users are
 * shared by every file on the worker's app, and two files run at once.
 */
export async function ownUser(browser: Browser, name: string, tokens: number, device: Parameters<typeof phoneContext>[1] = phone): Promise<{ context: BrowserContext; page: Page; id: string; email: string }> {
	const context = await phoneContext(browser, device);
	const page = await context.newPage();
	const email = `${name.toLowerCase().replace(/\W+/g, '-')}-${Date.now().toString(36)}@example.test`;
	const id = await signUp(page, name, email, OWN_USER_PASSWORD);
	if (tokens) expect((await siteApi('grants', { user: id, tokens, source: 'bonus', note: 'A test of its own' })).status).toBe(201);
	return { context, page, id, email };
}

/**
 * A team of the test's own, `teamName`: its owner and a member (ownUser each, the member joined through
 * the invitation's mail), its pool granted `tokens` through the site API.
 */
export async function ownTeam(browser: Browser, teamName: string, ownerName: string, memberName: string, tokens: number) {
	const owner = await ownUser(browser, ownerName, 0);
	const member = await ownUser(browser, memberName, 0);
	const call = async (page: Page, procedure: string, data: object) => {
		const res = await page.request.post(`/trpc/${procedure}`, { data });
		expect(res.status(), `${procedure}: ${await res.text()}`).toBe(200);
		return (await res.json()).result.data;
	};
	const team = (await call(owner.page, 'team.create', { name: teamName })) as { id: string; accountId: string };
	expect((await siteApi('grants', { team: team.id, tokens, source: 'bonus', note: 'A team of its own' })).status).toBe(201);
	await call(owner.page, 'team.invite', { teamId: team.id, email: member.email });
	const mailDir = join(sharedApp().dataDir, 'mail');
	// Their mails: the link that confirms their address (sign-up's), and this invitation.
	const invitation = () => readMailDir(mailDir).filter((m) => m.to.includes(member.email) && m.decoded.includes('/invite/'));
	await expect.poll(() => invitation().length).toBe(1);
	const link = linkIn(invitation()[0]!, '/invite/');
	await call(member.page, 'team.acceptInvite', { token: link.slice(link.lastIndexOf('/') + 1) });
	return { owner, member, team, call };
}

/** Signs in through the sign-in page, as a person would, and waits for the dashboard. */
export async function signIn(page: Page, email: string, next = '/dashboard') {
	await page.goto(`/signin?next=${encodeURIComponent(next)}`);
	// A click that lands while the form hydrates can be lost: wait until the page has settled.
	await page.waitForLoadState('networkidle');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const refused = page.getByRole('alert');
	try {
		await Promise.race([page.waitForURL((url) => url.pathname === next), refused.waitFor()]);
	} catch (e) {
		await screen(page, `signin-stuck-${email}`);
		throw new Error(`sign-in did not finish at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 300)}`, { cause: e });
	}
	if (new URL(page.url()).pathname !== next) throw new Error(`sign-in refused: ${await refused.innerText()}`);
}

/**
 * The cookies of a signed-in session of a demo user, made once per test run on the demo template
 * (tests/e2e/server.ts), so every copy of the demo has it; reused by every test that does not end it.
 */
export function sessionCookies(email: string): Cookie[] {
	const sessions = JSON.parse(readFileSync(join(inject('demoTemplate'), SESSIONS_FILE), 'utf8')) as Record<string, Cookie[]>;
	const cookies = sessions[email];
	if (!cookies) throw new Error(`no session of ${email} on the demo template`);
	return cookies;
}

/** The scheduled job `name` as the Jobs page lists it (`admin`: a page signed in as a site admin). */
export async function scheduledJob(admin: Page, name: string): Promise<{ id: number; name: string; running: boolean; lastStartedAt: string | null }> {
	const jobs = (await (await admin.request.get('/trpc/webhooks.jobs')).json()).result.data as Awaited<ReturnType<typeof scheduledJob>>[];
	return jobs.find((j) => j.name === name)!;
}

/**
 * Runs the scheduled job `name` now, as a site admin does with the Jobs page's Run now (`admin`: a page
 * signed in as one), and resolves once a run that started after the ask has ended: its work is then
 * done for all that committed before. A run under way refuses the ask (409): it is asked again.
 */
export async function runJobNow(admin: Page, name: string) {
	const job = () => scheduledJob(admin, name);
	const askedAt = Date.now();
	const { id } = await job();
	await expect.poll(async () => (await admin.request.post('/trpc/webhooks.runJob', { data: { jobId: id } })).status()).toBe(200);
	await expect.poll(async () => {
		const j = await job();
		return !j.running && j.lastStartedAt !== null && new Date(j.lastStartedAt).getTime() >= askedAt;
	}).toBe(true);
}

/** A phone (or `device`, e.g. an `installedPhone`) with `email` signed in, on `path`. */
export async function openAs(browser: Browser, email: string, path = '/dashboard', device: Parameters<typeof phoneContext>[1] = phone) {
	const context = await phoneContext(browser, device);
	await context.addCookies(sessionCookies(email));
	const page = await context.newPage();
	await page.goto(path);
	return { context, page };
}

/**
 * What a page's start may load: 60 KB of gzipped JavaScript (issue 16), as bench:web counts it. The
 * 128 B the 3 December features were allowed over it were won back by leaving SvelteKit's form
 * actions (`$app/forms`) out of the shared kit chunk (vite.config.ts), which also paid for the root
 * error page in the app's look.
 */
export const START_JS_BUDGET = 60 * 1024;

/**
 * Opens `path` and lists the scripts its load requests until `loaded` resolves, each with the gzip -9
 * size of its built file (bench:web's measure; the service worker is not the page's), largest first.
 */
export async function startScripts(page: Page, path: string, loaded: () => Promise<unknown>) {
	const paths = new Set<string>();
	const seen = (r: import('playwright-core').Request) => {
		const url = new URL(r.url());
		if (r.resourceType() === 'script' && url.pathname !== '/service-worker.js') paths.add(url.pathname);
	};
	page.on('request', seen);
	try {
		await page.goto(path);
		await loaded();
	} finally {
		page.off('request', seen);
	}
	const scripts = [...paths].map((p) => ({ path: p, gz: gzipSync(readFileSync(join('build/client', p)), { level: 9 }).length })).sort((a, b) => b.gz - a.gz);
	const total = scripts.reduce((n, s) => n + s.gz, 0);
	console.log(`${path} first load: ${scripts.length} scripts, ${(total / 1024).toFixed(1)} KB gzipped (${total} B); largest:\n${scripts.slice(0, 6).map((s) => `  ${(s.gz / 1024).toFixed(1)} KB ${s.path}`).join('\n')}`);
	return { scripts, total };
}

/** Waits until the page shows fresh figures (its "Updated …" line). */
export async function waitForFresh(page: Page) {
	await page.getByRole('status').filter({ hasText: /^Updated / }).first().waitFor();
}

/**
 * Opens `path` and waits until it shows fresh figures and has saved them on the device: the copy is
 * written in a task after the render that says "Updated" (live.svelte.ts `save`), and a navigation
 * before it lands loses it (CI 144: /usage offline had no saved copy on a loaded machine).
 */
export async function openAndSave(page: Page, path: string) {
	const since = await page.evaluate(() => Date.now());
	await page.goto(path);
	await waitForFresh(page);
	const newestSnapshot = async () =>
		Math.max(0, ...(await indexedDbRows(page)).filter((s) => s.store === 'snapshots').flatMap((s) => s.rows.map((r) => (r as { updatedAt?: number }).updatedAt ?? 0)));
	await expect.poll(newestSnapshot, { message: `${path}: a copy saved on the device` }).toBeGreaterThanOrEqual(since);
}

/** The phone Lighthouse emulates (bench:web's mobile runs), without the service worker. */
const lighthousePhone = { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true, serviceWorkers: 'block' as const };

/**
 * The layout shift (CLS's sum of shifts without input) of opening `path` as `email` on a device that
 * has nothing of the app saved (a new phone, or Lighthouse's run: a saved copy would fill the page at
 * once and hide what the first paint shows), every API answer `lateMs` late as on a slow phone line,
 * measured once the page has settled: what arrives after the first paint must not move what is
 * already shown (issue 16: CLS ≤ 0.05). `device`: the context's options; by default the phone
 * bench:web's Lighthouse emulates (its Moto G Power, 412×823), where the statement's late line moved
 * its list by 0.175 and our 390-wide phone saw 0.012 of it.
 */
export async function shiftWhileLoading(browser: Browser, email: string, path: string, { device = lighthousePhone, lateMs = 500 }: { device?: BrowserContextOptions; lateMs?: number } = {}): Promise<number> {
	const context = await browser.newContext({ ...device, baseURL: baseURL() });
	try {
		await context.addCookies(sessionCookies(email));
		const page = await context.newPage();
		await context.route('**/trpc/**', (route) => setTimeout(() => void route.continue().catch(() => {}), lateMs));
		await page.goto(path);
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(300);
		return await page.evaluate(
			() =>
				new Promise<number>((resolve) => {
					let total = 0;
					new PerformanceObserver((list) => {
						for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) total += e.value;
					}).observe({ type: 'layout-shift', buffered: true });
					setTimeout(() => resolve(total), 200);
				})
		);
	} finally {
		await context.close();
	}
}

/** Waits for the service worker to install and take control (after a reload if needed). */
export async function waitForServiceWorker(page: Page) {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
		await page.reload();
		await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
	}
}

/** Every IndexedDB store of the page's origin, with its rows: one entry per database and store. */
async function indexedDbRows(page: Page): Promise<{ database: string; store: string; rows: unknown[] }[]> {
	return page.evaluate(async () => {
		const found: { database: string; store: string; rows: unknown[] }[] = [];
		for (const { name } of await indexedDB.databases()) {
			if (!name) continue;
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const r = indexedDB.open(name);
				r.onsuccess = () => resolve(r.result);
				r.onerror = () => reject(r.error);
			});
			for (const store of Array.from(db.objectStoreNames)) {
				const rows = await new Promise<unknown[]>((resolve, reject) => {
					const r = db.transaction(store).objectStore(store).getAll();
					r.onsuccess = () => resolve(r.result);
					r.onerror = () => reject(r.error);
				});
				found.push({ database: name, store, rows });
			}
			db.close();
		}
		return found;
	});
}

/** Everything this origin keeps on the device, as text: IndexedDB contents and cached responses. */
export async function deviceStorage(page: Page): Promise<{ databases: string[]; idb: string; caches: string[]; cached: string }> {
	const stores = await indexedDbRows(page);
	const { databases, names, cached } = await page.evaluate(async () => {
		const databases = (await indexedDB.databases()).map((d) => d.name ?? '');
		const names = await caches.keys();
		let cached = '';
		for (const n of names) {
			const cache = await caches.open(n);
			for (const req of await cache.keys()) {
				if (/\.(js|css|png|svg|webmanifest|woff2?)$/.test(new URL(req.url).pathname)) continue;
				cached += await ((await cache.match(req))?.text() ?? '');
			}
		}
		return { databases, names, cached };
	});
	return { databases, idb: stores.map((s) => JSON.stringify(s.rows)).join(''), caches: names, cached };
}

const require = createRequire(import.meta.url);

let axeServer: Promise<string> | undefined;

/**
 * axe-core's script at a cacheable URL of this worker's own: loaded by URL, Chromium keeps it (and its
 * compiled code) for the browser context, where a script tag's inline text is compiled anew at every
 * check (1–3 s on a busy 2-core machine, half of a check's time).
 */
function axeScriptURL(): Promise<string> {
	axeServer ??= new Promise((resolve, reject) => {
		const source = readFileSync(require.resolve('axe-core/axe.min.js'));
		const server = createServer((_req, res) => {
			res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=86400, immutable' });
			res.end(source);
		});
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/axe.min.js`));
		server.unref();
	});
	return axeServer;
}

/** Runs axe-core in the page; returns the serious and critical violations. */
export async function axe(page: Page) {
	// Once per document: a page that moved on in place (a link, a form) still has it.
	if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: await axeScriptURL() });
	const result = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
		return axe.run(document, { resultTypes: ['violations'] });
	});
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.impact}: ${v.id} — ${v.help} @ ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

/** The first screen as a phone shows it (the full-page screenshots of long lists are too tall to look at). */
export async function screen(page: Page, name: string) {
	await screenshot(page, name, { firstScreen: true });
}

/** The alert steps Settings shows in a group ("Your tokens", a team pool), highest first, as numbers. */
export async function alertStepsShown(group: import('playwright-core').Locator): Promise<number[]> {
	const text = await group.getByRole('list', { name: /Alert steps/ }).innerText();
	return [...text.matchAll(/Below (\d+)%/g)].map((m) => Number(m[1]));
}

/** Buys `offer` in the store (its `button`), pays in the simulator's checkout sheet and waits for the store's "Tokens added" (to a team's pool, "Tokens added to <team> pool"). */
export async function buy(page: Page, offer: string, button: RegExp, total: string, added: string) {
	await page.goto('/store');
	const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: offer, exact: true }) });
	await card.getByRole('button', { name: button }).click();
	const sheet = page.frameLocator('iframe[title="Checkout"]');
	await sheet.getByRole('button', { name: `Pay ${total}` }).click();
	const status = page.getByRole('status', { name: 'Purchase status' });
	await status.getByText(new RegExp(`^Tokens added( to .+ pool)?: \\+${added} · `)).waitFor({ timeout: 20_000 });
}

/** Whether the element is wholly inside the viewport as it stands (no scrolling): what a person sees without looking for it. */
export function onScreen(locator: import('playwright-core').Locator): Promise<boolean> {
	return locator.evaluate((e) => {
		const box = e.getBoundingClientRect();
		return box.top >= 0 && box.bottom <= window.innerHeight;
	});
}

/**
 * A field's refusal said beside it: the note the field names (aria-describedby) says `text`, the field
 * is marked invalid, and the note sits just under it (within two lines), not at the page's top or by its button.
 */
export async function expectNoteBeside(field: import('playwright-core').Locator, text: string) {
	const note = field.page().locator(`[id="${await field.getAttribute('id')}-note"]`);
	await note.getByText(text, { exact: true }).waitFor();
	expect(await field.getAttribute('aria-invalid')).toBe('true');
	expect((await field.getAttribute('aria-describedby'))?.split(' ')).toContain(`${await field.getAttribute('id')}-note`);
	await expectJustUnder(field, note);
}

/** `note` starts under `field`, within two lines of it (both read in one layout: boxesTogether). */
export async function expectJustUnder(field: import('playwright-core').Locator, note: import('playwright-core').Locator) {
	const [f, n] = await boxesTogether(field, note);
	expect(n!.y - (f!.y + f!.height)).toBeGreaterThanOrEqual(0);
	expect(n!.y - (f!.y + f!.height)).toBeLessThan(40);
}

/**
 * The boxes of `locators` (CSS px, from the viewport's top left) read in one layout: each its own
 * `boundingBox()` call can straddle a scroll (a refusal scrolls its note into view) or a re-render, and
 * then compares two different layouts.
 */
export async function boxesTogether(...locators: import('playwright-core').Locator[]): Promise<{ x: number; y: number; width: number; height: number }[]> {
	const handles = await Promise.all(locators.map((l) => l.elementHandle()));
	return locators[0]!.page().evaluate(
		(els) =>
			els.map((e) => {
				const r = (e as Element).getBoundingClientRect();
				return { x: r.x, y: r.y, width: r.width, height: r.height };
			}),
		handles
	);
}

/**
 * The page's endless animations that are running, named by their element, once a page has settled: a page at rest repaints
 * nothing (a shimmer left running below the fold restyled the dashboard 60 times a second, a tenth of a core while it was open).
 */
export function endlessAnimations(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		document
			.getAnimations()
			.filter((a) => a.playState === 'running' && a.effect?.getTiming().iterations === Infinity)
			.map((a) => {
				const target = (a.effect as KeyframeEffect | null)?.target;
				return `${(a as CSSAnimation).animationName ?? 'animation'} on ${target?.tagName.toLowerCase()}.${[...(target?.classList ?? [])].join('.')}`;
			})
	);
}

/**
 * The closed sections (`<details>`) on the page whose summary shows nothing that says it opens, by
 * their words: neither the browser's disclosure triangle (a summary keeps it as a list item: one
 * styled `display: flex` loses it) nor a sign of its own (a drawn `::before`, or a chevron beside its words).
 */
export function disclosuresWithoutSign(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll('details:not([open]) > summary')]
			.filter((s) => s.getBoundingClientRect().width > 0)
			.filter((s) => {
				const style = getComputedStyle(s);
				const triangle = style.display === 'list-item' && style.listStyleType !== 'none';
				const drawn = !['none', 'normal', '""'].includes(getComputedStyle(s, '::before').content);
				const chevron = [...s.querySelectorAll('[aria-hidden="true"]')].some((e) => /^[›▸▶⌄▾]$/.test(e.textContent?.trim() ?? ''));
				return !triangle && !drawn && !chevron;
			})
			.map((s) => s.textContent?.trim() ?? '')
	);
}
