// Referrals and anomaly flags on a phone: the admin turns referrals on, a member shares their link,
// a friend signs up through it and both dashboards show the labelled bonus; a new key spending a
// member's tokens raises a flag in the inbox with its one-tap actions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { demoDataDir, launch, phone, phoneContext, screenshot } from './browser';
import { DEMO_PASSWORD, openAs, ownUser, screen, signInByForm, waitForFresh } from './app';
import { SHARED_APP_CHECK_SECONDS, startBuild, type RunningApp } from './server';
import { openPglite } from '../../src/lib/server/db/client';
import { createUser } from '../../src/lib/server/accounts';
import { consume, grant, refreshAccountFigures } from '../../src/lib/server/ledger';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('referrals', () => {
	it('admin rules, the member’s link, a friend’s sign-up and both labelled bonuses', { timeout: 180_000 }, async () => {
		const { page: admin } = await openAs(browser, 'admin@quota.test', '/admin/bonuses');
		const rules = admin.getByRole('form', { name: 'Referral bonus' });
		await rules.getByLabel('Referrals on').check();
		// Slips are said beside their fields, all at once; Save sends nothing and goes to the first.
		const inviter = rules.getByLabel('Tokens for the user who invites');
		await inviter.fill('0');
		await rules.getByLabel('Tokens for the new user').fill('0');
		await rules.getByLabel('Bonus expires after (days)').fill('0');
		await rules.getByLabel('Rewarded per user per day').fill('');
		await rules.getByRole('button', { name: 'Save referral rules' }).click();
		await rules.getByText('Give at least one side some tokens, or turn referrals off.').waitFor();
		await rules.getByText('A whole number of days from 1 to 3,650, or empty for never.').waitFor();
		await rules.getByText('A whole number of new users from 1 to 1,000.').waitFor();
		await expect.poll(() => inviter.evaluate((el) => el === document.activeElement)).toBe(true);
		await expect(inviter.getAttribute('aria-invalid')).resolves.toBe('true');
		// The summary states no figure the form refuses: the refused side and the expiry are to fix.
		await rules.getByText("The inviter's tokens to fix and 0 tokens to the new user, when the new user signs up, expiry to fix;", { exact: false }).waitFor();
		await screenshot(admin, 'referrals-admin-rules-slips');
		await rules.getByLabel('Rewarded per user per day').fill('10');
		await expect(rules.locator('.field-note').count()).resolves.toBe(0);
		await inviter.fill('500');
		await rules.getByLabel('Tokens for the new user').fill('300');
		await rules.getByLabel('Bonus expires after (days)').fill('30');
		await rules.getByText('500 tokens to the inviter and 300 to the new user, when the new user signs up, lasting 30 days;', { exact: false }).waitFor();
		await rules.getByRole('button', { name: 'Save referral rules' }).click();
		await rules.getByText('Saved: referrals are on.').waitFor();
		await screenshot(admin, 'referrals-admin-rules');
		await admin.context().close();

		// A referrer of the test's own: the bonus is theirs, not a demo user's whom other files read.
		const { page: member } = await ownUser(browser, 'Rita Referrer', 0);
		await member.goto('/settings');
		const card = member.getByRole('region', { name: 'Invite friends' });
		await card.waitFor();
		const link = await card.locator('code').innerText();
		expect(link).toMatch(/\/signup\?ref=[0-9A-Z]{10}$/);
		await card.scrollIntoViewIfNeeded();
		await screen(member, 'referrals-settings-card');

		const friend = await (await phoneContext(browser)).newPage();
		await friend.goto(new URL(link).pathname + new URL(link).search);
		await expect(friend.getByRole('note').innerText()).resolves.toBe('Rita invited you: you get 300 bonus tokens when you create your account.');
		await screen(friend, 'referrals-signup');
		await friend.getByLabel('Name').fill('Fran Friend');
		await friend.getByLabel('Email').fill(`fran-${Date.now()}@example.test`);
		await friend.getByRole('textbox', { name: /^Password/ }).fill('friend-2026-password');
		await friend.getByRole('button', { name: 'Create account' }).click();
		await friend.waitForURL(/\/dashboard$/);
		await waitForFresh(friend);
		await friend.getByText("Referral bonus: Joined through Rita Referrer's link").waitFor();
		await friend.getByText("Referral bonus: Joined through Rita Referrer's link").scrollIntoViewIfNeeded();
		await screen(friend, 'referrals-friend-dashboard');

		await member.goto('/dashboard');
		await waitForFresh(member);
		await member.getByText('Referral bonus: Invited Fran Friend').waitFor();
		await member.goto('/settings');
		await member.getByRole('region', { name: 'Invite friends' }).getByText('Bonus granted').waitFor();
		await member.getByRole('region', { name: 'Invite friends' }).scrollIntoViewIfNeeded();
		await screen(member, 'referrals-settings-granted');
		await member.context().close();
		await friend.context().close();
	});
});

describe('anomaly flags', () => {
	let app: RunningApp | undefined;
	let dir: string | undefined;
	afterAll(async () => {
		await app?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('a new key spending a member’s tokens shows in the inbox with its actions, and on the admin’s Overview', { timeout: 360_000 }, async () => {
		// A member of the test's own, not a demo user whom other files read (their tokens, keys, flags): the
		// rule flags a new key on an account used before the last day, and nothing in the app dates a use
		// back, so the member and that use are made on a copy of the demo's data before its app starts.
		dir = demoDataDir('quota-anomaly-');
		const db = await openPglite(join(dir, 'pglite'));
		const nora = await createUser(db.orm, { email: 'nora-night@example.test', name: 'Nora Night', password: DEMO_PASSWORD });
		const twoDaysAgo = Date.now() - 2 * 86_400_000;
		await grant(db.orm, { accountId: nora.accountId, tokens: 5_000, source: 'bonus', note: 'A test of its own', effectiveAt: new Date(twoDaysAgo) });
		await consume(db.orm, { accountId: nora.accountId, feature: 'ai_bots', units: 40, actor: { userId: nora.id }, idempotency: { scope: 'anomaly-test', key: 'used-before' }, effectiveAt: new Date(twoDaysAgo + 60_000) });
		await refreshAccountFigures(db.orm, { full: true });
		await db.close();
		// The schedule's anomaly check every few seconds, as on the shared apps (a minute by default).
		app = await startBuild({ dataDir: dir, env: { SCHEDULE_CHECK_SECONDS: String(SHARED_APP_CHECK_SECONDS) } });

		const member = await (await browser.newContext({ ...phone, baseURL: app.baseURL })).newPage();
		await signInByForm(member, nora.email!, '/dashboard');
		const key = await member.evaluate(async () => {
			const r = await fetch('/trpc/keys.create', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId: (await (await fetch('/trpc/me.profile')).json()).result.data.personalAccountId, name: 'Night bot', scopes: ['consume', 'read'] }) });
			return (await r.json()).result.data as { value: string };
		});
		const consumed = await fetch(`${app.baseURL}/api/v1/consume`, {
			method: 'POST',
			headers: { authorization: `Bearer ${key.value}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
			body: JSON.stringify({ feature: 'ai_bots', units: 40 })
		});
		expect(consumed.status).toBe(200);
		// Nora spends fast herself too: 2,400 tokens of images (no free allowance) in minutes, of the 4,960 she had.
		// She used the account before the last day, so her pace is weighed against her usual one (a first session's
		// is not: rules.ts), and is unusual; its notice offers a daily cap in one tap.
		const spent = await member.evaluate(
			async (accountId) => (await fetch('/trpc/ledger.consume', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountId, feature: 'image_generation', units: 60, idempotencyKey: crypto.randomUUID() }) })).status,
			nora.accountId
		);
		expect(spent).toBe(200);
		await member.goto('/alerts');
		const deadline = Date.now() + 90_000;
		const shown = async () => (await member.getByText('A new key is spending your tokens').isVisible()) && (await member.getByText('Unusual use of your tokens').isVisible());
		while (!(await shown()) && Date.now() < deadline) {
			await member.waitForTimeout(1_000);
			await member.reload();
		}
		await member.getByRole('button', { name: 'Pause key “Night bot”' }).click();
		await member.getByText('Key “Night bot” paused').waitFor();
		const fast = member.getByRole('listitem').filter({ hasText: 'Unusual use of your tokens' });
		await fast.getByRole('button', { name: /^Cap today's and each day's use at [\d,]+ tokens$/ }).click();
		await fast.getByText(/^Daily cap set to [\d,]+ tokens\.$/).waitFor();
		await screen(member, 'anomaly-inbox');
		await member.context().close();

		const admin = await (await browser.newContext({ ...phone, baseURL: app.baseURL })).newPage();
		await signInByForm(admin, 'admin@quota.test', '/admin');
		await admin.getByRole('region', { name: /Unusual use/ }).getByText("A new key is spending Nora Night's tokens").waitFor();
		await admin.getByRole('region', { name: /Unusual use/ }).scrollIntoViewIfNeeded();
		await screen(admin, 'anomaly-admin-overview');
		await admin.context().close();
	});
});
