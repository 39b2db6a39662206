import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseURL, installedPhone, launch, phone, phoneContext } from './browser';
import { fullChromium } from './server';
import { boxesTogether, leo, maya, openAs, ownUser, screen, sessionCookies, START_JS_BUDGET, startScripts, waitForFresh, waitForServiceWorker } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('installable app', () => {
	it('has a valid manifest, no installability errors, and a service worker that controls the page after reload', async () => {
		const profile = mkdtempSync(join(tmpdir(), 'quota-pwa-'));
		const context = await chromium.launchPersistentContext(profile, {
			...fullChromium,
			...installedPhone,
			baseURL: baseURL()
		});
		try {
			await context.addCookies(sessionCookies(maya.email));
			const page = await context.newPage();
			await page.goto('/dashboard');
			const manifest = await (await context.request.get('/manifest.webmanifest')).json();
			expect(manifest).toMatchObject({ short_name: 'Quota', start_url: '/dashboard', display: 'standalone' });
			const sizes = manifest.icons.map((i: { sizes: string; purpose: string }) => `${i.sizes} ${i.purpose}`);
			expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '192x192 maskable', '512x512 maskable']));
			for (const icon of manifest.icons) {
				const res = await context.request.get(icon.src);
				expect(res.headers()['content-type']).toBe('image/png');
			}
			await waitForServiceWorker(page);
			await page.reload();
			expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/service-worker\.js$/);

			const cdp = await context.newCDPSession(page);
			const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
			expect(installabilityErrors).toEqual([]);
			const parsed = (await cdp.send('Page.getAppManifest')) as { url: string; errors?: { message: string; critical: number }[]; data?: string };
			expect(parsed.url).toMatch(/\/manifest\.webmanifest$/);
			expect((parsed.errors ?? []).filter((e) => e.critical)).toEqual([]);
		} finally {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		}
	});

	it('tells iPhone users how to add the app to the home screen when they come back, until dismissed', async () => {
		// Said in the browser, before the app is installed: without the service worker, which has no part in it.
		const context = await browser.newContext({
			...phone,
			baseURL: baseURL(),
			userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1'
		});
		await context.addCookies(sessionCookies(leo.email));
		const page = await context.newPage();
		await page.goto('/dashboard');
		const hint = page.getByText('Add to Home Screen');
		await waitForFresh(page);
		await expect(hint.count()).resolves.toBe(0); // not on a first look
		await page.reload();
		await hint.waitFor();
		await screen(page, 'ios-install-hint');
		await page.getByRole('button', { name: 'Dismiss the install hint' }).click();
		await page.reload();
		await waitForFresh(page);
		await expect(hint.count()).resolves.toBe(0);
		await context.close();
	});

	it('never caches balances or history in the service worker', async () => {
		const { context, page } = await openAs(browser, leo.email, '/dashboard', installedPhone);
		await waitForServiceWorker(page);
		await waitForFresh(page);
		const cachedUrls = await page.evaluate(async () => {
			const urls: string[] = [];
			for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
			return urls;
		});
		expect(cachedUrls).toContain('/dashboard');
		expect(cachedUrls.filter((u) => u.startsWith('/trpc') || u.startsWith('/api/'))).toEqual([]);
		await context.close();
	});
});

describe('the playground', () => {
	it('shows the cost and who would pay before running, then runs a real consume and the balance follows', async () => {
		// A user of its own: the balance must move by this run's 65 tokens only.
		const { context, page } = await ownUser(browser, 'Pat Playground', 5_000);
		await page.goto('/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Generate all/ }).click();
		const cost = page.getByRole('region', { name: 'Cost' });
		await cost.getByText('65 tokens', { exact: true }).waitFor();
		await cost.getByText('Would be paid by').waitFor();
		// What is left is this feature's (its allowance and the lots it may use), not the account's Available;
		// the Balance card says what it counts down from: what this operation can spend.
		const after = cost.getByText(/^· [\d,]+ spendable on this feature after it$/);
		await after.waitFor();
		const balance = page.getByRole('region', { name: 'Balance' });
		await balance.getByText('Available for Generate all', { exact: true }).waitFor();
		const available = balance.locator('strong');
		const before = (await available.textContent())!;
		const toNumber = (t: string) => Number(t.replace(/[^\d]/g, ''));
		expect(toNumber(before) - 65).toBe(toNumber((await after.textContent())!));
		await cost.scrollIntoViewIfNeeded();
		await screen(page, 'playground-preview');
		const previews: string[] = [];
		page.on('request', (r) => void (r.url().includes('ledger.preview') && previews.push(r.url())));
		await page.getByRole('button', { name: 'Run generate all' }).click();
		const done = page.getByText(/^Done: 65 tokens spent; [\d,]+ still spendable on this feature\.$/);
		await done.waitFor();
		// Said where it is read: in view, above the tab bar (it lands at the foot of the page).
		await expect.poll(async () => {
			const [box, bar] = await boxesTogether(done, page.getByRole('navigation', { name: 'Main' }).last());
			return box!.y >= 0 && box!.y + box!.height <= bar!.y;
		}).toBe(true);
		// Beside what is left now, the card prices the next run: said so, not a second "spendable" that disagrees.
		await cost.getByText(/^· [\d,]+ spendable on this feature after running it again$/).waitFor();
		await page.waitForFunction((b) => document.querySelector('[aria-label="Balance"] strong')?.textContent !== b, before);
		expect(toNumber(before) - toNumber((await available.textContent())!)).toBe(65);
		// The run's new figures are priced once, not again by the watch on the refreshed summary.
		await page.waitForTimeout(600);
		expect(previews).toHaveLength(1);
		await screen(page, 'playground-ran');
		// The outcome is about that run: another operation chosen, it goes (it read "Done … left" under the new one).
		await page.getByRole('radio', { name: /Generate texts/ }).click();
		await expect(page.getByText(/Done: 65 tokens spent/).count()).resolves.toBe(0);
		await context.close();
	});

	it("says what the operation chosen can spend above it, the account's Available under that, and a refusal counts the first", async () => {
		const { context, page } = await openAs(browser, maya.email, '/playground');
		await waitForFresh(page);
		const card = page.getByRole('region', { name: 'Balance' });
		await page.getByRole('radio', { name: /Chatbot reply/ }).click();
		await card.getByText('Available for Chatbot reply', { exact: true }).waitFor();
		const toNumber = (t: string) => Number(t.replace(/[^\d]/g, ''));
		const here = toNumber((await card.locator('strong').textContent())!);
		// Under it the account's Available, the dashboard's figure: Maya's model lots, which a chat reply on general tokens may not spend, are in it.
		const available = toNumber((await card.getByText(/^of [\d,]+ in the account$/).textContent())!);
		expect(here).toBeLessThan(available);
		await screen(page, 'playground-available-here');
		// As much as the whole account holds, on general tokens: more than this feature and model may spend.
		await page.getByLabel('Number of words').fill(String(Math.floor(available / 2.5)));
		const refusal = page.getByRole('region', { name: 'Cost' }).getByRole('alert');
		await refusal.waitFor();
		const words = (await refusal.textContent())!;
		const said = /^This costs ([\d,]+) tokens, more than the ([\d,]+) spendable on this feature\.$/.exec(words);
		expect(said, words).not.toBeNull();
		expect(toNumber(said![2]!)).toBe(here);
		// The card's heading names what stops it, and offers the way out.
		const cost = page.getByRole('region', { name: 'Cost' });
		await cost.getByText('Not enough tokens', { exact: true }).waitFor();
		await expect(cost.getByRole('link', { name: 'Buy tokens' }).getAttribute('href')).resolves.toBe('/store');
		await refusal.scrollIntoViewIfNeeded();
		await screen(page, 'playground-refused-spendable');
		await context.close();
	});

	it('blocks an operation the account cannot pay, with the configured message', async () => {
		const { context, page } = await openAs(browser, leo.email, '/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Image generation/ }).click();
		await page.getByLabel('How many times').fill('5000');
		await page.getByRole('alert').first().waitFor();
		await expect(page.getByRole('button', { name: /^Run / }).isDisabled()).resolves.toBe(true);
		await page.getByRole('alert').first().scrollIntoViewIfNeeded();
		await screen(page, 'playground-blocked');
		await context.close();
	});

	it('says beside the units field what is wrong with a number it cannot take, shows no cost for it and sends nothing', async () => {
		const { context, page } = await openAs(browser, maya.email, '/playground');
		const consoleErrors: string[] = [];
		page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
		page.on('pageerror', (e) => consoleErrors.push(e.message));
		await waitForFresh(page);
		const field = page.getByLabel('Number of words');
		const cost = page.getByRole('region', { name: 'Cost' });
		const run = page.getByRole('button', { name: /^Run / });
		await cost.getByText('250 tokens', { exact: true }).waitFor();
		await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('button.run')?.disabled);
		const asked: string[] = [];
		page.on('request', (r) => {
			const path = new URL(r.url()).pathname;
			if (/^\/(trpc|api)\//.test(path) && (r.method() === 'POST' || /ledger\.(preview|consume)/.test(path))) asked.push(`${r.method()} ${path}`);
		});
		// Named as the field is labelled ("Number of words"), not as the API calls it (units).
		const rule = 'The number of words must be a whole number from 1 to 1,000,000,000.';
		// Letters ("e" is one a number field lets through) leave an empty value, with validity.badInput.
		for (const typed of ['', '0', '-5', '2.5', '99999999999999', 'e']) {
			if (typed === 'e') {
				await field.fill('');
				await field.pressSequentially('e');
				await expect(field.evaluate((e: HTMLInputElement) => e.validity.badInput)).resolves.toBe(true);
			} else await field.fill(typed);
			await page.locator('#units-error').getByText(rule, { exact: true }).waitFor();
			await expect(field.getAttribute('aria-invalid'), typed).resolves.toBe('true');
			await expect(field.getAttribute('aria-describedby'), typed).resolves.toBe('units-error');
			await cost.getByText(/^No cost to show until/).waitFor();
			const said = await cost.innerText();
			expect(said, typed).not.toMatch(/250 tokens|Enough tokens|Would be paid by/);
			await expect(cost.getAttribute('class'), typed).resolves.not.toMatch(/\bok\b/);
			await expect(run.isDisabled(), typed).resolves.toBe(true);
			if (typed === '2.5') {
				await page.getByRole('region', { name: 'Options' }).evaluate((e) => e.scrollIntoView({ block: 'center' }));
				await screen(page, 'playground-invalid-units');
			}
		}
		await page.waitForTimeout(600); // longer than the preview's 250 ms wait
		expect(asked).toEqual([]);
		await field.fill('100');
		await cost.getByText('250 tokens', { exact: true }).waitFor();
		await expect(field.getAttribute('aria-invalid')).resolves.toBeNull();
		await expect(page.locator('#units-error').count()).resolves.toBe(0);
		expect(consoleErrors).toEqual([]);
		await context.close();
	});
});

describe('live figures', () => {
	it('updates an open dashboard at once when tokens are spent elsewhere (server-sent events)', async () => {
		// A user of its own: a demo user's spending elsewhere at the same time would move the figure too.
		const { context, page } = await ownUser(browser, 'Liv Figures', 5_000);
		await waitForFresh(page);
		const used = page.getByRole('region', { name: 'Summary' }).locator('.stat', { hasText: 'Used this month' }).locator('.value');
		const before = Number((await used.textContent())!.replace(/[^\d]/g, ''));
		const other = await context.newPage();
		await other.goto('/playground');
		await other.evaluate(async () => {
			const res = await fetch('/trpc/ledger.consume', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ feature: 'search_prices', units: 1, idempotencyKey: crypto.randomUUID() })
			});
			if (!res.ok) throw new Error(await res.text());
		});
		// Well before the 30-second refresh.
		await page.waitForFunction(
			(b) => Number(document.querySelector('[aria-label="Summary"] .stat:nth-child(3) .value')?.textContent?.replace(/[^\d]/g, '')) === b + 10,
			before,
			{ timeout: 10_000 }
		);
		await context.close();
	});

	it('refreshes every 30 seconds while the page is visible', async () => {
		const context = await phoneContext(browser);
		await context.addCookies(sessionCookies(leo.email));
		const page = await context.newPage();
		await page.clock.install();
		await page.goto('/dashboard');
		await waitForFresh(page);
		let summaries = 0;
		page.on('request', (r) => {
			if (r.url().includes('ledger.dashboard')) summaries++;
		});
		await page.clock.runFor(31_000);
		await expect.poll(() => summaries).toBeGreaterThan(0);
		await context.close();
	});
});

describe('first load', () => {
	it('paints the sign-in page and the dashboard without waiting for a stylesheet (their CSS is inline)', async () => {
		const context = await phoneContext(browser);
		const blocking = async (path: string) => {
			const res = await context.request.get(path, { maxRedirects: 0 });
			expect(res.status(), path).toBe(200);
			const html = await res.text();
			expect(html).toContain('<style');
			return [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*>/g)].map((m) => m[0]).filter((tag) => !/\sdisabled/.test(tag));
		};
		expect(await blocking('/signin')).toEqual([]);
		await context.addCookies(sessionCookies(maya.email));
		expect(await blocking('/dashboard')).toEqual([]);
		await context.close();
	});

	it('keeps the JavaScript the dashboard needs at start under 60 KB gzipped (charts load later)', async () => {
		const context = await phoneContext(browser);
		await context.addCookies(sessionCookies(maya.email));
		const page = await context.newPage();
		const { scripts, total } = await startScripts(page, '/dashboard', () => waitForFresh(page));
		expect(scripts.length).toBeGreaterThan(0);
		expect(scripts.some((s) => /uplot/i.test(readFileSync(join('build/client', s.path), 'utf8').slice(0, 2000)))).toBe(false);
		expect(total).toBeLessThanOrEqual(START_JS_BUDGET);
		await context.close();
	});

	it('asks for its figures while the scripts load, and shows the pool the user last picked, not their own', async () => {
		// A user of the test's own, with tokens of their own and an empty team pool: picking the pool
		// changes what they see everywhere, which a file running beside this one must not see of a demo user.
		const { context: picking, page: pickingPage } = await ownUser(browser, 'Pia Picker', 5_000);
		const team = (await (await pickingPage.request.post('/trpc/team.create', { data: { name: 'Pia Studio' } })).json()).result.data as { accountId: string };
		const activeAccount = async () => (await (await pickingPage.request.get('/trpc/settings.get')).json()).result.data as { activeAccountId: string };
		await pickingPage.reload();
		await waitForFresh(pickingPage);
		await pickingPage.getByRole('radio', { name: /Pia Studio/ }).click();
		await expect.poll(async () => (await activeAccount()).activeAccountId).toBe(team.accountId);

		// Another phone, nothing saved on it: the dashboard asks before it knows the active account.
		const fresh = await phoneContext(browser);
		await fresh.addCookies(await picking.cookies());
		const page = await fresh.newPage();
		const asked: string[] = [];
		page.on('request', (r) => {
			if (r.url().includes('/trpc/')) asked.push(decodeURIComponent(new URL(r.url()).pathname.slice('/trpc/'.length)));
		});
		await page.goto('/dashboard');
		await waitForFresh(page);
		// One request while the scripts load, and the page asked for none of it again.
		expect(asked.filter((procedures) => /settings\.get|me\.profile|ledger\.(dashboard|summary)/.test(procedures))).toEqual(['settings.get,me.profile,ledger.dashboard']);
		await expect(page.getByRole('radio', { name: /Pia Studio/ }).getAttribute('aria-checked')).resolves.toBe('true');
		// The first card is the pool's balance (no lots: 0), not their own 5,000 nor the pool's free allowances (balance-figures.ts).
		await expect(page.locator('[aria-label="Summary"] .stat:first-child .value').textContent()).resolves.toBe('0');
		await fresh.close();
		await picking.close();
	});
});
