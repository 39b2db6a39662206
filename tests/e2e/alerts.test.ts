import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { installedPhone, launch, phoneContext, screenshot } from './browser';
import { alertStepsShown, openAs, runJobNow, screen, siteApi as api, signUp, waitForFresh, waitForServiceWorker } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The header's alerts link, whose name carries the unread count. */
const bell = (page: Page) => page.getByRole('banner').getByRole('link', { name: /^Alerts/ });
/** The unread count the bell says ("Alerts, 2 unread"; 0 when it says just "Alerts"). */
const unreadOf = (name: string | null) => Number(/(\d+) unread/.exec(name ?? '')?.[1] ?? 0);

describe('alert steps and the inbox on a phone', () => {
	it('a member sets steps in Settings, spends down through the API, sees the unread count and the entries, and marks them read', async () => {
		const context = await phoneContext(browser, installedPhone);
		const page = await context.newPage();
		const me = { id: await signUp(page, 'Sam Steps', `steps-${Date.now()}@example.test`, 'steps-2026-password') };

		// 15,000 tokens, plus the demo's free allowances for members (chat 10,000 a day, forms 5,000 a week).
		expect((await api('grants', { user: me.id, tokens: 15_000, source: 'bonus', note: 'Alert steps test' })).status).toBe(201);

		await page.goto('/settings');
		await waitForFresh(page);
		await waitForServiceWorker(page);
		const mine = page.getByRole('group', { name: 'Your tokens' });
		// The figure in the dashboard's word for it, as its Available card shows it.
		await mine.getByText("Shares of 30,000 tokens: what the current lots were granted plus the free allowances' limits. In the account now: 30,000.").waitFor();
		await screenshot(mine, 'settings-alert-steps-available-390');
		expect(await alertStepsShown(mine)).toEqual([20, 10, 5]);
		for (const p of [20, 10, 5]) await mine.getByRole('button', { name: `Remove the ${p}% step` }).click();
		for (const p of ['60', '80']) {
			await mine.getByLabel('Add a step (%)').fill(p);
			await mine.getByRole('button', { name: 'Add' }).click();
		}
		await mine.getByLabel('Add a step (%)').fill('80');
		await expect(mine.getByText('80% is already a step.').isVisible()).resolves.toBe(true);
		// What the number field cannot read (letters; "e" is the one Chromium lets through) is said, not taken for empty.
		const warnings: string[] = [];
		page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
		await mine.getByLabel('Add a step (%)').fill('');
		await mine.getByLabel('Add a step (%)').pressSequentially('e');
		await mine.getByText('A whole number from 1 to 99.').waitFor();
		// Nor is it written back as NaN, which the browser refuses with a warning.
		expect(warnings.filter((w) => w.includes('NaN'))).toEqual([]);
		await expect(mine.getByRole('button', { name: 'Add', exact: true }).isDisabled()).resolves.toBe(true);
		await screen(page, 'settings-alert-step-letters');
		await mine.getByLabel('Add a step (%)').fill('');
		await mine.getByRole('button', { name: 'Save alert steps' }).click();
		await mine.getByRole('status').getByText(/^Alert steps saved for your tokens: /).waitFor();
		await page.getByText('will sync when you are back online').waitFor({ state: 'detached' });
		await page.reload();
		await waitForFresh(page);
		expect(await alertStepsShown(mine)).toEqual([80, 60]);
		await screen(page, 'settings-alert-steps');

		// Image generation (40 tokens an operation) has no free allowance: it draws on the 15,000.
		// 6,040 spent: 23,960 of 30,000 left, below 80%; 6,000 more: 17,960, below 60%. The open
		// page shows each alert's count as it comes, within seconds, not at its next 30-second refresh
		// (the live stream's inbox event; uses close together would be one crossing).
		for (const [units, count] of [[151, 1], [150, 2]] as const) {
			expect((await api('consume', { user: me.id, feature: 'image_generation', units })).status).toBe(200);
			await expect.poll(async () => unreadOf(await bell(page).textContent()), { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
		}
		await bell(page).and(page.getByRole('link', { name: 'Alerts, 2 unread' })).waitFor({ timeout: 15_000 });
		// A new account has no usual pace to be faster than: spending its first tokens this fast is no
		// "going fast" notice (the balance alerts say what is left). An anomaly check that started after
		// these uses has run before the list is read (the Jobs page's Run now).
		const asker = await openAs(browser, 'admin@quota.test', '/admin/jobs');
		await runJobNow(asker.page, 'anomalies.check');
		await asker.context.close();

		await bell(page).click();
		await page.waitForURL(/\/alerts$/);
		await waitForFresh(page);
		const list = page.getByRole('list', { name: 'Alerts, newest first' });
		await expect(list.getByRole('listitem').count()).resolves.toBe(2);
		await expect(list.getByText('Unusual use').count()).resolves.toBe(0);
		await expect(bell(page).textContent()).resolves.toContain('2 unread');
		const items = list.getByRole('listitem').filter({ hasText: /Below \d+%/ });
		await expect(items.count()).resolves.toBe(2);
		expect(await items.nth(0).innerText()).toMatch(/Below 60%[\s\S]*Your available tokens dropped below 60%[\s\S]*17,960 of 30,000 available/);
		expect(await items.nth(1).innerText()).toMatch(/Below 80%[\s\S]*Your available tokens dropped below 80%[\s\S]*23,960 of 30,000 available/);
		await screen(page, 'alerts-inbox');

		await items.nth(0).getByRole('button', { name: /^Mark read/ }).click();
		await bell(page).and(page.getByRole('link', { name: 'Alerts, 1 unread' })).waitFor();
		await expect(page.getByText('1 unread', { exact: true }).isVisible()).resolves.toBe(true);
		await page.getByRole('button', { name: 'Mark all read' }).click();
		await bell(page).and(page.getByRole('link', { name: 'Alerts', exact: true })).waitFor();
		await page.getByText('All read').waitFor();
		await screen(page, 'alerts-inbox-read');

		// The server has them read (once the outbox has sent the mark: a reload before that would load
		// the list from before it, until the next start sends it); offline, the last known list shows with its age.
		const serverUnread = async () => page.evaluate(async () => (await (await fetch('/trpc/alerts.unread')).json()).result.data.unread as number);
		await expect.poll(serverUnread, { timeout: 10_000 }).toBe(0);
		await page.reload();
		await waitForFresh(page);
		await expect(list.getByRole('button', { name: /^Mark read/ }).count()).resolves.toBe(0);
		await context.setOffline(true);
		await page.reload();
		await page.getByText(/Offline · updated (just now|\d+ min ago)/).waitFor();
		await expect(items.count()).resolves.toBe(2);
		await screen(page, 'alerts-inbox-offline');

		// A cap the member sets on their own use binds them, so it is where they look: the dashboard says
		// what it leaves today (none: 12,040 used of 6,200), and Settings lists it as theirs to change or remove.
		await context.setOffline(false);
		const capped = await page.evaluate(async () => (await fetch('/trpc/settings.setOwnCap', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ period: 'daily', limitTokens: 6_200 }) })).status);
		expect(capped).toBe(200);
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.getByText(/^Your daily cap of 6,200 tokens is used up: you cannot spend from this account until /).waitFor();
		await screen(page, 'dashboard-own-cap');
		await page.goto('/settings');
		await waitForFresh(page);
		const caps = page.getByRole('region', { name: 'Caps', exact: true });
		const daily = caps.getByRole('listitem').filter({ hasText: 'Daily: 6,200 tokens' });
		await daily.getByText('· 0 left today').waitFor();
		await daily.getByRole('button', { name: 'Change the daily cap' }).click();
		// Left empty: the form's own words under the field, as for "lots" or -50, not the browser's "Please fill out this field."
		await caps.getByLabel('Daily cap (tokens)').fill('');
		await caps.getByRole('button', { name: 'Save' }).click();
		await caps.locator('#own-cap-note').getByText('Type a whole number of tokens, 0 or more.').waitFor();
		await caps.getByLabel('Daily cap (tokens)').fill('12,500');
		await caps.getByRole('button', { name: 'Save' }).click();
		await caps.getByText('Daily cap set to 12,500 tokens.').waitFor();
		await caps.getByText('· 460 left today').waitFor();
		await screen(page, 'settings-own-cap');
		await caps.getByRole('button', { name: 'Remove the daily cap' }).click();
		await caps.getByText('Daily cap removed.').waitFor();
		await caps.getByText('No cap on your tokens.').waitFor();
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.getByText('none on hold').waitFor();
		await expect(page.getByText(/^Your daily cap/).count()).resolves.toBe(0);

		// One Chatbot reply takes the rest of today's free Chatbot allowance (10,000 tokens) and 250 of the
		// balance: one notice says until when it is used up and what pays from then on.
		expect((await api('consume', { user: me.id, feature: 'ai_bots', units: 4_100 })).status).toBe(200);
		await page.goto('/alerts');
		await waitForFresh(page);
		const usedUp = list.getByRole('listitem').filter({ hasText: 'Allowance used up' });
		await usedUp.waitFor();
		await expect(usedUp.count()).resolves.toBe(1);
		expect(await usedUp.innerText()).toMatch(/Your free Chatbot allowance is used up until \w{3} \d{1,2}, \d{4}, 00:00 UTC\s+Further use is paid from your balance\./);
		await screen(page, 'alerts-allowance-used-up');

		// The site admin gives this member a Chatbot allowance of their own: one notice says what it is now and was.
		const admin = await openAs(browser, 'admin@quota.test');
		const set = await admin.page.request.post('/trpc/admin.allowances.set', { data: { module: 'chat', audience: 'member', userId: me.id, limitTokens: 300, period: 'daily' } });
		expect(set.status(), await set.text()).toBe(200);
		await admin.context.close();
		await page.goto('/alerts');
		await waitForFresh(page);
		const changed = list.getByRole('listitem').filter({ hasText: 'Allowance changed' });
		await changed.waitFor();
		expect(await changed.innerText()).toMatch(/Your free Chatbot allowance is now 300 tokens a day\s+It was 10,000 tokens a day\. It applies from now on; this window resets \w{3} \d{1,2}, \d{4}, 00:00 UTC\./);
		await screenshot(changed, 'alerts-allowance-changed-390');
		await context.close();
	}, 180_000); // a whole journey: sign-up, Settings, two uses, the inbox, offline, a used-up allowance, a changed one
});
