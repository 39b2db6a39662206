import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, bothSizes, launch, phone, screenshot } from './browser';
import { buy, ownUser, screen, sessionCookies, siteApi, waitForFresh } from './app';
import { scrollUntilShown } from './console';
import { zoneName } from '../../src/lib/zone-name';

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
		const line = `Days run midnight to midnight, ${zoneName('UTC')}: the site's time zone`;

		await page.goto('/reports');
		const zone = page.getByText(`${line}, as free allowances do.`);
		await zone.waitFor();
		await zone.scrollIntoViewIfNeeded();
		await screen(page, 'reports-zone-390');

		await page.goto('/admin');
		// Its "as of" on the site's clock, named: the device's (11 or 14 hours off) went unnamed beside the site's days.
		await page.getByText(new RegExp(`^${line.replace(/[()+·]/g, '\\$&')} \\(set on Limits\\); as of [A-Z][a-z]{2} \\d{1,2}, \\d{4}, \\d{2}:\\d{2} UTC\\.$`)).waitFor();
		const from = page.getByLabel('From', { exact: true });
		await scrollUntilShown(page, from);
		await expect.poll(() => from.inputValue()).toBe(`${utcToday().slice(0, 8)}01`);
		expect(await page.getByLabel('To', { exact: true }).inputValue()).toBe(utcToday());
		await page.getByText(`Operations and payments of a date range: the site's days, ${zoneName('UTC')}`).waitFor();
		// What the file's two token columns mean, said beside its link, not only in docs/admin-console.md: a consume a free allowance paid reads tokens 0.
		const columns = page.getByText(/^In the operations file, tokens is what each row moved of the balance/);
		await columns.waitFor();
		expect((await columns.textContent())!.replace(/\s+/g, ' ')).toBe(
			"In the operations file, tokens is what each row moved of the balance, as the member's statement counts it: + a grant, − a use (at its settle for a hold), an expiry, a take-back or an admin's change, 0 for a hold, a refusal or what a free allowance or unlimited use paid, so an account's rows add up to its balance's change. cost_tokens is what a use cost, free allowance included; empty for grants, expiries, take-backs and an admin's changes. A hold's row shows what it held and its settle's what the job cost: add up settles, not holds. balance_after_tokens is the account's balance right after the row, as its statement shows it: a use a free allowance paid leaves it as it was."
		);
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

describe('the dashboard’s today is the site’s day', () => {
	it('says from when on the viewer’s clock it counts, once their zone starts the day at another moment than the site’s', async () => {
		const { context, page } = await ownUser(browser, 'Kenji Far', 0);
		const used = page.getByRole('region', { name: 'Summary' }).locator('.stat', { has: page.getByText('Used this month', { exact: true }) }).locator('.sub');
		const meaning = page.locator('#balance-figures');
		await page.goto('/dashboard');
		await waitForFresh(page);
		// No zone of their own: the app's dates and the site's days are not told apart.
		await expect(used.innerText()).resolves.toBe('0 today');
		expect(await meaning.innerText()).not.toContain("the site's");

		const status = await page.evaluate(
			async () => (await fetch('/trpc/me.updateProfile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeZone: 'Asia/Tokyo' }) })).status
		);
		expect(status).toBe(200);
		await page.goto('/dashboard');
		await waitForFresh(page);
		// The demo's site runs on UTC: its day begins at 09:00 in Tokyo, the line short enough for the card on a phone.
		await expect.poll(() => used.innerText()).toBe('0 since 09:00');
		// From 15:00 UTC it is already the next day in Tokyo: the site's day began there yesterday.
		expect(await meaning.innerText()).toMatch(/ This month and today are the site's days, midnight to midnight in UTC, as caps and free allowances count them: its today began (yesterday )?at 09:00 in your zone, Tokyo time \(UTC\+9\)\.$/);
		await meaning.scrollIntoViewIfNeeded();
		await bothSizes(page, 'dashboard-site-day');

		// The Team page counts the same day: its pool's and members' "today" is told the same way.
		const made = await page.evaluate(
			async () => (await fetch('/trpc/team.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Far Team' }) })).status
		);
		expect(made).toBe(200);
		await page.goto('/team');
		await waitForFresh(page);
		const pool = page.getByRole('region', { name: 'Far Team pool' });
		await pool.getByText(/^This month and today are the site's days, midnight to midnight in UTC, as caps and free allowances count them: its today began (yesterday )?at 09:00 in your zone, Tokyo time \(UTC\+9\)\.$/).waitFor();
		await bothSizes(page, 'team-site-day');
		await context.close();
	});
});

/** A figure as the pages write it ("14,350") as a number. */
const figure = (text: string) => Number(text.replace(/[^\d]/g, ''));

describe('a day is the site’s on every page', () => {
	// The site's day is UTC's (the demo's zone); a phone in Tokyo or Berlin reads its times on its own clock.
	const zones = [
		['Asia/Tokyo', 'Tokyo time (UTC+9)', 'Jan 1, 2028, 08:59 Tokyo time (UTC+9)'],
		['Europe/Berlin', 'Berlin time (UTC+1)', 'Jan 1, 2028, 00:59 Berlin time (UTC+1)']
	] as const;
	for (const [zone, named, expiry] of zones) {
		it(`Reports, the usage filter and the dashboard total the same day on a phone in ${zone}, and an expiry names its zone`, async () => {
			const { context, page, id } = await ownUser(browser, `Day ${zone.split('/')[1]}`, 10_000, { ...phone, timezoneId: zone });
			const granted = await siteApi('grants', { user: id, tokens: 500, source: 'bonus', note: 'Ends with 2027', expires_at: '2027-12-31T23:59:59Z' });
			expect(granted.status).toBe(201);
			for (const units of [4, 40, 400]) expect((await siteApi('consume', { user: id, feature: 'ai_bots', units })).status).toBe(200);
			const day = utcToday();

			await page.goto('/dashboard');
			await waitForFresh(page);
			const used = page.getByRole('region', { name: 'Summary' }).locator('.stat', { has: page.getByText('Used this month', { exact: true }) }).locator('.sub');
			// Said with the site's zone: the phone's own day starts at another moment.
			await expect.poll(() => used.innerText()).toMatch(/^[\d,]+ today \(UTC\)$/);
			const today = figure(await used.innerText());
			expect(today).toBeGreaterThan(0);
			const meaning = page.locator('#balance-figures');
			expect(await meaning.innerText()).toContain("This month and today are the site's days, midnight to midnight in UTC, as caps, free allowances and Reports count them, not this device's.");
			// The last second of 2027 in UTC is already 2028 on the phone's clock: the moment says whose.
			await page.getByText(`expire ${expiry}`).scrollIntoViewIfNeeded();
			await screenshot(page, `day-dashboard-${zone.split('/')[1]}-390`);
			await page.goto('/statement');
			await page.getByText(`expires ${expiry}`).waitFor();
			await page.getByText(`Times are in your zone, ${named}.`).waitFor();
			await screenshot(page, `day-statement-${zone.split('/')[1]}-390`);

			await page.goto('/reports');
			await page.getByText('Show as a table').click();
			const last = page.locator('details table tbody tr').last();
			await last.waitFor();
			expect(figure(await last.locator('td').innerText())).toBe(today);
			await last.scrollIntoViewIfNeeded();
			await screenshot(page, `day-reports-${zone.split('/')[1]}-390`);

			await page.goto('/usage');
			await waitForFresh(page);
			await page.getByText('Filters').click();
			await page.locator('#f-from').fill(day);
			await page.locator('#f-to').fill(day);
			await page.getByText('From and To are the site\'s days, midnight to midnight UTC, as Reports and daily caps count them.').waitFor();
			await page.getByText(/^That is all: \d+ uses?\.$/).waitFor();
			const listed = await page.locator('tbody tr td.num:first-of-type').allInnerTexts();
			expect(listed.reduce((sum, t) => sum + figure(t), 0)).toBe(today);
			// The list's times are the phone's: it says so.
			await page.getByText(`Times are in your zone, ${named}.`).waitFor();
			await expect(page.locator('thead th', { hasText: 'Date' }).innerText()).resolves.toBe('Date (your zone)');
			await screenshot(page, `day-usage-${zone.split('/')[1]}-390`);
			await context.close();
		}, 120_000);
	}
});

describe('every list with times says whose clock they are on, when it is not the site’s', () => {
	const note = 'Times are in your zone, Berlin time (UTC+1).';
	it('a member’s purchases and alerts on a phone in Berlin (the site’s day is UTC’s), and not on one in UTC', async () => {
		const { context, page, id } = await ownUser(browser, 'Berlin Lists', 1_000, { ...phone, timezoneId: 'Europe/Berlin' });
		// Its alert step at 95%: the shares are of its 1,000 tokens and its free allowances' limits, and
		// image generation (no free allowance) spends 840 of the 1,000 tokens, below 95% of them all.
		// (A new account's first spending is no "going fast" notice: no earlier use to compare it with.)
		const stepped = await page.evaluate(async () => {
			const me = (await (await fetch('/trpc/me.profile')).json()).result.data as { personalAccountId: string };
			const body = { key: crypto.randomUUID(), accountId: me.personalAccountId, shares: [95], tokens: [], depleted: true };
			return (await fetch('/trpc/alerts.setSteps', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;
		});
		expect(stepped).toBe(200);
		expect((await siteApi('consume', { user: id, feature: 'image_generation', units: 21 })).status).toBe(200);
		await page.goto('/alerts');
		const alerts = page.getByRole('list', { name: 'Alerts, newest first' });
		await expect.poll(async () => (await page.reload(), await alerts.getByRole('listitem').count()), { timeout: 20_000 }).toBeGreaterThan(0);
		await alerts.getByText('Below 95%').first().waitFor();
		await page.getByText(note).waitFor();
		await bothSizes(page, 'zone-alerts-berlin');

		await buy(page, 'Token pack', /^Buy/, '$5.00', '5,000');
		await page.goto('/purchases');
		await page.getByRole('heading', { name: 'Purchase history' }).waitFor();
		await page.getByText(note).waitFor();
		await page.getByText(note).scrollIntoViewIfNeeded();
		await screen(page, 'zone-purchases-berlin-390');
		const cookies = await context.cookies();
		await context.close();

		// The same account on a device whose clock is the site's: nothing to say.
		const utc = await browser.newContext({ ...phone, baseURL: baseURL(), timezoneId: 'UTC' });
		await utc.addCookies(cookies);
		const same = await utc.newPage();
		await same.goto('/purchases');
		await same.getByRole('heading', { name: 'Purchase history' }).locator('xpath=..').getByRole('listitem').first().waitFor();
		await expect(same.getByText(/are in your zone/).count()).resolves.toBe(0);
		await same.goto('/alerts');
		await same.getByRole('list', { name: 'Alerts, newest first' }).getByRole('listitem').first().waitFor();
		await expect(same.getByText(/are in your zone/).count()).resolves.toBe(0);
		await utc.close();
	}, 180_000);

	it('the console’s users, audit log and payments in Berlin, at a phone’s size and a desktop’s', async () => {
		for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
			const context = await browser.newContext({ viewport, baseURL: baseURL(), timezoneId: 'Europe/Berlin' });
			await context.addCookies(sessionCookies('admin@quota.test'));
			const page = await context.newPage();
			for (const [path, said] of [
				['/admin/audit', note],
				['/admin/payments', note],
				['/admin/users', 'Times, and the days people joined and were seen, are in your zone, Berlin time (UTC+1).']
			] as const) {
				await page.goto(path);
				const line = page.getByText(said);
				await line.waitFor();
				// The list has come ("12 entries", "3 events", …): the note stands above its rows.
				await page.getByRole('status').filter({ hasText: /^\s*\d/ }).first().waitFor();
				await line.scrollIntoViewIfNeeded();
				await screen(page, `zone-console${path.replaceAll('/', '-')}-berlin-${viewport.width}`);
			}
			await context.close();
		}
		// In UTC, the site's zone: the lists say nothing of zones.
		const utc = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: baseURL(), timezoneId: 'UTC' });
		await utc.addCookies(sessionCookies('admin@quota.test'));
		const page = await utc.newPage();
		await page.goto('/admin/audit');
		await page.getByRole('heading', { name: 'Newest first' }).waitFor();
		await page.locator('ol.entries li').first().waitFor();
		await expect(page.getByText(/are in your zone/).count()).resolves.toBe(0);
		await utc.close();
	}, 180_000);
});
