import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch } from './browser';
import { ownUser, screen, waitForFresh } from './app';
import { openAt, sizes } from './console';

// Figures an admin changes without a ledger operation (a site role, an allowance rule) reach open
// pages as a balance change does: Leo's open dashboard still said 8,547 of 10,000 after the admin
// saved "Role is now Author" (20,000 a day), until he reloaded. A user of the test's own.
const admin = { email: 'admin@quota.test' };

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('an open dashboard and the admin', () => {
	it("shows the new free allowance of a role change without a reload", async () => {
		const me = await ownUser(browser, 'Role Live', 0);
		const { context: adminContext, page: adminPage } = await openAt(browser, admin.email, sizes[0]);
		try {
			await me.page.goto('/dashboard');
			await waitForFresh(me.page);
			await me.page.getByText('10,000 of 10,000 left', { exact: true }).waitFor();
			// A mark on this page's window: a reload would lose it.
			await me.page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));

			const res = await adminPage.request.post('/trpc/admin.users.setRole', { data: { userId: me.id, role: 'author' } });
			expect(res.status(), await res.text()).toBe(200);

			// Well within the 30-second refresh: the live stream's notice.
			await me.page.getByText('20,000 of 20,000 left', { exact: true }).waitFor({ timeout: 8_000 });
			await expect(me.page.evaluate(() => (window as unknown as { kept?: boolean }).kept)).resolves.toBe(true);
			await screen(me.page, 'dashboard-role-changed-live');
		} finally {
			await adminContext.close();
			await me.context.close();
		}
	});
});
