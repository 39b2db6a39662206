import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, screenshot } from './browser';
import { leo, maya, openAs, waitForFresh } from './app';

// Issue 13.4: a team member's Team page shows the daily limit the owner set for them (Leo: 5,000)
// and the team's own limit (Acme Studio: 20,000 a day); it never says "no daily limit" for a limit
// that exists, nor guesses at other members' limits.

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('the Team page tells a member their limits', () => {
	it('a member sees the team’s daily limit and their own, in their locale’s numbers', async () => {
		const { context, page } = await openAs(browser, leo.email, '/team');
		await waitForFresh(page);
		const pool = page.getByRole('region', { name: 'Acme Studio pool' });
		await expect(pool.getByText('Team limit: 20,000 tokens a day', { exact: true }).isVisible()).resolves.toBe(true);
		await expect(pool.getByText(/^Your limit: 5,000 tokens a day · [\d,]+ left today$/).isVisible()).resolves.toBe(true);
		const members = page.getByRole('region', { name: 'Members' });
		const own = members.getByRole('listitem').filter({ hasText: leo.name });
		await expect(own.getByText(/· limit 5,000 a day$/).isVisible()).resolves.toBe(true);
		await expect(members.getByText(/no daily limit/).count()).resolves.toBe(0);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(page, 'team-member-limits');
		await context.close();
	});

	it('the owner sees every member’s limit', async () => {
		const { context, page } = await openAs(browser, maya.email, '/team');
		await waitForFresh(page);
		const members = page.getByRole('region', { name: 'Members' });
		await expect(members.getByRole('listitem').filter({ hasText: leo.name }).getByText(/· limit 5,000 a day$/).isVisible()).resolves.toBe(true);
		await expect(members.getByRole('listitem').filter({ hasText: maya.name }).getByText(/· no daily limit$/).isVisible()).resolves.toBe(true);
		await context.close();
	});
});
