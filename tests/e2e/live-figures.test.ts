import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bothSizes, launch } from './browser';
import { ownTeam, ownUser, screen, waitForFresh } from './app';
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

// A cap set or changed reached open pages only with the 30-second refresh: the member's dashboard
// and Team page kept the old cap line (or none) after the owner saved one. A team of the test's own.
describe('open pages of a team member and the owner', () => {
	it("show the member's new daily cap without a reload, on the dashboard and the Team page", async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Live Caps', 'Lina Owner', 'Luca Member', 50_000);
		try {
			const page = member.page;
			await page.goto('/dashboard');
			await waitForFresh(page);
			await page.getByRole('radio', { name: /Live Caps/ }).click();
			await page.getByText('50,000', { exact: true }).first().waitFor();
			await page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));

			await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 4_000 });
			await page.getByText('Your daily cap in this team: 4,000 of 4,000 tokens left today', { exact: true }).waitFor({ timeout: 8_000 });
			await expect(page.evaluate(() => (window as unknown as { kept?: boolean }).kept)).resolves.toBe(true);
			await screen(page, 'dashboard-cap-set-live');

			await page.goto('/team');
			await waitForFresh(page);
			const poolCard = page.getByRole('region', { name: 'Live Caps pool' });
			await poolCard.getByText('Your daily cap in this team: 4,000 of 4,000 tokens left today', { exact: true }).waitFor();
			await page.evaluate(() => ((window as unknown as { kept: boolean }).kept = true));
			await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 2_500 });
			await poolCard.getByText('Your daily cap in this team: 2,500 of 2,500 tokens left today', { exact: true }).waitFor({ timeout: 8_000 });
			await expect(page.evaluate(() => (window as unknown as { kept?: boolean }).kept)).resolves.toBe(true);
			await screen(page, 'team-cap-changed-live');
		} finally {
			await Promise.all([owner.context.close(), member.context.close()]);
		}
	});
});


// A disabled user's open dashboard kept receiving live figures (its session's stream was not
// watched) until it was reloaded or the 30-second refresh met the 401; a member removed from a team
// kept the team pool's. The stream now ends at once with a `refused` event and the page refreshes.
describe('an open dashboard whose access ends', () => {
	it('leaves the live figures for sign-in within seconds of an admin disabling the user', async () => {
		const me = await ownUser(browser, 'Dana Disabled', 5_000);
		const { context: adminContext, page: adminPage } = await openAt(browser, admin.email, sizes[0]);
		try {
			await me.page.goto('/dashboard');
			await waitForFresh(me.page);
			await me.page.getByText('5,000', { exact: true }).first().waitFor();

			const res = await adminPage.request.post('/trpc/admin.users.setDisabled', { data: { userId: me.id, disabled: true } });
			expect(res.status(), await res.text()).toBe(200);

			// Well within the 30-second refresh: the stream's last event.
			await me.page.waitForURL((url) => url.pathname === '/signin', { timeout: 5_000 });
			await me.page.getByRole('heading', { name: 'Sign in' }).waitFor();
			await expect(me.page.getByText('5,000', { exact: true }).count()).resolves.toBe(0);
			// Why, once: not a plain sign-in form that leaves them guessing.
			const why = me.page.getByRole('alert').filter({ hasText: 'You were signed out: this account is disabled. To use it again, ask a site admin to enable it.' });
			await why.waitFor();
			await bothSizes(me.page, 'dashboard-user-disabled-live');
			await me.page.reload();
			await me.page.getByRole('heading', { name: 'Sign in' }).waitFor();
			await expect(why.count()).resolves.toBe(0);
		} finally {
			await adminContext.close();
			await me.context.close();
		}
	});

	it("leaves a team pool's live figures within seconds of the member's removal, for their own, and tells them who removed them", async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Gone Pool', 'Gita Owner', 'Goran Member', 40_000);
		try {
			const page = member.page;
			await page.goto('/dashboard');
			await waitForFresh(page);
			await page.getByRole('radio', { name: /Gone Pool/ }).click();
			await page.getByText('40,000', { exact: true }).first().waitFor();

			// What he spent from the pool, which the notice tells him.
			await call(member.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 1, idempotencyKey: crypto.randomUUID() });
			await call(owner.page, 'team.removeMember', { teamId: team.id, userId: member.id });
			await page.getByRole('radio', { name: /Gone Pool/ }).waitFor({ state: 'detached', timeout: 5_000 });
			await expect.poll(() => page.getByText('40,000', { exact: true }).count(), { timeout: 5_000 }).toBe(0);
			// They are told, without a reload: the bell counts the entry, which names the team and who removed them.
			const bell = page.getByRole('banner').getByRole('link', { name: /^Alerts/ });
			await expect.poll(() => bell.textContent(), { timeout: 5_000 }).toContain('1 unread');
			await bothSizes(page, 'dashboard-team-removed-live');
			await bell.click();
			await page.getByText('Gita Owner removed you from Gone Pool').waitFor();
			await page.getByText('You used 10 tokens of its pool while you were a member; that use stays in its records. Your pages now show your own tokens. · also e-mailed').waitFor();
			await bothSizes(page, 'inbox-team-removed');
		} finally {
			await Promise.all([owner.context.close(), member.context.close()]);
		}
	});
});
