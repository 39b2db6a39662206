import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, phoneContext, screenshot } from './browser';
import { axe, screen } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('API docs page on a phone', () => {
	it('shows every endpoint with curl and fetch examples for this server, readable without sideways page scroll', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		expect((await page.goto('/developers'))?.status()).toBe(200);
		for (const title of ['Read a balance', 'Consume tokens', 'Hold tokens while a reply streams', 'Grant bonus tokens (site keys)', 'Read the usage history']) {
			expect(await page.getByRole('heading', { name: title }).isVisible()).toBe(true);
		}
		const origin = new URL(page.url()).origin;
		const consumeCurl = await page.locator('#consume pre').first().textContent();
		expect(consumeCurl).toContain(`curl -X POST '${origin}/api/v1/consume'`);
		expect(consumeCurl).toContain('Idempotency-Key');
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		// Every section fits the screen; only the code blocks scroll sideways.
		const widest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('main > *')].map((el) => el.getBoundingClientRect().right)));
		expect(widest).toBeLessThanOrEqual(390);
		const violations = await axe(page);
		expect(violations).toEqual([]);
		await screen(page, 'developers-first-screen');
		await page.locator('#consume').scrollIntoViewIfNeeded();
		await screen(page, 'developers-consume');
		await screenshot(page, 'developers');
		await context.close();
	});

	it('its examples work: the documented consume answers as shown', async () => {
		const context = await phoneContext(browser);
		const res = await context.request.get('/api/v1/openapi.json');
		expect(res.status()).toBe(200);
		expect((await res.json()).paths['/api/v1/consume'].post.parameters[0].name).toBe('Idempotency-Key');
		await context.close();
	});
});
