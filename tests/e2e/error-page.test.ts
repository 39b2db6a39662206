import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, phoneContext, screenshot } from './browser';

// A request refused before any page renders (a NUL in an address's query: authenticate.ts) gets the
// app's own short error page: what went wrong, in the app's face, with a way back. Before, SvelteKit's
// bare default: the status and the sentence on a white screen, no link, and the tab's icon a 404.

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('the error page of a refused address', () => {
	it('says the status and why, offers the way back to the app, and asks for no missing icon', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		const missing: string[] = [];
		page.on('response', (r) => void (r.status() === 404 && missing.push(r.url())));
		const res = await page.goto('/admin/users/00000000-0000-4000-8000-000000000000?tab=a%00b');
		expect(res?.status()).toBe(400);
		await expect.poll(() => page.locator('body').innerText()).toContain('Tab cannot hold a NUL character');
		const back = page.getByRole('link', { name: 'Back to Quota' });
		expect(await back.getAttribute('href')).toBe('/');
		await screenshot(page, 'error-page-400');
		await back.click();
		await page.waitForURL((u) => !u.pathname.startsWith('/admin/users/'));
		expect(missing).toEqual([]);
		await context.close();
	});
});
