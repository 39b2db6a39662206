import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bothSizes, demoDataDir, launch, phone, screenshot } from './browser';
import { axe, expectNoteBeside, leo, maya, sessionCookies, waitForFresh } from './app';
import { startBuild, type RunningApp } from './server';
import { linkIn, readMailDir } from '../helpers/mail';

// A team run by its owner and left by a member, on an app of its own (the demo's team changes here):
// Maya renames Acme Studio, makes Leo an admin, caps the pool and Leo; Leo sees each change, leaves
// the team and is back on his own tokens, with a team of his own one step away. In that team Maya,
// invited, draws from its pool until Leo removes her: she is then back on her own tokens too.

let browser: Browser;
let app: RunningApp;
let dir: string;
beforeAll(async () => {
	browser = await launch();
	dir = demoDataDir('quota-team-manage-');
	app = await startBuild({ dataDir: dir });
}, 360_000); // a start of the app, on a copy of the demo's data: slow on a busy machine
afterAll(async () => {
	await browser?.close();
	await app?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(email: string, path: string): Promise<{ context: BrowserContext; page: Page }> {
	const context = await browser.newContext({ ...phone, baseURL: app.baseURL });
	await context.addCookies(sessionCookies(email));
	const page = await context.newPage();
	await page.goto(path);
	await waitForFresh(page);
	return { context, page };
}

const settingsOf = (page: Page) =>
	page.evaluate(async () => (await (await fetch('/trpc/settings.get')).json()).result.data as { activeAccountId: string; accounts: { accountId: string; kind: string; name: string }[] });

describe('a team’s owner manages it and a member leaves it', () => {
	it('Maya renames the team, makes Leo an admin and caps the pool and Leo; Leo sees it all, leaves, and draws from his own tokens again', async () => {
		// Leo draws from the team's pool, as a member of it does.
		const leoSide = await open(leo.email, '/dashboard');
		await leoSide.page.getByRole('radio', { name: /Acme Studio/ }).click();
		await expect.poll(async () => {
			const s = await settingsOf(leoSide.page);
			return s.accounts.find((a) => a.accountId === s.activeAccountId)?.name;
		}).toBe('Acme Studio');
		await leoSide.page.goto('/team');
		await waitForFresh(leoSide.page);
		const leoPage = leoSide.page;
		// A member changes nothing of the team, and may leave it.
		await leoPage.getByRole('region', { name: 'Acme Studio pool' }).waitFor();
		expect(await leoPage.getByRole('button', { name: /^Rename/ }).count()).toBe(0);
		expect(await leoPage.getByRole('combobox', { name: /^Role/ }).count()).toBe(0);
		expect(await leoPage.getByRole('button', { name: 'Pool caps' }).count()).toBe(0);
		await leoPage.getByRole('region', { name: 'Leave Acme Studio' }).getByRole('button', { name: 'Leave team' }).waitFor();
		expect(await axe(leoPage)).toEqual([]);
		await bothSizes(leoPage, 'team-as-member');

		const { context, page } = await open(maya.email, '/team');
		const consoleErrors: string[] = [];
		page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
		const members = page.getByRole('region', { name: 'Members' });
		const leoRow = members.getByRole('listitem').filter({ hasText: leo.name });
		const mayaRow = members.getByRole('listitem').filter({ hasText: maya.name });
		// The only owner cannot step down or leave, and is told so in words.
		await mayaRow.getByText('You are the only owner: make someone else owner before you step down.').waitFor();
		expect(await mayaRow.getByRole('combobox').count()).toBe(0);
		expect(await mayaRow.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
		await page.getByRole('region', { name: 'Leave Acme Studio' }).getByText('You are the only owner: make someone else owner before you leave, so the team keeps one.').waitFor();
		expect(await page.getByRole('button', { name: 'Leave team' }).count()).toBe(0);
		expect(await axe(page)).toEqual([]);
		await bothSizes(page, 'team-as-owner');

		// Rename: an empty name is said under the field and nothing is sent; then the new name everywhere on the page.
		const renames: string[] = [];
		page.on('request', (r) => void (r.url().includes('team.rename') && renames.push(r.url())));
		await page.getByRole('button', { name: 'Rename the team' }).click();
		const name = page.getByLabel('Team name');
		await name.fill('   ');
		await page.getByRole('button', { name: 'Save name' }).click();
		await expectNoteBeside(name, "Enter the team's name.");
		expect(renames).toEqual([]);
		await screenshot(page, 'team-rename-refused');
		await name.fill('Acme Design');
		await page.getByRole('button', { name: 'Save name' }).click();
		await page.getByText('The team is now called Acme Design.').waitFor();
		await page.getByRole('region', { name: 'Acme Design pool' }).waitFor();
		await page.getByRole('region', { name: 'Leave Acme Design' }).waitFor();

		// Leo made an admin: said in his row, his badge follows; the name's answer is gone (it answered another action).
		await leoRow.getByRole('combobox', { name: `Role of ${leo.name}` }).selectOption('admin');
		await leoRow.getByText(`${leo.name} is now an admin.`).waitFor();
		await leoRow.locator('.badge', { hasText: 'admin' }).waitFor();
		expect(await page.getByText('The team is now called Acme Design.').count()).toBe(0);

		// Removing him is asked first, saying what happens to his use of the pool; cancelled, nothing happens.
		await leoRow.getByRole('button', { name: `Remove ${leo.name}` }).click();
		const sheet = page.getByRole('dialog', { name: `Remove ${leo.name}?` });
		await sheet.getByText(`${leo.name} will no longer draw tokens from the Acme Design pool`, { exact: false }).waitFor();
		await screenshot(page, 'team-remove-asked');
		await sheet.getByRole('button', { name: 'Cancel' }).click();
		await sheet.waitFor({ state: 'hidden' });
		await expect(leoRow.count()).resolves.toBe(1);

		// The pool's caps: opening them is another action, so Leo's row no longer says his role changed;
		// a slip under its field, nothing sent; then a weekly cap beside the team's daily one.
		await page.getByRole('button', { name: 'Pool caps' }).click();
		await expect.poll(() => leoRow.getByText(`${leo.name} is now an admin.`).count()).toBe(0);
		const weekly = page.getByRole('textbox', { name: 'Weekly cap for the pool (tokens)' });
		await weekly.fill('lots');
		await page.getByRole('button', { name: 'Save caps' }).click();
		await expectNoteBeside(weekly, 'Type a whole number of tokens, or leave the field empty for no cap.');
		await screenshot(page, 'team-pool-caps-refused');
		await weekly.fill('150,000');
		await page.getByRole('button', { name: 'Save caps' }).click();
		await page.getByText('Caps saved for the pool: 20,000 tokens a day · 150,000 a week.').waitFor();
		const pool = page.getByRole('region', { name: 'Acme Design pool' });
		await pool.getByText("The team's weekly cap: 150,000 tokens", { exact: true }).waitFor();
		// Leo's daily cap raised from 5,000 to 6,000.
		await leoRow.getByRole('button', { name: `Caps for ${leo.name}` }).click();
		const leoDaily = leoRow.getByRole('textbox', { name: `Daily cap for ${leo.name} (tokens)` });
		expect(await leoDaily.inputValue()).toBe('5000');
		await leoDaily.fill('6000');
		await leoRow.getByRole('button', { name: 'Save caps' }).click();
		await leoRow.getByText(`Caps saved for ${leo.name}: 6,000 tokens a day.`).waitFor();
		await leoRow.getByText(`${leo.email} · cap 6,000 tokens a day`).waitFor();
		// One answer on the page: Leo's caps', not the pool's before it.
		expect(await page.locator('.alert').allInnerTexts()).toEqual([`Caps saved for ${leo.name}: 6,000 tokens a day.`]);
		await bothSizes(page, 'team-owner-after-changes');
		expect(consoleErrors).toEqual([]);

		// Leo sees the new name, his new role and the caps.
		await leoPage.reload();
		await waitForFresh(leoPage);
		const leoPool = leoPage.getByRole('region', { name: 'Acme Design pool' });
		await leoPool.getByText("The team's weekly cap: 150,000 tokens", { exact: true }).waitFor();
		const own = leoPage.getByRole('region', { name: 'Members' }).getByRole('listitem').filter({ hasText: leo.name });
		await own.locator('.badge', { hasText: 'admin' }).waitFor();
		await own.getByText(`${leo.email} · cap 6,000 tokens a day`).waitFor();

		// He leaves: asked first, then told where his uses draw from now, and offered a team of his own.
		await leoPage.getByRole('button', { name: 'Leave team' }).click();
		const leaving = leoPage.getByRole('dialog', { name: 'Leave Acme Design?' });
		// Said as the owner's Remove says it (below): the pool he draws from now is the one his uses leave.
		await leaving
			.getByText("You will no longer draw tokens from the Acme Design pool: if it is the pool you draw from now, your uses move to your personal tokens at once. What you used stays in the team's history; the caps set for you end. To come back you need a new invitation.", { exact: true })
			.waitFor();
		await screenshot(leoPage, 'team-leave-asked');
		await leaving.getByRole('button', { name: 'Leave team' }).click();
		await leoPage.getByText('You left Acme Design. Your uses now draw from your personal tokens.', { exact: true }).waitFor();
		await leoPage.getByRole('region', { name: 'Start a team' }).waitFor();
		await bothSizes(leoPage, 'team-after-leaving');
		// Not left on the pool he no longer belongs to: his active account is his own again.
		const after = await settingsOf(leoPage);
		expect(after.accounts.map((a) => a.kind)).toEqual(['user']);
		expect(after.activeAccountId).toBe(after.accounts[0]!.accountId);
		await leoPage.goto('/dashboard');
		await waitForFresh(leoPage);
		expect(await leoPage.getByRole('radio', { name: /Acme/ }).count()).toBe(0);

		// Maya's list no longer has him.
		await page.reload();
		await waitForFresh(page);
		await members.getByRole('listitem').filter({ hasText: maya.name }).waitFor();
		await expect.poll(() => leoRow.count()).toBe(0);
		// The members' use today and the use of people no longer listed add up to the pool's "used today".
		const num = (s: string | undefined) => Number((s ?? '0').replace(/,/g, ''));
		const poolToday = num((await page.getByText(/[\d,]+ used today/).first().innerText()).match(/([\d,]+) used today/)?.[1]);
		const rowsToday = (await members.getByRole('listitem').allInnerTexts()).reduce((n, text) => n + num(text.match(/([\d,]+) used today/)?.[1]), 0);
		const others = page.getByText(/^Also [\d,]+ tokens? used today by people no longer in the team/);
		const othersToday = (await others.count()) ? num((await others.innerText()).match(/^Also ([\d,]+)/)?.[1]) : 0;
		expect(rowsToday + othersToday).toBe(poolToday);
		await members.scrollIntoViewIfNeeded();
		await screenshot(page, 'team-after-member-left');

		// A team of his own, from the Team page's empty state.
		await leoPage.goto('/team');
		await leoPage.getByRole('region', { name: 'Start a team' }).waitFor();
		await leoPage.getByLabel('Team name').fill("Leo's Lab");
		await leoPage.getByRole('button', { name: 'Create team' }).click();
		await leoPage.getByText("Leo's Lab is created and you are its owner", { exact: false }).waitFor();
		await leoPage.getByRole('region', { name: "Leo's Lab pool" }).waitFor();
		await leoPage.getByRole('region', { name: 'Members' }).getByRole('listitem').filter({ hasText: leo.name }).locator('.badge', { hasText: 'owner' }).waitFor();
		await screenshot(leoPage, 'team-created');
		// Come back later, the note said at its creation is gone: the empty pool's card says where its tokens come from.
		await leoPage.reload();
		await waitForFresh(leoPage);
		const emptyPool = leoPage.getByRole('region', { name: "Leo's Lab pool" });
		await expect(emptyPool.getByRole('link', { name: 'buy them in the Store' }).getAttribute('href')).resolves.toBe('/store');
		await expect(emptyPool.textContent()).resolves.toContain("To add tokens, buy them in the Store with Leo's Lab picked at the top.");
		await leoSide.context.close();
		await context.close();
	}, 240_000);

	it('Leo removes Maya from his own team after saying what happens to her use of it; she is back on her own tokens', async () => {
		const leoSide = await open(leo.email, '/team');
		const invite = leoSide.page.getByRole('region', { name: 'Invite a member' });
		// A too-long address is kept whole and refused in words, not cut at a maxlength into one the browser calls "missing an '@'".
		const long = `${'a'.repeat(288)}@example.com`;
		await invite.getByLabel('Email').fill(long);
		await expect(invite.getByLabel('Email').inputValue()).resolves.toBe(long);
		await invite.getByRole('button', { name: 'Send invite' }).click();
		await expectNoteBeside(invite.getByLabel('Email'), 'An email address is at most 254 characters.');
		await screenshot(leoSide.page, 'team-invite-too-long');
		await invite.getByLabel('Email').fill(maya.email);
		await invite.getByRole('button', { name: 'Send invite' }).click();
		await invite.getByText(`Invitation sent to ${maya.email}.`).waitFor();
		// Her invitation, not another mail to her (Leo's leaving her team, told to its owner, may land after it).
		const invitations = () => readMailDir(join(dir, 'mail')).filter((m) => m.to.includes(maya.email) && m.decoded.includes('/invite/'));
		let mails = invitations();
		for (let i = 0; i < 40 && !mails.length; i++) {
			await new Promise((r) => setTimeout(r, 250));
			mails = invitations();
		}
		const mayaSide = await open(maya.email, '/dashboard');
		await mayaSide.page.goto(linkIn(mails.at(-1)!, '/invite/'));
		await mayaSide.page.getByRole('button', { name: 'Join the team' }).click();
		// Her Team page shows the team she joined, though she was in another already, and says so once.
		await mayaSide.page.waitForURL((url) => url.pathname === '/team');
		await mayaSide.page.getByRole('status').filter({ hasText: "You joined Leo's Lab as a member." }).waitFor();
		await mayaSide.page.getByRole('region', { name: "Leo's Lab pool" }).waitFor();
		await mayaSide.page.reload();
		await mayaSide.page.getByRole('region', { name: /pool$/ }).waitFor();
		await waitForFresh(mayaSide.page);
		expect(await mayaSide.page.getByText('You joined').count()).toBe(0);
		await mayaSide.page.goto('/dashboard');
		await waitForFresh(mayaSide.page);
		await mayaSide.page.getByRole('radio', { name: /Leo's Lab/ }).click();
		await expect.poll(async () => {
			const s = await settingsOf(mayaSide.page);
			return s.accounts.find((a) => a.accountId === s.activeAccountId)?.name;
		}).toBe("Leo's Lab");

		const page = leoSide.page;
		await page.reload();
		await waitForFresh(page);
		const members = page.getByRole('region', { name: 'Members' });
		const mayaRow = members.getByRole('listitem').filter({ hasText: maya.name });
		await mayaRow.getByRole('button', { name: `Remove ${maya.name}` }).click();
		const sheet = page.getByRole('dialog', { name: `Remove ${maya.name}?` });
		await sheet.getByText(`${maya.name} will no longer draw tokens from the Leo's Lab pool: if it is the pool they draw from now, their uses move to their personal tokens at once.`, { exact: false }).waitFor();
		await sheet.getByRole('button', { name: 'Remove' }).click();
		await members.getByText(`${maya.name} was removed from Leo's Lab: they no longer draw from its pool.`).waitFor();
		await expect.poll(() => mayaRow.count()).toBe(0);
		await screenshot(page, 'team-member-removed');

		// Not left on the pool she no longer belongs to.
		await mayaSide.page.reload();
		await waitForFresh(mayaSide.page);
		const after = await settingsOf(mayaSide.page);
		expect(after.accounts.map((a) => a.name)).toEqual(['Personal', 'Acme Design']);
		expect(after.activeAccountId).toBe(after.accounts[0]!.accountId);
		expect(await mayaSide.page.getByRole('radio', { name: /Leo's Lab/ }).count()).toBe(0);
		await expect(mayaSide.page.getByRole('radio', { name: /Personal/ }).isChecked()).resolves.toBe(true);
		await mayaSide.context.close();

		// Someone already in a team starts another: the page then shows it, and picks between the two.
		await page.getByRole('button', { name: 'New team' }).click();
		await page.getByLabel('Team name').fill('Leo Research');
		await page.getByRole('button', { name: 'Create team' }).click();
		await page.getByText('Leo Research is created and you are its owner', { exact: false }).waitFor();
		await page.getByRole('region', { name: 'Leo Research pool' }).waitFor();
		const pick = page.getByRole('combobox', { name: 'Team', exact: true });
		expect(await pick.locator('option').allTextContents()).toEqual(['Leo Research', "Leo's Lab"]);
		await leoSide.context.close();
	}, 120_000);
});
