import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch } from './browser';
import { ownUser, screen, siteApi, waitForFresh } from './app';

// A streamed reply as a host site meters it: a hold of 2,000, settled at 777. The member's usage
// sheet says what a settle is (its cost is the tokens settled, not units × rate) and that the free
// allowance paid 777 (1,223 went back), as GET /balance counts it; a hold settled at 0 paid nothing
// and is listed as "Released — nothing charged", not "Used 0".

let browser: Browser;
let context: BrowserContext;
let page: Page;
let user: string;
beforeAll(async () => {
	browser = await launch();
	({ context, page, id: user } = await ownUser(browser, 'Hold Settler', 1000));
});
afterAll(async () => {
	await context?.close();
	await browser?.close();
});

/** A hold of `held` on the chatbot, settled at `tokens`, through the site API. */
async function settled(held: number, tokens: number) {
	const h = await siteApi('holds', { user, feature: 'ai_bots', max_tokens: held });
	expect(h.status).toBe(201);
	const s = await siteApi(`holds/${(await h.json()).hold_id}/settle`, { tokens });
	expect(s.status).toBe(200);
	return s.json();
}

describe('a settled hold on the usage page, on a phone', () => {
	it('opens as a use of 777 settled from a hold of 2,000, paid by the free allowance 777', async () => {
		expect(await settled(2000, 777)).toEqual({ cost: 777, released: 1223, paid_by: [expect.objectContaining({ type: 'allowance', label: 'chat', tokens: 777 })], remaining: expect.any(Number) });
		await page.goto('/usage');
		await waitForFresh(page);
		const row = page.locator('tbody tr').first();
		await expect(row.innerText()).resolves.toMatch(/Chatbot reply[\s\S]*Used\s*777/);
		await row.getByRole('button').click();
		const sheet = page.getByRole('dialog', { name: 'Chatbot reply' });
		await sheet.getByText('Paid by').waitFor();
		const detail = await sheet.locator('dl').first().innerText();
		expect(detail).toContain('Tokens used\n777');
		expect(detail).toContain('Hold\nSettled from a hold of 2,000: 777 charged, 1,223 released');
		expect(detail).not.toMatch(/Units|Rate/);
		await expect(sheet.locator('ul.paid > li').allInnerTexts()).resolves.toEqual(['Free allowance · Chatbot\n777']);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screen(page, 'usage-settled-hold');
		await page.keyboard.press('Escape');
		await sheet.waitFor({ state: 'hidden' });
	});

	it('a hold settled at 0 is a use that charged nothing, said so rather than "Used 0"', async () => {
		await settled(300, 0);
		await page.goto('/usage');
		await waitForFresh(page);
		const row = page.locator('tbody tr').first();
		await expect(row.innerText()).resolves.toMatch(/Chatbot reply[\s\S]*Used\s*Released — nothing charged/);
		await row.getByRole('button').click();
		const sheet = page.getByRole('dialog', { name: 'Chatbot reply' });
		await sheet.getByText('Paid by').waitFor();
		const detail = await sheet.locator('dl').first().innerText();
		expect(detail).toContain('Tokens used\nReleased — nothing charged');
		expect(detail).toContain('Hold\nSettled at 0 from a hold of 300: all of it released, nothing charged');
		await expect(sheet.getByText('Nothing: no tokens were charged.').isVisible()).resolves.toBe(true);
		await screen(page, 'usage-settled-hold-zero');
		// Reports counts it as the Usage page lists it: two uses of the chatbot, 777 tokens.
		await page.goto('/reports');
		await waitForFresh(page);
		await page.getByText('2 operations').first().waitFor();
		await screen(page, 'reports-settled-hold-zero');
	});
});
