import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, screenshot } from './browser';
import { ownUser } from './app';
import { openAt, sizes } from './console';

// What a newcomer found in the console's filters and counts: Who could not find what an API key did
// (the By line names it), From after To answered "0 entries" with no word of why, and Admin → Users
// said "9 accounts" above 10 rows (the guests' row).
const admin = { email: 'admin@quota.test' };

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('the audit log’s filters and the users count', () => {
	it("finds by Who an API key's entries by its name, says From after To beside To, and counts the guests' row in words", async () => {
		// A grant by the demo's site key: an entry "By the API key “Demo site key” (qk_…)" on the user's account.
		const me = await ownUser(browser, 'Who Key', 1234);
		await me.context.close();
		for (const size of sizes) {
			const { context, page } = await openAt(browser, admin.email, size);
			try {
				await page.goto(`/admin/audit?actor=${encodeURIComponent('Demo site key')}&account=${encodeURIComponent(me.email)}`);
				const entry = page.getByRole('listitem').filter({ hasText: 'Tokens granted' });
				await entry.first().waitFor();
				await expect(entry.first().innerText()).resolves.toMatch(/By the API key “Demo site key” \(qk_/);
				await expect(page.getByLabel('Who').getAttribute('placeholder')).resolves.toBe('Name, e-mail, API key or Quota');
				await screenshot(page, `console-filters-audit-who-key-${size.name}`, { firstScreen: true });

				await page.goto('/admin/audit?from=2026-12-04&to=2026-11-20');
				await page.getByText('From is after To: swap them to see entries between Nov 20, 2026 and Dec 4, 2026.').waitFor();
				await expect(page.getByText('No entry matches these filters.').count()).resolves.toBe(0);
				await expect(page.getByLabel('To').getAttribute('aria-invalid')).resolves.toBe('true');
				await screenshot(page, `console-filters-audit-from-after-to-${size.name}`, { firstScreen: true });

				// An action the log holds none of (a mistyped link): said beside Action, not a blank select.
				await page.goto('/admin/audit?action=nope');
				await page.locator('#audit-action-note').filter({ hasText: '“nope” is not an action this log holds: choose one from the list.' }).waitFor();
				await expect(page.getByLabel('Action').getAttribute('aria-invalid')).resolves.toBe('true');
				await screenshot(page, `console-filters-audit-unknown-action-${size.name}`, { firstScreen: true });

				await page.goto('/admin/users');
				const count = page.getByRole('status').filter({ hasText: /accounts?/ });
				await count.waitFor();
				const guests = await page.getByRole('row').filter({ hasText: 'this month · read-only' }).count();
				await expect(count.innerText()).resolves.toMatch(guests ? / accounts and the guests' row$/ : / accounts$/);
				await screenshot(page, `console-filters-users-count-${size.name}`, { firstScreen: true });
			} finally {
				await context.close();
			}
		}
	}, 120_000);
});
