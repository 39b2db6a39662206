import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, phoneContext } from './browser';
import { alertStepsShown, deviceStorage, leo, maya, openAs, screen, sessionCookies, signIn, waitForFresh, waitForServiceWorker } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** The figures a person reads on the dashboard: the four summary cards. */
const cards = (page: import('playwright-core').Page) => page.getByRole('region', { name: 'Summary' }).innerText();

describe('offline on a phone', () => {
	it('reopens the dashboard and the history with the same figures and says how old they are', async () => {
		const { context, page } = await openAs(browser, maya.email);
		await waitForServiceWorker(page);
		await waitForFresh(page);
		const figures = await cards(page);
		await page.goto('/usage');
		await waitForFresh(page);
		const firstRows = await page.locator('tbody tr').first().innerText();

		await context.setOffline(true);
		await page.goto('/dashboard');
		await page.getByText(/Offline · updated (just now|\d+ min ago)/).waitFor();
		expect(await cards(page)).toBe(figures);
		await screen(page, 'offline-dashboard');

		await page.reload();
		await page.getByText(/Offline · updated/).waitFor();
		expect(await cards(page)).toBe(figures);

		await page.goto('/usage');
		await page.getByText(/Offline · updated/).waitFor();
		expect(await page.locator('tbody tr').first().innerText()).toBe(firstRows);
		await screen(page, 'offline-usage');
		await context.close();
	});

	it('queues an alert steps change made offline and applies it once when the connection is back', async () => {
		const { context, page } = await openAs(browser, leo.email, '/settings');
		await waitForServiceWorker(page);
		await waitForFresh(page);
		const mine = page.getByRole('group', { name: 'Your tokens' });

		await context.setOffline(true);
		await mine.getByRole('button', { name: 'Remove the 20 % step' }).click();
		await mine.getByRole('button', { name: 'Save alert steps' }).click();
		await page.getByText('will sync when you are back online').waitFor();
		// The form says so too, and that it is saved once the connection is back (below).
		await mine.getByRole('status').getByText('Saved on this device: it is sent when you are back online.').waitFor();
		const label = 'Alert steps for your tokens: 10 %, 5 %, run out';
		await expect(page.getByText(label).isVisible()).resolves.toBe(true);
		await screen(page, 'offline-settings-queued');
		// Still queued after a reload while offline; its key was made on the device.
		await page.reload();
		await page.getByText(label).waitFor();
		expect(await alertStepsShown(mine)).toEqual([10, 5]);
		const queued = (await deviceStorage(page)).idb;
		const [, key, accountId] = /"key":"([0-9a-f-]{36})","path":"alerts\.setSteps","input":\{"accountId":"([0-9a-f-]{36})"/.exec(queued) ?? [];
		expect(key && accountId).toBeTruthy();

		await context.setOffline(false);
		await page.getByText('will sync when you are back online').waitFor({ state: 'detached' });
		await page.reload();
		await waitForFresh(page);
		expect(await alertStepsShown(mine)).toEqual([10, 5]);

		// A newer change, then a late duplicate of the offline write (a lost response, a second
		// sender): the server recognises the key and changes nothing.
		await mine.getByLabel('Add a step (%)').fill('30');
		await mine.getByRole('button', { name: 'Add' }).click();
		await mine.getByRole('button', { name: 'Save alert steps' }).click();
		await mine.getByRole('status').getByText(/^Alert steps saved for your tokens: /).waitFor();
		const replay = await page.evaluate(
			async ([k, id]) => {
				const res = await fetch('/trpc/alerts.setSteps', {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ key: k, accountId: id, shares: [10, 5], depleted: true })
				});
				return (await res.json()).result.data as { replayed: boolean; steps: { accounts: { shares: number[] }[] } };
			},
			[key, accountId]
		);
		expect(replay.replayed).toBe(true);
		expect(replay.steps.accounts[0]!.shares).toEqual([30, 10, 5]);
		await page.reload();
		await waitForFresh(page);
		expect(await alertStepsShown(mine)).toEqual([30, 10, 5]);
		await context.close();
	});
});

describe('a shared phone', () => {
	it("keeps nothing of the first user's data for the next one after sign-out", async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await signIn(page, maya.email);
		await waitForServiceWorker(page);
		await waitForFresh(page);
		await page.goto('/usage');
		await waitForFresh(page);
		const me = await page.evaluate(async () => (await (await fetch('/trpc/me.profile')).json()).result.data as { id: string; personalAccountId: string });
		const before = await deviceStorage(page);
		expect(before.databases).toContain(`quota-user-${me.id}`);
		expect(before.idb).toContain(me.personalAccountId);
		expect(before.idb).toContain('Maya Patel');

		await page.goto('/more');
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.waitForURL('**/signin');
		// The next person signs in (their session cookie arrives, as after the sign-in form).
		await context.addCookies(sessionCookies(leo.email));
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.goto('/usage');
		await waitForFresh(page);

		const after = await deviceStorage(page);
		expect(after.databases.some((name) => name.includes(me.id))).toBe(false);
		for (const trace of [me.id, me.personalAccountId, 'Maya Patel']) {
			expect(after.idb).not.toContain(trace);
			expect(after.cached).not.toContain(trace);
		}
		const visible = await page.locator('body').innerText();
		expect(visible).not.toContain('Maya');
		expect(visible).toContain(leo.name);
		await screen(page, 'shared-phone-next-user');
		await context.close();
	});

	it("forgets the first user when their session ended without sign-out and someone else signs in", async () => {
		const { context, page } = await openAs(browser, maya.email);
		await waitForFresh(page);
		const me = await page.evaluate(async () => (await (await fetch('/trpc/me.profile')).json()).result.data as { id: string; personalAccountId: string });
		expect((await deviceStorage(page)).databases).toContain(`quota-user-${me.id}`);

		// Maya's session ends without a sign-out on this phone (expiry, revocation); Leo signs in.
		await context.clearCookies();
		await context.addCookies(sessionCookies(leo.email));
		await page.goto('/dashboard');
		await waitForFresh(page);
		const after = await deviceStorage(page);
		expect(after.databases.some((name) => name.includes(me.id))).toBe(false);
		expect(after.idb).not.toContain(me.personalAccountId);
		expect(await page.locator('body').innerText()).not.toContain('Maya');
		await context.close();
	});

	it('asks to sign in again, and forgets the saved data, when the server says the session is gone', async () => {
		const { context, page } = await openAs(browser, maya.email);
		await waitForFresh(page);
		await context.clearCookies();
		await page.goto('/usage?feature=ai_bots');
		await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/usage?feature=ai_bots');
		expect((await deviceStorage(page)).databases.filter((n) => n.startsWith('quota-'))).toEqual([]);
		await context.close();
	});
});
