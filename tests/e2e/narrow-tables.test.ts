import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { launch, screenshot } from './browser';
import { buy, ownUser } from './app';
import { expectSound, openAt, scrollUntilShown, sizes } from './console';

// The console's tables on a phone: the overview's revenue hid Net and Net today behind a sideways
// scroll, the rates' Rate column read "2 pe…", a user's lots and statement scrolled. At 390 px each
// row is a card of its cells under their columns' names; at 1280 the table stays a table.
const admin = { email: 'admin@quota.test' };

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The cells of `table` whose text is cut (wider than their box) or outside the screen's width. */
const hiddenCells = (table: Locator) =>
	table.evaluate((t) =>
		[...t.querySelectorAll('tbody td, tbody th')].flatMap((c) => {
			const box = c.getBoundingClientRect();
			return c.scrollWidth > c.clientWidth + 1 || box.right > document.documentElement.clientWidth + 1 ? [(c as HTMLElement).innerText.slice(0, 40)] : [];
		})
	);

describe('the console’s tables', () => {
	it('show every figure with no sideways scroll on a phone, and stay tables on a desktop: the revenue, the rates, a user’s lots and statement', async () => {
		// A purchase of this month, so the revenue has a row (the demo sells nothing).
		const me = await ownUser(browser, 'Narrow Tables', 0);
		await buy(me.page, 'Token pack', /^Buy/, '$5.00', '5,000');
		const accountId = ((await (await me.page.request.get('/trpc/settings.get')).json()).result.data as { activeAccountId: string }).activeAccountId;
		await me.context.close();
		for (const size of sizes) {
			const { context, page } = await openAt(browser, admin.email, size);
			try {
				const phone = size.name === 'phone';
				await page.goto('/admin');
				const revenue = page.getByRole('table', { name: 'Revenue per currency' });
				const usd = revenue.getByRole('row').filter({ hasText: 'USD' });
				await usd.waitFor();
				await expect(hiddenCells(revenue)).resolves.toEqual([]);
				// Each figure under its column's name on a phone; on a desktop the header row names the columns.
				const text = await usd.innerText();
				for (const label of ['Gross this month', 'Refunds', 'Chargebacks', 'Net', 'Net today']) expect(text.includes(label)).toBe(phone);
				await screenshot(page, `narrow-tables-overview-${size.name}`, { firstScreen: true });
				await expectSound(page);

				await page.goto('/admin/rates');
				const features = page.getByRole('table', { name: 'Features' });
				await features.getByRole('row').nth(2).waitFor();
				await expect(hiddenCells(features)).resolves.toEqual([]);
				await expect(features.getByRole('row').filter({ hasText: 'Chatbot reply' }).innerText()).resolves.toMatch(phone ? /\nRate\n2\.5 per \w+\n/ : /\t2\.5 per \w+\t/);
				await screenshot(page, `narrow-tables-rates-${size.name}`);
				await expectSound(page);

				await page.goto(`/admin/users/${accountId}`);
				for (const name of ['Lots', 'Statement']) {
					const table = page.getByRole('table', { name });
					await scrollUntilShown(page, table);
					await table.getByRole('row').nth(1).waitFor();
					await expect(hiddenCells(table)).resolves.toEqual([]);
				}
				await expect(page.getByRole('table', { name: 'Lots' }).getByRole('row').nth(1).innerText()).resolves.toMatch(phone ? /^Source\nPurchased/ : /^Purchased/);
				await page.evaluate(() => window.scrollTo(0, 0));
				await screenshot(page, `narrow-tables-user-${size.name}`);
				await expectSound(page);
			} finally {
				await context.close();
			}
		}
	});
});
