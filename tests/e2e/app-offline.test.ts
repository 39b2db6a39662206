import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { installedPhone, launch, phoneContext } from './browser';
import { alertStepsShown, deviceStorage, leo, maya, openAndSave, openAs, ownUser, screen, sessionCookies, signIn, waitForFresh, waitForServiceWorker } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** refresh.svelte.ts's RETRY_MS: while its requests go unanswered, the page tries again this often. */
const RETRY_MS = 10_000;

/**
 * The connection back, as Chromium's emulation brings it: no `online` event comes, so the page fills
 * in by itself at its next try (RETRY_MS). The page's clock is the test's (`installClock` before
 * the page's load that is tested): it moves to that try rather than the test waiting ten seconds for it.
 */
async function backOnline(page: import('playwright-core').Page) {
	await page.context().setOffline(false);
	await page.clock.runFor(RETRY_MS);
}

/**
 * Makes the page's clock the test's, on a page where no app runs (a blank one, or before the first load):
 * installed into a loaded app, Playwright's clock reads time 0 until its install reaches the page, and a
 * figure saved meanwhile is "updated 20,792 days ago" (CI 136, the playground's line, after two runs that only
 * timed out there). The app's pages then load with the clock in place from their first script.
 */
async function installClock(page: import('playwright-core').Page) {
	expect(page.url()).toBe('about:blank');
	await page.clock.install();
}

/** Maya's dashboard on an installed phone, its figures fresh, the page's clock the test's from its first script (installClock). */
async function freshDashboard() {
	const { context, page } = await openAs(browser, maya.email, 'about:blank', installedPhone);
	await installClock(page);
	await page.goto('/dashboard');
	await waitForServiceWorker(page);
	await waitForFresh(page);
	return { context, page };
}

/** The figures a person reads on the dashboard: the four summary cards. */
const cards = (page: import('playwright-core').Page) => page.getByRole('region', { name: 'Summary' }).innerText();

describe('offline on a phone', () => {
	it('reopens the dashboard and the history with the same figures and says how old they are', async () => {
		const { context, page } = await openAs(browser, maya.email, '/dashboard', installedPhone);
		await waitForServiceWorker(page);
		await openAndSave(page, '/dashboard');
		const figures = await cards(page);
		await openAndSave(page, '/usage');
		const firstRows = await page.locator('tbody tr').first().innerText();
		await openAndSave(page, '/team');
		await openAndSave(page, '/settings');

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

		// The team as last seen; what only the server can do waits for a connection: an invitation, a
		// member's role, caps, removing someone.
		await page.goto('/team');
		await page.getByText(/Offline · updated/).first().waitFor();
		await expect(page.getByRole('button', { name: 'Send invite' }).isDisabled()).resolves.toBe(true);
		const leoRow = page.getByRole('listitem').filter({ hasText: leo.name });
		await expect(leoRow.getByRole('combobox').isDisabled()).resolves.toBe(true);
		await leoRow.getByRole('button', { name: /^Caps/ }).click();
		await expect(leoRow.getByRole('button', { name: 'Save caps' }).isDisabled()).resolves.toBe(true);
		await leoRow.getByText('Needs a connection').waitFor();
		await leoRow.scrollIntoViewIfNeeded();
		await screen(page, 'offline-team-caps');
		await leoRow.getByRole('button', { name: 'Cancel' }).click();
		await leoRow.getByRole('button', { name: /^Remove/ }).click();
		const sheet = page.getByRole('dialog');
		await sheet.getByText('Needs a connection').waitFor();
		await expect(sheet.getByRole('button', { name: /^Remove/ }).isDisabled()).resolves.toBe(true);
		await screen(page, 'offline-team-remove');

		// An auto top-up is about money: never queued, its Save waits for a connection.
		await page.goto('/settings');
		await page.getByText(/Offline · updated/).first().waitFor();
		const topupSave = page.getByRole('button', { name: 'Save auto top-up' }).first();
		await topupSave.scrollIntoViewIfNeeded();
		await expect(topupSave.isDisabled()).resolves.toBe(true);
		await page.getByText('Needs a connection').first().waitFor();
		await screen(page, 'offline-settings-topup');
		await context.close();
	});

	it("kept offline past the site's midnight, the figures say whose day their “today” is, and a daily allowance that it has reset since", async () => {
		const { context, page } = await freshDashboard();
		await page.getByText(/Daily · resets in \d/).first().waitFor();
		const settings = (await (await context.request.get('/trpc/settings.get')).json()).result.data as { siteTimeZone: string };
		// The site's day the figures are of, as the page writes a date (format.ts shortDate), in the site's zone.
		const ofDay = await page.evaluate((zone) => new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: zone }).format(new Date()), settings.siteTimeZone);
		await context.setOffline(true);
		await page.clock.fastForward('24:01:00');
		await page.getByText(`Offline · updated 1 day ago · “today” here is ${ofDay}`, { exact: true }).waitFor();
		await page.getByText('Daily · has reset since these figures').first().waitFor();
		await expect(page.getByText(/resets in less than a minute/).count()).resolves.toBe(0);
		await screen(page, 'offline-past-midnight');
		await context.close();
	});

	it('queues an alert steps change made offline and applies it once when the connection is back', async () => {
		// A user of its own (the site's default steps: 20, 10 and 5%): the steps set here stay, and set a demo user's yellow.
		const { context, page } = await ownUser(browser, 'Omar Offline', 5_000, installedPhone);
		await page.goto('about:blank');
		await installClock(page);
		await page.goto('/settings');
		await waitForServiceWorker(page);
		await waitForFresh(page);
		const mine = page.getByRole('group', { name: 'Your tokens' });

		await context.setOffline(true);
		await mine.getByRole('button', { name: 'Remove the 20% step' }).click();
		await mine.getByRole('button', { name: 'Save alert steps' }).click();
		await page.getByText('will sync when you are back online').waitFor();
		// The form says so too, and that it is saved once the connection is back (below).
		await mine.getByRole('status').getByText('Saved on this device: it is sent when you are back online.').waitFor();
		const label = 'Alert steps for your tokens: 10%, 5%, run out';
		await expect(page.getByText(label).isVisible()).resolves.toBe(true);
		await screen(page, 'offline-settings-queued');
		// Still queued after a reload while offline; its key was made on the device.
		await page.reload();
		await page.getByText(label).waitFor();
		expect(await alertStepsShown(mine)).toEqual([10, 5]);
		const queued = (await deviceStorage(page)).idb;
		const [, key, accountId] = /"key":"([0-9a-f-]{36})","path":"alerts\.setSteps","input":\{"accountId":"([0-9a-f-]{36})"/.exec(queued) ?? [];
		expect(key && accountId).toBeTruthy();

		await backOnline(page);
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

describe('offline, pages never opened on this device', () => {
	/** Every member page that shows the device's saved copies; only the dashboard was opened online. */
	const pages = ['/statement', '/store', '/usage', '/reports', '/alerts', '/team', '/purchases', '/playground', '/settings'];

	it('say calmly what is missing instead of loading forever, show what another page saved, and fill in by themselves online', async () => {
		const { context, page } = await freshDashboard();
		const available = await page.locator('.stat', { hasText: 'Available' }).locator('.value').innerText();

		await context.setOffline(true);
		for (const path of pages) {
			await page.goto(path);
			await page.getByRole('status').filter({ hasText: /^\s*Offline/ }).first().waitFor();
			// Settled: nothing shimmers as if something were coming.
			await expect.poll(() => page.locator('main .skeleton').count(), { message: path }).toBe(0);
		}

		// A team is made on the server: offline, "New team" waits for a connection, as the store's Buy does.
		await page.goto('/team');
		const another = page.getByRole('region', { name: 'Start another team' });
		await another.getByText('Needs a connection').waitFor();
		await expect(another.getByRole('button', { name: 'New team' }).isDisabled()).resolves.toBe(true);
		await another.scrollIntoViewIfNeeded();
		await screen(page, 'offline-team-new');

		await page.goto('/statement');
		await page.getByRole('heading', { name: "No saved copy of this account's statement on this device yet" }).waitFor();
		await expect(page.getByText('One visit with a connection saves it here for offline use. It fills in by itself as soon as you are back online.').isVisible()).resolves.toBe(true);
		await screen(page, 'offline-nothing-saved-statement');
		await page.goto('/store');
		await page.getByRole('heading', { name: "No saved copy of the store's packages on this device yet" }).waitFor();
		// Nothing below to be "as last seen": the card says it all.
		await expect(page.getByText('the packages below are as last seen').count()).resolves.toBe(0);
		await screen(page, 'offline-nothing-saved-store');

		// The playground's "Available" is the dashboard's saved figure, its age said.
		await page.goto('/playground');
		const balance = page.getByRole('region', { name: 'Balance' });
		await balance.getByText(available, { exact: true }).waitFor();
		// Polled as text, so that a failure says what the lines said (it said "updated 20,792 days ago": see installClock).
		await expect
			.poll(() => page.getByRole('status').allInnerTexts(), { timeout: 30_000, message: "the playground's status lines" })
			.toEqual(expect.arrayContaining([expect.stringMatching(/^\s*Offline · updated (just now|\d+ min ago)/)]));
		await page.getByText('No saved copy of the operations and their rates on this device yet: it shows once you are back online.').waitFor();
		await screen(page, 'offline-playground');
		// The purchases too: the dashboard's copy holds the same list (Maya's has none yet).
		await page.goto('/purchases');
		await page.getByRole('status').filter({ hasText: /^\s*Offline · updated/ }).waitFor();
		await page.getByText('No purchases yet. Visit the store to buy tokens.').waitFor();

		// A page the device keeps no shell of (the public developer guide, linked from Settings) says so in the app's words, not the browser's error.
		await page.goto('/developers');
		await page.getByRole('heading', { name: 'You are offline' }).waitFor();
		await page.getByText('This page is not kept on this device, so it opens once you are back online.').waitFor();
		await screen(page, 'offline-not-kept-developers');
		await page.getByRole('link', { name: 'Open the dashboard' }).click();
		await page.getByRole('status').filter({ hasText: /^\s*Offline · updated/ }).waitFor();
		await page.goto('/statement');
		await page.getByRole('heading', { name: /No saved copy/ }).waitFor();
		await backOnline(page);
		await waitForFresh(page);
		await page.getByRole('heading', { name: 'Every movement, newest first' }).waitFor();
		await context.close();
	});
});

describe('offline, nothing saved for what the dashboard shows', () => {
	it('another account picked offline: the dashboard says so, with no skeletons', async () => {
		const { context, page } = await openAs(browser, maya.email, '/dashboard', installedPhone);
		await waitForServiceWorker(page);
		await waitForFresh(page);
		await context.setOffline(true);
		// The choice waits in the outbox; this context closes offline, so it never reaches the server.
		await page.getByRole('radio', { name: /Acme Studio/ }).click();
		await page.getByRole('heading', { name: "No saved copy of this account's figures on this device yet" }).waitFor();
		await expect.poll(() => page.locator('main .skeleton').count()).toBe(0);
		await screen(page, 'offline-nothing-saved-dashboard');
		await context.close();
	});

	it('a device whose saved data is gone, opened offline: says so, and fills in by itself when back online', async () => {
		const { context, page } = await openAs(browser, maya.email, 'about:blank', installedPhone);
		await installClock(page);
		await page.goto('/dashboard');
		await waitForServiceWorker(page);
		await waitForFresh(page);
		// The device's data wiped (storage cleared, a second profile): nobody is remembered here.
		await page.evaluate(async () => {
			for (const { name } of await indexedDB.databases()) {
				if (name?.startsWith('quota-')) await new Promise((done) => (indexedDB.deleteDatabase(name).onsuccess = done));
			}
		});
		await context.setOffline(true);
		await page.reload();
		await page.getByRole('heading', { name: "No saved copy of this account's figures on this device yet" }).waitFor();
		await expect.poll(() => page.locator('main .skeleton').count()).toBe(0);
		await backOnline(page);
		await waitForFresh(page); // the session is confirmed again, and the figures come
		await expect(page.locator('.stat .value').count()).resolves.toBe(4);
		await context.close();
	});
});

describe('back online when the browser does not say so', () => {
	/**
	 * The connection goes and comes back while navigator.onLine stays true and no `online` event
	 * comes (as Chromium's offline emulation was seen to do, and networks that carry nothing): the
	 * app's requests fail, then are answered again. The page's clock is the test's: its timers run
	 * when the test moves it. The page's own refresh notices (refresh.svelte.ts): a phone without the
	 * service worker, whose install (precaching the app) is a third of such a test's CPU and is not what
	 * is tested; page.route then sees every request, none of them answered by the worker.
	 */
	async function cutOff(path: string) {
		const context = await phoneContext(browser);
		await context.addCookies(sessionCookies(maya.email));
		const page = await context.newPage();
		await installClock(page);
		await page.goto(path);
		await waitForFresh(page);
		const cut = (route: import('playwright-core').Route) => route.abort('internetdisconnected');
		await page.route('**/trpc/**', cut);
		await page.clock.runFor(AUTO_REFRESH_MS); // the 30-second refresh fails
		await page.getByRole('status').filter({ hasText: /^\s*Offline · updated/ }).first().waitFor();
		await page.unroute('**/trpc/**', cut);
		return { context, page };
	}
	/** refresh.svelte.ts's AUTO_REFRESH_MS (its RETRY_MS is above). */
	const AUTO_REFRESH_MS = 30_000;
	const fresh = (page: import('playwright-core').Page) => page.getByRole('status').filter({ hasText: /^Updated / }).first().waitFor({ timeout: 5_000 });

	it('tries again within 10 seconds by itself, without a tap', async () => {
		const { context, page } = await cutOff('/dashboard');
		await page.clock.runFor(RETRY_MS);
		await fresh(page);
		await context.close();
	});

	it('clears "Offline" at once when any request is answered again', async () => {
		const { context, page } = await cutOff('/playground');
		await page.getByLabel('Number of words').fill('120'); // the cost is asked of the server as the number changes
		await page.clock.runFor(1_000);
		await fresh(page);
		await context.close();
	});
});

describe('a shared phone', () => {
	// The next person is Ada, whom no test puts in Maya's team: Leo's active account is switched to
	// the pool he shares with Maya by browser tests running beside these, and that pool's history
	// rightly names her (ci85 failed on it).
	const next = { email: 'admin@quota.test', name: 'Ada Admin' };
	it("keeps nothing of the first user's data for the next one after sign-out", async () => {
		const context = await phoneContext(browser, installedPhone);
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
		await context.addCookies(sessionCookies(next.email));
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
		expect(visible).toContain(next.name);
		await screen(page, 'shared-phone-next-user');
		await context.close();
	});

	it("forgets the first user when their session ended without sign-out and someone else signs in", async () => {
		const { context, page } = await openAs(browser, maya.email, '/dashboard', installedPhone);
		await waitForFresh(page);
		const me = await page.evaluate(async () => (await (await fetch('/trpc/me.profile')).json()).result.data as { id: string; personalAccountId: string });
		expect((await deviceStorage(page)).databases).toContain(`quota-user-${me.id}`);

		// Maya's session ends without a sign-out on this phone (expiry, revocation); Ada signs in.
		await context.clearCookies();
		await context.addCookies(sessionCookies(next.email));
		await page.goto('/dashboard');
		await waitForFresh(page);
		const after = await deviceStorage(page);
		expect(after.databases.some((name) => name.includes(me.id))).toBe(false);
		expect(after.idb).not.toContain(me.personalAccountId);
		expect(await page.locator('body').innerText()).not.toContain('Maya');
		await context.close();
	});

	it('asks to sign in again, and forgets the saved data, when the server says the session is gone', async () => {
		const { context, page } = await openAs(browser, maya.email, '/dashboard', installedPhone);
		await waitForFresh(page);
		await context.clearCookies();
		await page.goto('/usage?feature=ai_bots');
		await page.waitForURL((url) => url.pathname === '/signin' && url.searchParams.get('next') === '/usage?feature=ai_bots');
		expect((await deviceStorage(page)).databases.filter((n) => n.startsWith('quota-'))).toEqual([]);
		await context.close();
	});
});
