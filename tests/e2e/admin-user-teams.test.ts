import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, screenshot } from './browser';
import { ownTeam } from './app';
import { openAt, scrollUntilShown, sizes } from './console';

// A newcomer found a member stopped by their team's daily cap of 300 after spending 300 of the pool's
// tokens: the Team page said "300 used today · Daily cap reached", the console's users list "0" and
// "No tokens used yet", and the user's page "0 used today" with neither the team nor the cap. The
// console now says what the Team page says. A team of the test's own; the demo people are untouched.

const admin = 'admin@quota.test';
let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The page's Uses list, scrolled to: its one row saying `text` is the 300 tokens of Search prices; the list is shot as `shot`. */
async function theUse(page: Page, text: string, shot: string) {
	const uses = page.locator('section[aria-labelledby="uses-title"]');
	await scrollUntilShown(page, uses);
	const use = uses.getByRole('row').filter({ hasText: text });
	await use.getByText('Search prices', { exact: false }).first().waitFor();
	await expect(use.count()).resolves.toBe(1);
	await expect(use.innerText()).resolves.toMatch(/\b300\b/);
	await uses.scrollIntoViewIfNeeded();
	await screenshot(uses, shot);
}

describe("the console's user page and list for a member stopped by their team's cap", () => {
	it('name the team, their role, the cap reached and the pool tokens they spent, as the Team page does', async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Capped Studio', 'Cleo Owner', 'Cato Member', 20_000);
		const adminTab = await openAt(browser, admin, sizes[0]);
		try {
			await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 300 });
			await call(member.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 30, idempotencyKey: crypto.randomUUID() });

			// The Team page's words, for the console to agree with.
			await owner.page.goto('/team');
			await owner.page.getByText('Daily cap reached', { exact: false }).first().waitFor();

			const page = adminTab.page;
			await page.goto(`/admin/users?search=${encodeURIComponent(member.email)}`);
			const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Cato Member' }) });
			await row.getByText('+ 300 from team pools', { exact: true }).waitFor();
			// Their last use of tokens is the pool's, today: a date, not "No tokens used yet".
			await expect(row.getByText('No tokens used yet', { exact: true }).count()).resolves.toBe(0);
			await screenshot(page, 'admin-user-teams-list-390');

			await row.getByRole('link', { name: 'Cato Member' }).click();
			await page.getByRole('heading', { level: 1, name: 'Cato Member' }).waitFor();
			const account = page.getByRole('region', { name: 'Account', exact: true });
			await account.getByText(/\+ 300 today and 300 this month from team pools/).waitFor();
			// What they used of their own account, free allowances included: not "own tokens", which they may have none of.
			await expect(account.getByText(/from team pools/).innerText()).resolves.toMatch(/^[\d,]+ used today · [\d,]+ this month \(own account\) · \+ 300 today/);
			const teams = page.getByRole('region', { name: 'Teams' });
			await teams.getByRole('link', { name: 'Capped Studio' }).waitFor();
			await teams.getByText('Member', { exact: true }).waitFor();
			await teams.getByText('From its pool: 300 used today · 300 this month', { exact: true }).waitFor();
			await teams.getByText(/^Their daily cap: 300 of 300 used today · reached · resets /).waitFor();
			await page.getByRole('region', { name: 'Subscriptions and purchases' }).getByText('No subscription.').waitFor();
			await screenshot(page, 'admin-user-teams-member-390');
			await page.setViewportSize({ width: 1280, height: 900 });
			await screenshot(page, 'admin-user-teams-member-1280');
			// Their uses list what they spent from the pool too, naming the pool that paid.
			await page.setViewportSize({ width: 390, height: 844 });
			await theUse(page, "From Capped Studio's pool", 'admin-user-uses-member-390');

			// The owner's page: the team, owned, nothing spent from it and no cap on them.
			await page.goto(`/admin/users?search=${encodeURIComponent(owner.email)}`);
			await page.getByRole('link', { name: 'Cleo Owner' }).click();
			const ownerTeams = page.getByRole('region', { name: 'Teams' });
			await ownerTeams.getByText('Owner', { exact: true }).waitFor();
			await ownerTeams.getByText('No cap on their use of this pool.').waitFor();

			// The team's link opens the team's page in the console.
			await ownerTeams.getByRole('link', { name: 'Capped Studio' }).click();
			await page.getByRole('heading', { level: 1, name: 'Capped Studio' }).waitFor();
			expect(new URL(page.url()).pathname).toBe(`/admin/users/${team.accountId}`);
			// Who draws from the pool, owner first, each with what the Team page says of them and a link to their page.
			const members = page.getByRole('region', { name: 'Members' });
			await members.getByRole('link', { name: 'Cato Member' }).waitFor();
			await expect(members.getByRole('listitem').allInnerTexts()).resolves.toEqual([
				expect.stringMatching(/^Cleo Owner Owner\n+.+@example\.test\n+From the pool: 0 used today · 0 this month\n+No cap on their use of this pool\.$/),
				expect.stringMatching(/^Cato Member Member\n+.+@example\.test\n+From the pool: 300 used today · 300 this month\n+Their daily cap: 300 of 300 used today · reached · resets /)
			]);
			await screenshot(members, 'admin-team-members-390');

			// The pool's uses one by one, as its Usage page lists them: what, how many tokens, what paid and who used it.
			await theUse(page, 'Cato Member', 'admin-user-uses-team-390');
			await members.getByRole('link', { name: 'Cato Member' }).click();
			await page.getByRole('heading', { level: 1, name: 'Cato Member' }).waitFor();
		} finally {
			await Promise.all([owner.context.close(), member.context.close(), adminTab.context.close()]);
		}
	});

	it("say on a team's page what its pool spent for people no longer in it, so its members' rows add up to the pool's use, as the Team page does", async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Left Studio', 'Lena Owner', 'Luca Leaver', 20_000);
		const adminTab = await openAt(browser, admin, sizes[0]);
		try {
			await call(member.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 30, idempotencyKey: crypto.randomUUID() });
			await call(owner.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 5, idempotencyKey: crypto.randomUUID() });
			await call(member.page, 'team.leave', { teamId: team.id });

			const page = adminTab.page;
			await page.goto(`/admin/users/${team.accountId}`);
			await page.getByRole('heading', { level: 1, name: 'Left Studio' }).waitFor();
			await page.getByRole('region', { name: 'Account', exact: true }).getByText('350 used today · 350 this month', { exact: false }).waitFor();
			const members = page.getByRole('region', { name: 'Members' });
			await members.getByText('From the pool: 50 used today · 50 this month', { exact: true }).waitFor();
			// Before, Luca's 300 were in the pool's 350 and nowhere under Members.
			await members.getByText('Also 300 used today · 300 this month by people no longer in the team, or by the site itself (not for a member).', { exact: true }).waitFor();
			await screenshot(members, 'admin-team-members-left-390');
			// Who is told of a correction of the pool: its owners and admins, not "the user" (found by walk49).
			const account = page.getByRole('region', { name: 'Account', exact: true });
			await account.getByRole('button', { name: 'Set the general balance' }).click();
			await account.getByText("Reason (the team's owners and admins see it in their alerts, and by e-mail if theirs are on; kept in the audit log)", { exact: true }).waitFor();
		} finally {
			await Promise.all([owner.context.close(), member.context.close(), adminTab.context.close()]);
		}
	});

	it("say a cap of 0 as the Team page does, nothing of the pool, not '300 of 0 used today'", async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Zero Studio', 'Zora Owner', 'Zeno Member', 20_000);
		const adminTab = await openAt(browser, admin, sizes[0]);
		try {
			await call(member.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 30, idempotencyKey: crypto.randomUUID() });
			await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 0 });

			const page = adminTab.page;
			await page.goto(`/admin/users/${team.accountId}`);
			const members = page.getByRole('region', { name: 'Members' });
			await members.getByRole('link', { name: 'Zeno Member' }).waitFor();
			const zeno = members.getByRole('listitem').filter({ hasText: 'Zeno Member' });
			await zeno.getByText('Their daily cap: 0 tokens (nothing of the pool)', { exact: true }).waitFor();
			await expect(zeno.innerText()).resolves.not.toContain('of 0 used');
			await screenshot(members, 'admin-team-members-zero-cap-390');
		} finally {
			await Promise.all([owner.context.close(), member.context.close(), adminTab.context.close()]);
		}
	});
});
