import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './browser';
import { maya, openAs, ownUser, screen, waitForFresh } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('figures the pages work out themselves', () => {
	it('the playground’s offline estimate is the ledger’s exact cost: 100 characters at 0.07 tokens are 7 tokens, not 8', async () => {
		// A site admin adds the feature through the console's API.
		const admin = await openAs(browser, 'admin@quota.test', '/settings');
		const saved = await admin.page.evaluate(async () => {
			const res = await fetch('/trpc/admin.features.upsert', {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ key: 'summary_chars', name: 'Summary', module: 'chat', unit: 'character', tokensPerUnit: 0.07 })
			});
			return res.status;
		});
		expect(saved).toBe(200);
		await admin.context.close();

		const { context, page } = await openAs(browser, maya.email, '/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Summary/ }).waitFor();
		// Offline, the page can only estimate from the saved rates.
		await context.setOffline(true);
		await page.getByRole('radio', { name: /Summary/ }).click();
		await page.getByLabel('Number of characters').fill('100');
		const cost = page.getByRole('region', { name: 'Cost' });
		await cost.getByText(/Offline: the estimate above uses the saved rates/).waitFor();
		await expect(cost.locator('.cost-figure').innerText()).resolves.toBe('≈ 7 tokens');
		await cost.scrollIntoViewIfNeeded();
		await screen(page, 'playground-offline-estimate');

		// Online again, the server's price says the same.
		await context.setOffline(false);
		await page.getByLabel('Number of characters').fill('101');
		await page.getByLabel('Number of characters').fill('100');
		await cost.locator('.cost-figure').getByText('7 tokens', { exact: true }).waitFor();
		await context.close();
	});

	it('reports name the site’s own windows: 30 days, 12 weeks or 12 months, each with its total', async () => {
		const { context, page } = await openAs(browser, maya.email, '/reports');
		await waitForFresh(page);
		const trend = page.getByRole('region', { name: /Consumption/ });
		await page.getByRole('radio', { name: 'Weekly' }).click();
		// A phone's tap target, as every control of the app (32 px high, before).
		await expect(trend.locator('summary', { hasText: 'Show as a table' }).evaluate((s) => s.getBoundingClientRect().height)).resolves.toBeGreaterThanOrEqual(44);
		await trend.getByText('Show as a table').click();
		const rows = () => trend.locator('tbody tr').count();
		await expect.poll(rows).toBe(12);
		// A week says it is one; a month carries its year ("Nov 26" read as the 26th of November).
		const busiest = () => trend.getByText(/busiest:/).innerText();
		await expect.poll(busiest).toMatch(/ · busiest: week of [A-Z][a-z]{2}\u00a0\d{1,2} \([\d,]+\)$/);
		// The table's rows, under "Week of", name each week by the date the chart and the busiest line do ("Sep 14", not "Sep 14, 2026").
		const weeks = await trend.locator('tbody th').allTextContents();
		for (const week of weeks) expect(week).toMatch(/^[A-Z][a-z]{2}\u00a0\d{1,2}$/);
		expect(weeks).toContain((await busiest()).match(/week of (\S+\u00a0\d+)/)![1]);
		await trend.getByText('Show as a table').scrollIntoViewIfNeeded();
		await screen(page, 'reports-weekly');
		await page.getByRole('radio', { name: 'Monthly' }).click();
		await expect.poll(rows).toBe(12);
		await expect.poll(busiest).toMatch(/ · busiest: [A-Z][a-z]{2}\u00a020\d\d \([\d,]+\)$/);
		for (const month of await trend.locator('tbody th').allTextContents()) expect(month).toMatch(/^[A-Z][a-z]{2}\u00a020\d\d$/);
		await screen(page, 'reports-monthly');
		await page.setViewportSize({ width: 1280, height: 800 });
		await trend.scrollIntoViewIfNeeded();
		await screen(page, 'reports-monthly-1280');
		await page.getByRole('radio', { name: 'Weekly' }).click();
		await expect.poll(busiest).toMatch(/busiest: week of/);
		await screen(page, 'reports-weekly-1280');
		await page.setViewportSize({ width: 390, height: 844 });
		await page.getByRole('radio', { name: 'Monthly' }).click();
		await page.getByRole('radio', { name: 'Daily' }).click();
		await expect.poll(rows).toBe(30);
		// Her fixed-cost uses (Generate all, Search images) name no model: said so beside the models, with a share as English writes it.
		const byModel = page.getByRole('region', { name: 'By model' });
		const none = byModel.getByRole('listitem').filter({ hasText: 'No particular model' });
		await expect(none.locator('.figure').innerText()).resolves.toMatch(/^[\d,]+ · (\d+|< 1|> 99)%$/);
		await byModel.scrollIntoViewIfNeeded();
		await screen(page, 'reports-by-model');
		await context.close();
	});

	it('reports with no use yet say so where the bars would be, not an axis of 0 to 1 token', async () => {
		const { context, page } = await ownUser(browser, 'Nadia Nouse', 0);
		await page.goto('/reports');
		const trend = page.getByRole('region', { name: /Consumption/ });
		await trend.getByText('No tokens used in the last 30 days.').waitFor();
		await expect(trend.getByRole('img').count()).resolves.toBe(0);
		await page.getByRole('radio', { name: 'Monthly' }).click();
		await trend.getByText('No tokens used in the last 12 months.').waitFor();
		await screen(page, 'reports-no-use');
		await context.close();
	});
});
