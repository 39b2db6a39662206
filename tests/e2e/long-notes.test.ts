import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import { launch } from './browser';
import { ownUser, screen, siteApi, waitForFresh } from './app';
import { openAt, scrollUntilShown, sizes } from './console';

// An admin's reason runs to 500 characters: it filled ~14 lines of Leo's dashboard, his statement and
// his admin page, and the audit log. Each shows two lines of it, and a tap (or a click, or the keyboard) the rest.
const admin = { email: 'admin@quota.test' };
const reason = `Goodwill for the outage of 3 December: ${'the long explanation an admin wrote, '.repeat(12)}`.slice(0, 500);

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** Lines a box shows, at its line height. */
const lines = (box: Locator) => box.evaluate((el) => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));

describe("an admin's long reason", () => {
	it('shows two lines on the dashboard, the statement, the admin page and the audit log, and the rest on a tap', async () => {
		const me = await ownUser(browser, 'Long Reason', 0);
		expect((await siteApi('grants', { user: me.id, tokens: 300, source: 'bonus', note: reason })).status).toBe(201);
		const accountId = ((await (await me.page.request.get('/trpc/settings.get')).json()).result.data as { activeAccountId: string }).activeAccountId;
		const { context: adminContext, page: adminPage } = await openAt(browser, admin.email, sizes[1]);
		try {
			for (const size of sizes) {
				await me.page.setViewportSize(size.options.viewport);
				for (const [path, where] of [['/dashboard', 'dashboard'], ['/statement', 'statement']] as const) {
					await me.page.goto(path);
					await waitForFresh(me.page);
					const line = me.page.locator('.clamp', { hasText: 'Goodwill for the outage' });
					await line.scrollIntoViewIfNeeded();
					await expect(lines(line)).resolves.toBeLessThanOrEqual(2);
					await screen(me.page, `long-reason-${where}-${size.name}`);
					await line.click();
					await expect(lines(line)).resolves.toBeGreaterThan(2);
					await screen(me.page, `long-reason-${where}-open-${size.name}`);
				}
			}

			await adminPage.goto(`/admin/users/${accountId}`);
			const note = adminPage.locator('td .clamp', { hasText: 'Goodwill for the outage' }).first();
			// The user's records load when scrolled to, below the teams and purchases cards.
			await scrollUntilShown(adminPage, note);
			await note.scrollIntoViewIfNeeded();
			await expect(lines(note)).resolves.toBeLessThanOrEqual(2);
			await screen(adminPage, 'long-reason-admin-desktop');
			await note.focus();
			await expect(lines(note)).resolves.toBeGreaterThan(2);

			// The audit log's entry of the grant: its Note line, as on the admin page.
			for (const size of [...sizes].reverse()) {
				await adminPage.setViewportSize(size.options.viewport);
				await adminPage.goto(`/admin/audit?account=${accountId}`);
				const line = adminPage.locator('.line.clamp', { hasText: 'Goodwill for the outage' }).first();
				await line.scrollIntoViewIfNeeded();
				await expect(lines(line)).resolves.toBeLessThanOrEqual(2);
				await screen(adminPage, `long-reason-audit-${size.name}`);
				await line.click();
				await expect(lines(line)).resolves.toBeGreaterThan(2);
				// Open, its words as they were: the label, a space, the note.
				await expect(line.innerText()).resolves.toMatch(/^Note Goodwill for the outage/);
				await screen(adminPage, `long-reason-audit-open-${size.name}`);
			}
		} finally {
			await adminContext.close();
			await me.context.close();
		}
	});
});

describe("a site key's name of one long word", () => {
	it('asks before revoking it within a phone’s width, the name cut short on the button', async () => {
		const { context, page } = await openAt(browser, admin.email, sizes[0]);
		try {
			await page.goto('/admin/keys');
			const name = `Onewordkeyname${Date.now()}`.padEnd(80, 'N');
			await page.getByLabel('Name', { exact: true }).fill(name);
			await page.getByRole('button', { name: 'Create key' }).click();
			const shown = page.getByRole('region', { name: `New key “${name}”` });
			await shown.getByRole('button', { name: 'Done' }).click();
			const item = page.getByRole('listitem').filter({ hasText: name });
			await item.getByRole('button', { name: /^Revoke…/ }).click();
			const revoke = item.getByRole('button', { name: `Revoke ${name}` });
			await revoke.scrollIntoViewIfNeeded();
			// Before, the button was as wide as the name (970 px) and widened the page past the phone's 390.
			const width = sizes[0].options.viewport.width;
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
			expect((await revoke.boundingBox())!.x + (await revoke.boundingBox())!.width).toBeLessThanOrEqual(width);
			await screen(page, 'long-key-name-revoke-phone');
			await revoke.click();
			await item.getByText('Revoked', { exact: true }).waitFor();
		} finally {
			await context.close();
		}
	});
});
