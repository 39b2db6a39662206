import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, phoneContext, screenshot } from './browser';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('home page on a phone', () => {
	it('says what Quota is and offers sign-in without horizontal scrolling', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		const res = await page.goto('/');
		expect(res?.status()).toBe(200);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Quota');
		expect(await page.getByRole('link', { name: 'Sign in' }).isVisible()).toBe(true);
		// "Member" is a team's role (and a site role's default name), not a word for anyone signed in.
		await page.getByText('Daily, weekly or monthly free tokens per module for guests, signed-in users and site roles.', { exact: true }).waitFor();
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(page, 'home');
		await context.close();
	});

	it('a mistyped address answers 404 with a page that says so and offers the dashboard and the start page', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		const res = await page.goto('/dashbord');
		expect(res?.status()).toBe(404);
		await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Page not found');
		expect(await page.getByText('There is no page at /dashbord.').isVisible()).toBe(true);
		await expect(page.title()).resolves.toBe('Page not found · Quota');
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(page, 'not-found');
		await page.getByRole('link', { name: "Quota's start page" }).click();
		await page.waitForURL((url) => url.pathname === '/');
		await page.goBack();
		await page.getByRole('link', { name: 'Open your dashboard' }).click();
		// Signed out, the dashboard asks for a sign-in first.
		await page.waitForURL(/\/signin/);
		// The address is shown as text, whatever it holds; an API caller still gets its JSON 404.
		const odd = await context.request.get("/o'reilly&co", { headers: { accept: 'text/html' } });
		expect(odd.status()).toBe(404);
		expect(await odd.text()).toContain('<code>/o&#39;reilly&amp;co</code>');
		// The address people guess first for signing in is the sign-in page, with where to go after.
		const login = await context.request.get('/login?next=%2Fusage', { maxRedirects: 0 });
		expect(login.status()).toBe(308);
		expect(login.headers()['location']).toBe('/signin?next=%2Fusage');
		const api = await context.request.get('/api/v1/nothing-here', { headers: { accept: 'text/html,application/json' } });
		expect(api.status()).toBe(404);
		expect(api.headers()['content-type']).not.toContain('text/html');
		await context.close();
	});

	it("serves the widget's script for shared caches without a cookie, and sets the guest cookie only on the app's own pages", async () => {
		const context = await phoneContext(browser);
		const script = await context.request.get('/embed/quota-usage.js');
		expect(script.status()).toBe(200);
		expect(script.headers()['cache-control']).toBe('public, max-age=300');
		expect(script.headers()['set-cookie']).toBeUndefined();
		const home = await context.request.get('/');
		expect(home.headers()['set-cookie']).toMatch(/^quota_guest=/);
		expect(home.headers()['cache-control'] ?? '').not.toMatch(/public|s-maxage/);
		await context.close();
	});

	it('reports health with the app version and database state', async () => {
		const context = await phoneContext(browser);
		const res = await context.request.get('/healthz');
		expect(res.status()).toBe(200);
		const body = await res.json();
		expect(body).toMatchObject({ ok: true, database: { ok: true, kind: 'pglite' } });
		expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
		await context.close();
	});
});
