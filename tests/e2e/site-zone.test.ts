import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, launch } from './browser';
import { screen, sessionCookies } from './app';
import { scrollUntilShown } from './console';
import { zoneLabel } from '../../src/lib/time-zones';

// The site's days are its time zone's (the demo's: UTC), as allowance windows are; a device far from it
// must neither be told otherwise nor get its own dates as the console's defaults.

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** A zone whose date differs from UTC's now: 11 hours behind before 10:00 UTC, 14 ahead from then. */
const farZone = () => (new Date().getUTCHours() < 10 ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati');
const utcToday = () => new Date().toISOString().slice(0, 10);

async function openFar(email: string, viewport: { width: number; height: number }) {
	const context = await browser.newContext({ viewport, baseURL: baseURL(), timezoneId: farZone() });
	await context.addCookies(sessionCookies(email));
	return { context, page: await context.newPage() };
}

describe('days in the site’s time zone', () => {
	it('Reports and the console’s Overview name the site’s zone; the operations export defaults to the site’s month so far, not the device’s', async () => {
		const { context, page } = await openFar('admin@quota.test', { width: 390, height: 844 });
		expect(await page.evaluate(() => new Date().toLocaleDateString('en-CA'))).not.toBe(utcToday());
		const line = `Days run midnight to midnight, ${zoneLabel('UTC')}: the site's time zone`;

		await page.goto('/reports');
		const zone = page.getByText(`${line}, as free allowances do.`);
		await zone.waitFor();
		await zone.scrollIntoViewIfNeeded();
		await screen(page, 'reports-zone-390');

		await page.goto('/admin');
		await page.getByText(new RegExp(`^${line.replace(/[()+·]/g, '\\$&')} \\(set on Limits\\); as of `)).waitFor();
		const from = page.getByLabel('From', { exact: true });
		await scrollUntilShown(page, from);
		await expect.poll(() => from.inputValue()).toBe(`${utcToday().slice(0, 8)}01`);
		expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe(utcToday());
		await page.getByText(`Operations of a date range (days in ${zoneLabel('UTC')}, the site's zone)`).waitFor();
		await from.scrollIntoViewIfNeeded();
		await screen(page, 'admin-exports-site-days-390');
		await context.close();

		const wide = await openFar('admin@quota.test', { width: 1280, height: 800 });
		await wide.page.goto('/reports');
		await wide.page.getByText(`${line}, as free allowances do.`).scrollIntoViewIfNeeded();
		await screen(wide.page, 'reports-zone-1280');
		await wide.page.goto('/admin');
		const wideFrom = wide.page.getByLabel('From', { exact: true });
		await scrollUntilShown(wide.page, wideFrom);
		await expect.poll(() => wideFrom.inputValue()).toBe(`${utcToday().slice(0, 8)}01`);
		await wideFrom.scrollIntoViewIfNeeded();
		await screen(wide.page, 'admin-exports-site-days-1280');
		await wide.context.close();
	}, 120_000);
});
