import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, screenshot } from './browser';
import { ownUser, siteApi } from './app';
import { openAt, sizes } from './console';
import { MAX_TOKENS } from '../../src/lib/token-range';
import { MAX_UNITS } from '../../src/lib/cost';

// The largest figures the ledger holds, in every console box that shows one: a grant takes up to
// MAX_TOKENS, and a balance is the sum of its lots, so an account of two such grants has twice it.
// "1,000,000,005,000" on Admin → Users ran over "Used this month" beside it, at 390 and at 1280.
const admin = { email: 'admin@quota.test' };

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The elements of the page's main part showing `figure` whose box runs past their cell's (a table cell, a row's cell, a card) or whose text is cut. */
const spilled = (page: Page, figure: string) =>
	page.evaluate((figure) => {
		const shows = [...document.querySelectorAll('main *')].filter((e) => e.children.length === 0 && (e as HTMLElement).innerText?.includes(figure));
		return shows.flatMap((e) => {
			const box = e.getBoundingClientRect();
			const cell = e.parentElement!.closest('td, th, [role=cell], .card, li, dd, section') ?? e.parentElement!;
			const room = cell.getBoundingClientRect();
			return box.right > room.right + 1 || box.left < room.left - 1 || e.scrollWidth > e.clientWidth + 1 ? [`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${box.left}–${box.right} in ${room.left}–${room.right}`] : [];
		});
	}, figure);

/** The summary cards' figures cut short (an ellipsis where digits were). */
const cutFigures = (page: Page) =>
	page.evaluate(() => [...document.querySelectorAll('main .stat .value')].flatMap((e) => (e.scrollWidth > e.clientWidth + 1 ? [(e as HTMLElement).innerText] : [])));

/** The summary cards' lines under their figures cut short ("of 15,777 in the acco…"). */
const cutLines = (page: Page) =>
	page.evaluate(() => [...document.querySelectorAll('main .stat .sub')].flatMap((e) => (e.scrollWidth > e.clientWidth + 1 ? [(e as HTMLElement).innerText] : [])));

describe('the dashboard cards on a phone', () => {
	it('show a capped account’s line under Available whole: "of 15,777 in the account"', async () => {
		// 777 tokens and the site's free allowances (15,000 for a member): "of 15,777 in the account" was cut at 390 px.
		const me = await ownUser(browser, 'Capped Card', 777);
		const capped = await me.page.evaluate(async () => (await fetch('/trpc/settings.setOwnCap', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ period: 'daily', limitTokens: 0 }) })).status);
		expect(capped).toBe(200);
		await me.page.goto('/dashboard');
		await me.page.getByText(/^of [\d,]{6,} in the account$/).waitFor();
		await screenshot(me.page, 'capped-card-dashboard-phone', { firstScreen: true });
		await expect(cutLines(me.page)).resolves.toEqual([]);
		await me.context.close();
	});
});

describe('the largest figures in the console', () => {
	it('stay inside their boxes on Users, a user’s page, Overview, Payments and Bonuses, on a phone and a desktop', async () => {
		const me = await ownUser(browser, 'Big Figures', MAX_TOKENS);
		expect((await siteApi('grants', { user: me.id, tokens: MAX_TOKENS, source: 'bonus', note: 'The largest grant, twice' })).status).toBe(201);
		// The most units one request takes, at 45 tokens each: today's use on the Overview runs to 11 digits at least.
		expect((await siteApi('consume', { user: me.id, feature: 'generate_texts', units: MAX_UNITS })).status).toBe(200);
		const accountId = ((await (await me.page.request.get('/trpc/settings.get')).json()).result.data as { activeAccountId: string }).activeAccountId;
		// The member's own dashboard shows the same figures in the same cards.
		await me.page.goto('/dashboard');
		await me.page.getByText(new Intl.NumberFormat('en-US').format(2 * MAX_TOKENS - 45 * MAX_UNITS)).first().waitFor();
		await screenshot(me.page, 'big-figures-dashboard-phone', { firstScreen: true });
		await expect(cutFigures(me.page)).resolves.toEqual([]);
		await me.context.close();
		const balance = new Intl.NumberFormat('en-US').format(2 * MAX_TOKENS - 45 * MAX_UNITS);
		const grant = new Intl.NumberFormat('en-US').format(MAX_TOKENS);
		for (const size of sizes) {
			const { context, page } = await openAt(browser, admin.email, size);
			try {
				await page.goto(`/admin/users?search=${encodeURIComponent(me.email)}`);
				await page.getByRole('row').filter({ hasText: balance }).waitFor();
				await expect(spilled(page, balance)).resolves.toEqual([]);
				await screenshot(page, `big-figures-users-${size.name}`, { firstScreen: true });

				await page.goto(`/admin/users/${accountId}`);
				await page.getByText(balance).first().waitFor();
				await expect(spilled(page, balance)).resolves.toEqual([]);
				await expect(spilled(page, grant)).resolves.toEqual([]);
				await screenshot(page, `big-figures-user-${size.name}`);

				await page.goto('/admin');
				await expect(page.locator('.stat', { hasText: 'Tokens used today' }).locator('.value').innerText()).resolves.toMatch(/^\d{2,3}(,\d{3}){3,}$/);
				for (const path of ['/admin', '/admin/payments', '/admin/bonuses']) {
					await page.goto(path);
					await page.locator('main h1').waitFor();
					await page.waitForLoadState('networkidle');
					await expect(spilled(page, balance), path).resolves.toEqual([]);
					await expect(spilled(page, grant), path).resolves.toEqual([]);
					await expect(cutFigures(page), path).resolves.toEqual([]);
					await screenshot(page, `big-figures-${path.split('/').pop()}-${size.name}`);
				}
			} finally {
				await context.close();
			}
		}

		// MAX_TOKENS bounds a change, not a balance: the set-balance editor takes its own pre-fill (no change),
		// the balance − 5, and 0 (emptying is one change however large), and says why a set too far is not sent.
		// A phone in Berlin, an hour off the site's UTC: the user's page says its dates and times are on the phone's clock.
		const { context, page } = await openAt(browser, admin.email, sizes[0], { timezoneId: 'Europe/Berlin' });
		try {
			const fmt = (n: number) => new Intl.NumberFormat('en-US').format(n);
			const general = 2 * MAX_TOKENS - 45 * MAX_UNITS;
			await page.goto(`/admin/users/${accountId}`);
			await page.getByText('Dates and times on this page are in your zone, Berlin time (UTC+1).', { exact: true }).waitFor();
			await page.getByRole('button', { name: 'Set the general balance' }).click();
			const form = page.getByRole('form', { name: /^Adjust the balance of Big Figures/ });
			const amount = form.getByLabel(/^General balance/);
			await expect(amount.inputValue()).resolves.toBe(String(general));
			await form.getByText(`No change: the general balance is already ${balance}.`).waitFor();
			await amount.fill('1');
			await form.getByText(`That is a change of −${fmt(general - 1)} tokens; one change is at most 1,000,000,000,000 tokens either way. Change it in steps, or set it to 0 to empty the account.`).waitFor();
			await form.getByLabel(/^Reason/).fill('Big figures: a set too far');
			await form.getByRole('button', { name: 'Save' }).click();
			await expect(amount.getAttribute('aria-invalid')).resolves.toBe('true');
			await screenshot(page, 'big-figures-set-balance-too-far-phone', { firstScreen: true });

			await amount.fill(String(general - 5));
			await form.getByText(`general balance ${balance} → ${fmt(general - 5)}.`, { exact: false }).waitFor();
			await form.getByRole('button', { name: 'Save' }).click();
			await page.getByText(`Big Figures: general balance ${balance} → ${fmt(general - 5)} (−5). Recorded in the audit log.`).waitFor();

			await page.getByRole('button', { name: 'Set the general balance' }).click();
			await amount.fill('0');
			await form.getByText(`Debits ${fmt(general - 5)} tokens through the spend order`, { exact: false }).waitFor();
			await form.getByLabel(/^Reason/).fill('Big figures: emptied');
			await screenshot(page, 'big-figures-set-balance-zero-phone', { firstScreen: true });
			await form.getByRole('button', { name: 'Save' }).click();
			await page.getByText(`Big Figures: general balance ${fmt(general - 5)} → 0 (−${fmt(general - 5)}). Recorded in the audit log.`).waitFor();
		} finally {
			await context.close();
		}
	}, 240_000);
});
