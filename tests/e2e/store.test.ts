import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseURL, launch, phoneContext, screenshot } from './browser';
import { endlessAnimations, onScreen, ownUser, screen, signInByForm } from './app';
import { searchAccounts } from './console';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** A fresh phone with a new session of `email` (the sign-in form's POST), on the dashboard. */
async function signedIn(context: BrowserContext, email: string): Promise<Page> {
	const page = await context.newPage();
	await signInByForm(page, email);
	return page;
}

/**
 * The spendable balance as the server has it (the same tRPC query the dashboard makes). Asked again
 * after a purchase, more than the server's 5 s keep-alive later: a reset of the connection it was
 * closing meanwhile is retried, as a browser retries an idempotent request on a reused connection.
 */
async function available(page: Page): Promise<number> {
	const res = await page.request.get(`/trpc/ledger.summary?input=${encodeURIComponent('{}')}`, { maxRetries: 2 });
	expect(res.status()).toBe(200);
	return ((await res.json()) as { result: { data: { available: number } } }).result.data.available;
}

const offer = (page: Page, name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });

/** Pays in the simulator's checkout sheet; holds the order poll a moment so the "processing" state can be seen. */
/**
 * Pays in the simulator's sheet. The order's status answers are held back until the returned
 * function is called, so "Processing your payment" stands until the test has seen it: a delay
 * counted from the click let a slow payment call on a busy machine use it all up, and the
 * processing state then lasted too briefly to be seen.
 */
async function payInSheet(page: Page, total: string, shot: string): Promise<() => void> {
	const sheet = page.frameLocator('iframe[title="Checkout"]');
	await sheet.locator('button:enabled', { hasText: `Pay ${total}` }).waitFor();
	await screen(page, shot);
	let release!: () => void;
	const released = new Promise<void>((r) => (release = r));
	await page.route(/\/trpc\/[^?]*store\.order/, async (route) => {
		await released;
		await route.continue().catch(() => {}); // the page may have moved on meanwhile
	});
	await sheet.getByRole('button', { name: `Pay ${total}` }).click();
	return release;
}

describe('the Paddle webhook endpoint of the running app', () => {
	it('refuses unsigned and badly signed bodies with a 4xx', async () => {
		const context = await phoneContext(browser);
		const body = { event_id: 'evt_01forgedforgedforgedforged0', event_type: 'transaction.completed', occurred_at: new Date().toISOString(), data: {} };
		const unsigned = await context.request.post('/api/webhooks/paddle', { data: body });
		expect(unsigned.status()).toBe(400);
		const forged = await context.request.post('/api/webhooks/paddle', { data: body, headers: { 'paddle-signature': `ts=${Math.floor(Date.now() / 1000)};h1=${'0'.repeat(64)}` } });
		expect(forged.status()).toBe(401);
		await context.close();
	});
});

describe("the store beside a member's unlimited use", () => {
	it('says of the packs whose tokens it makes wait: all of a Claude pack, a bundle its Claude part; not of a token pack', async () => {
		const context = await phoneContext(browser);
		const page = await signedIn(context, 'maya@quota.test');
		await page.goto('/store');
		// Maya's own account has unlimited Claude Sonnet 4.5 (the demo's "Enterprise: unlimited Claude").
		await offer(page, 'Claude Sonnet 4.5 10k').getByText('You have unlimited use of Claude Sonnet 4.5 now: these tokens wait until it ends.').waitFor();
		await offer(page, 'Starter bundle').getByText('You have unlimited use of Claude Sonnet 4.5 now: its tokens here wait until it ends.').waitFor();
		await expect(offer(page, 'Token pack').getByText(/unlimited use/).count()).resolves.toBe(0);
		await offer(page, 'Claude Sonnet 4.5 10k').scrollIntoViewIfNeeded();
		await screen(page, 'store-unlimited-claude');
		await context.close();
	});
});

describe('buying tokens on a phone (Paddle simulator)', () => {
	let context: BrowserContext;
	let page: Page;
	beforeAll(async () => {
		context = await phoneContext(browser);
		page = await signedIn(context, 'leo@quota.test');
	});
	afterAll(async () => context?.close());

	it('shows packages as cards with tokens, price, per-1k price and bundle savings, without horizontal scrolling', async () => {
		await page.goto('/store');
		const pack = offer(page, 'Token pack');
		await pack.waitFor();
		await expect(pack.textContent()).resolves.toMatch(/5,000\s*tokens/);
		await expect(pack.textContent()).resolves.toContain('$1.00 per 1,000 tokens');
		const bundle = offer(page, 'Starter bundle');
		await expect(bundle.textContent()).resolves.toMatch(/Save \d+%/);
		await expect(bundle.textContent()).resolves.toContain('GPT-5 Nano: 50,000 tokens');
		// Each card says once whether its tokens expire or renew (its description does not repeat it).
		for (const [name, said] of [['Token pack', /never expire/gi], ['Monthly plan', /roll over/gi]] as const) {
			expect((await offer(page, name).textContent())!.match(said), name).toHaveLength(1);
		}
		// Leo has no unlimited use: no pack says its tokens wait.
		await expect(page.getByText(/unlimited use/).count()).resolves.toBe(0);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(page, 'store');
		await screen(page, 'store-top');
	});

	it('buys 2 packs: processing, then "tokens added" and a balance 10,000 higher, without a reload', async () => {
		const before = await available(page);
		await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
		const pack = offer(page, 'Token pack');
		await pack.getByRole('button', { name: 'One more Token pack' }).click();
		await expect(pack.textContent()).resolves.toMatch(/10,000\s*tokens/);
		await pack.getByRole('button', { name: 'Buy · $10.00' }).click();
		// Paddle's checkout asks for an e-mail; the store fills in the signed-in user's, as it does Paddle's (customer.email).
		const email = page.frameLocator('iframe[title="Checkout"]').getByLabel('Email');
		await expect(email.inputValue()).resolves.toBe('leo@quota.test');
		const release = await payInSheet(page, '$10.00', 'checkout-sheet');
		await status(page).getByText('Processing your payment').waitFor();
		await screen(page, 'store-processing');
		release();
		// It says what was bought, as the buyer chose it.
		await status(page).getByText('Tokens added: +10,000 · Token pack × 2', { exact: true }).waitFor({ timeout: 15_000 });
		await expect(status(page).textContent()).resolves.toContain((before + 10_000).toLocaleString('en-US'));
		expect(await available(page)).toBe(before + 10_000);
		expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);
		// Bought: the next purchase of the pack starts again from one.
		await expect(pack.textContent()).resolves.toMatch(/5,000\s*tokens/);
		await pack.getByRole('button', { name: 'Buy · $5.00' }).waitFor();
		await screen(page, 'store-tokens-added');
	});

	it('a subscription, then its renewal: the allocation is replaced, not added; the history shows both', async () => {
		await status(page).getByRole('button', { name: 'Close' }).click();
		const before = await available(page);
		const plan = offer(page, 'Monthly plan');
		await plan.getByRole('button', { name: /Subscribe/ }).click();
		(await payInSheet(page, '$15.00', 'checkout-sheet-subscription'))();
		await status(page).getByText('Tokens added: +20,000').waitFor({ timeout: 15_000 });
		// Bought from far down the page: the result is in sight without scrolling back up.
		expect(await onScreen(status(page))).toBe(true);
		await screen(page, 'store-subscription-added');
		expect(await available(page)).toBe(before + 20_000);
		// Bought, the plan's card says it is the account's plan instead of offering it again.
		await plan.getByText(/^Active Your plan · Renews [A-Z][a-z]{2} \d{1,2}, \d{4}$/).waitFor();
		await expect(plan.getByRole('button', { name: /Subscribe/ }).count()).resolves.toBe(0);

		// Paddle's billing clock, on demand: a site admin renews it in the simulator's dashboard.
		const admin = await phoneContext(browser);
		const seller = await signedIn(admin, 'admin@quota.test');
		await seller.goto('/paddle-simulator');
		await seller.getByRole('button', { name: 'Renew now' }).first().click();
		await seller.getByText('Renew now: sent subscription.updated (200), transaction.completed (200)').waitFor();
		await screenshot(seller, 'paddle-simulator');
		await admin.close();

		expect(await available(page)).toBe(before + 20_000);

		await page.goto('/purchases');
		const history = page.getByRole('region', { name: 'Purchase history' });
		await history.getByText('Monthly plan · renewal').waitFor();
		await expect(history.getByText('Token pack × 2').isVisible()).resolves.toBe(true);
		await expect(history.getByRole('listitem').filter({ hasText: 'Monthly plan' }).count()).resolves.toBe(2);
		const subs = page.getByRole('region', { name: 'Subscriptions' });
		await expect(subs.textContent()).resolves.toMatch(/Monthly plan\s*Active\s*Renews/);
		await history.getByText('Token pack × 2').click();
		await history.getByText('General balance: 10,000 tokens').waitFor();
		await screen(page, 'purchases');

		// Cancelled, it runs to its period's end: the badge says it is ending, not "Active" beside "Canceled".
		await subs.getByRole('button', { name: 'Cancel…' }).click();
		await subs.getByRole('button', { name: 'Cancel subscription' }).click();
		await expect.poll(() => subs.textContent(), { timeout: 15_000 }).toMatch(/Monthly plan\s*Ending\s*Canceled · ends [A-Z][a-z]{2} \d{1,2}, \d{4}/);
		await expect(subs.getByText('Active', { exact: true }).count()).resolves.toBe(0);
		await screen(page, 'purchases-subscription-ending');
	});

	it('a plan the account has shows as its plan with a way to manage it; asked for again, the store refuses in words; the admin’s page says what Purchases says', async () => {
		await page.goto('/store');
		const plan = offer(page, 'Monthly plan');
		await plan.getByText(/^Ending Your plan · Canceled · ends [A-Z][a-z]{2} \d{1,2}, \d{4}$/).waitFor();
		await expect(plan.getByRole('button', { name: /Subscribe/ }).count()).resolves.toBe(0);
		await expect(plan.getByRole('link', { name: 'Manage in Purchases' }).getAttribute('href')).resolves.toBe('/purchases');
		// Another plan is still for sale. The one held is cancelled at its period's end: it is billed no more,
		// so taking another bills that one alone (not "both"), and the note says when the held one ends.
		const annual = offer(page, 'Annual plan');
		await annual.getByRole('button', { name: /Subscribe/ }).waitFor();
		await annual.getByText(/^You already have “Monthly plan” until [A-Z][a-z]{2} \d{1,2}, \d{4}, and it is not billed again: subscribing to this one bills only this one\.$/).waitFor();
		await expect(annual.getByText(/bills both/).count()).resolves.toBe(0);
		await annual.scrollIntoViewIfNeeded();
		await screen(page, 'store-plan-beside');
		await plan.scrollIntoViewIfNeeded();
		await screen(page, 'store-plan-held');
		const wide = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseURL() });
		const desk = await signedIn(wide, 'leo@quota.test');
		await desk.goto('/store');
		await offer(desk, 'Monthly plan').getByRole('link', { name: 'Manage in Purchases' }).scrollIntoViewIfNeeded();
		await screen(desk, 'store-plan-held-desktop');
		await wide.close();

		// A link that opens a checkout at once (a top-up notice's) for the plan it has: refused, nothing opened.
		await page.goto('/store?buy=monthly-20k');
		await status(page).getByText('Could not start the checkout.').waitFor();
		await status(page).getByText('You already subscribe to Monthly plan on this account; manage it in Purchases.').waitFor();
		await expect(page.locator('iframe[title="Checkout"]').count()).resolves.toBe(0);
		await screen(page, 'store-plan-refused');
		await status(page).getByRole('button', { name: 'Close' }).click();

		const admin = await phoneContext(browser);
		const adminPage = await signedIn(admin, 'admin@quota.test');
		await adminPage.goto('/admin/users');
		await searchAccounts(adminPage, 'leo@quota.test');
		await adminPage.getByRole('link', { name: 'Leo Martin' }).first().click();
		const records = adminPage.getByRole('region', { name: 'Subscriptions and purchases' });
		const sub = records.getByRole('listitem').filter({ hasText: /^Monthly plan · (Ending|Active)/ });
		await expect.poll(() => sub.textContent(), { timeout: 15_000 }).toMatch(/^Monthly plan · Ending · Canceled · ends [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
		await sub.scrollIntoViewIfNeeded();
		await screen(adminPage, 'admin-user-subscription-ending');
		await admin.close();

		// Changed their mind before the period's end: kept, it renews as before, and the store says so.
		await page.goto('/purchases');
		const subs = page.getByRole('region', { name: 'Subscriptions' });
		await subs.getByText(/Keep it and it renews [A-Z][a-z]{2} \d{1,2}, \d{4} as before/).waitFor();
		await screen(page, 'purchases-subscription-keep');
		await subs.getByRole('button', { name: 'Keep subscription' }).click();
		await expect.poll(() => subs.textContent(), { timeout: 15_000 }).toMatch(/Monthly plan\s*Active\s*Renews [A-Z][a-z]{2} \d{1,2}, \d{4}/);
		await expect(subs.getByRole('button', { name: 'Keep subscription' }).count()).resolves.toBe(0);
		await subs.getByRole('button', { name: 'Cancel…' }).waitFor();
		await page.goto('/store');
		await offer(page, 'Monthly plan').getByText(/^Active Your plan · Renews [A-Z][a-z]{2} \d{1,2}, \d{4}$/).waitFor();
		// Renewing again, another plan would bill beside it: the note says both.
		const again = offer(page, 'Annual plan');
		await again.getByText('You already have “Monthly plan”: subscribing to this one too bills both, each renewing on its own.').waitFor();
		await again.scrollIntoViewIfNeeded();
		await screen(page, 'store-plan-beside-renewing');
	});

	it('a checkout closed without paying is no purchase: Purchases offers it apart to resume or dismiss, and neither list shows it', async () => {
		const leave = async () => {
			await page.goto('/store');
			await offer(page, 'Text Embedding 25k').getByRole('button', { name: /^Buy/ }).click();
			await page.frameLocator('iframe[title="Checkout"]').getByRole('button', { name: 'Close checkout' }).click();
			await page.goto('/purchases');
		};
		await leave();
		const open = page.getByRole('region', { name: 'Checkout not paid yet' });
		await open.getByText('Text Embedding 25k').waitFor();
		await expect(open.textContent()).resolves.toMatch(/not paid yet: nothing is charged or added\. You can resume it for (59|60) min more\./);
		const history = page.getByRole('region', { name: 'Purchase history' });
		await history.getByRole('listitem').first().waitFor();
		await expect(page.getByText(/^(Unpaid|Pending)$/).count()).resolves.toBe(0);
		await screen(page, 'purchases-open-checkout');
		await page.setViewportSize({ width: 1280, height: 800 });
		await screen(page, 'purchases-open-checkout-desktop');
		await page.setViewportSize({ width: 390, height: 844 });
		const paidBefore = await history.getByRole('listitem').filter({ hasText: 'Text Embedding 25k' }).count();

		// The dashboard's recent purchases are the same paid ones, never the open checkout.
		await page.goto('/dashboard');
		const recent = page.getByRole('region', { name: 'Recent purchases' });
		// Its list loads as it comes near the screen.
		await recent.scrollIntoViewIfNeeded();
		await recent.getByRole('listitem').first().waitFor();
		await expect(recent.getByText(/^(Unpaid|Pending)$/).count()).resolves.toBe(0);

		// Resumed: the same checkout opens; paid, it becomes a purchase and the open one is gone.
		await page.goto('/purchases');
		await open.getByRole('button', { name: 'Resume checkout' }).click();
		const sheet = page.frameLocator('iframe[title="Checkout"]');
		await sheet.getByRole('button', { name: /^Pay / }).click();
		await page.getByText(/Payment received: [\d,]+ tokens? will be added in a moment\./).waitFor();
		await expect.poll(() => history.getByRole('listitem').filter({ hasText: 'Text Embedding 25k' }).count(), { timeout: 15_000 }).toBe(paidBefore + 1);
		await expect.poll(() => open.count(), { timeout: 15_000 }).toBe(0);
		await page.goto('/dashboard');
		await recent.scrollIntoViewIfNeeded();
		await recent.getByRole('listitem').filter({ hasText: 'Text Embedding 25k' }).first().getByText('Completed', { exact: true }).waitFor();

		// Dismissed: gone, and nothing added to the history.
		await leave();
		await open.getByRole('button', { name: 'Dismiss' }).click();
		await expect.poll(() => open.count(), { timeout: 15_000 }).toBe(0);
		await expect(history.getByRole('listitem').filter({ hasText: 'Text Embedding 25k' }).count()).resolves.toBe(paidBefore + 1);
		await page.reload();
		await history.getByRole('listitem').first().waitFor();
		await expect(open.count()).resolves.toBe(0);
	});

	it('offline, the store says purchases need a connection and does not offer to buy', async () => {
		await page.goto('/store');
		await offer(page, 'Token pack').waitFor();
		await context.setOffline(true);
		await page.getByText('You are offline. Purchases need a connection').waitFor();
		await expect(offer(page, 'Token pack').getByRole('button', { name: /Buy/ }).isDisabled()).resolves.toBe(true);
		await screen(page, 'store-offline');
		await context.setOffline(false);
	});
});

/**
 * Focuses a sheet's button once a person could use it: the sheet's buttons are disabled until its script
 * runs, and until then Escape does nothing either (a loaded machine's frame can take seconds).
 */
async function focusWhenReady(button: Locator) {
	await button.click({ trial: true });
	await button.focus();
}

const status = (page: Page) => page.getByRole('status', { name: 'Purchase status' });

describe("the simulator's checkout sheet and the quantity stepper (a person of their own)", () => {
	it('names each quantity button by its pack; Escape closes the sheet from inside it, after a declined card too', async () => {
		const { context, page } = await ownUser(browser, 'Sheet Keys', 0);
		try {
			await page.goto('/store');
			const pack = offer(page, 'Token pack');
			await pack.getByRole('button', { name: 'One more Token pack' }).click();
			await expect(pack.getByRole('button', { name: 'One fewer Token pack' }).isEnabled()).resolves.toBe(true);
			await expect(page.getByRole('button', { name: /^One (more|fewer)$/ }).count()).resolves.toBe(0);
			await pack.getByRole('button', { name: 'Buy · $10.00' }).click();
			const frame = page.locator('iframe[title="Checkout"]');
			const sheet = page.frameLocator('iframe[title="Checkout"]');
			// Focus inside the sheet (a declined card tried): Escape still closes it.
			await sheet.getByRole('button', { name: 'Simulate a declined card' }).click();
			await sheet.getByText('Your card was declined.').waitFor();
			await screen(page, 'checkout-sheet-declined');
			await page.keyboard.press('Escape');
			await frame.waitFor({ state: 'detached' });
			await expect.poll(() => pack.getByRole('button', { name: /^Buy · / }).evaluate((b) => b === document.activeElement)).toBe(true);
			// And from its Pay button.
			await pack.getByRole('button', { name: /^Buy · / }).click();
			await focusWhenReady(sheet.getByRole('button', { name: /^Pay / }));
			// Tab past the sheet's last button never lands on the store behind it (a link of the dimmed page, before).
			const behind: string[] = [];
			for (let i = 0; i < 8; i++) {
				await page.keyboard.press('Tab');
				const el = await page.evaluate(() => document.activeElement && document.activeElement !== document.body && document.activeElement.tagName !== 'IFRAME' ? document.activeElement.outerHTML.slice(0, 80) : null);
				if (el) behind.push(el);
			}
			expect(behind).toEqual([]);
			await page.keyboard.press('Escape');
			await frame.waitFor({ state: 'detached' });
			// Closed unpaid, the keyboard is back on the Buy button that opened it, as a dialog gives it back, not at the page's top.
			await expect.poll(() => pack.getByRole('button', { name: /^Buy · / }).evaluate((b) => b === document.activeElement)).toBe(true);
		} finally {
			await context.close();
		}
	});
});

describe('a checkout left unpaid, then the same pack bought in another (a person of their own)', () => {
	it('Purchases says the pack was bought since, and leaving the old checkout comes first', async () => {
		const { context, page } = await ownUser(browser, 'Twice Buyer', 0);
		try {
			const pack = offer(page, 'Token pack');
			const frame = page.locator('iframe[title="Checkout"]');
			const sheet = page.frameLocator('iframe[title="Checkout"]');
			// Two packs in a checkout left with Escape from its Pay button: an unpaid checkout.
			const twoPacks = async () => {
				await page.goto('/store');
				await pack.getByRole('button', { name: 'One more Token pack' }).click();
				await pack.getByRole('button', { name: 'Buy · $10.00' }).click();
			};
			await twoPacks();
			// Behind the open sheet the store waits on nobody but the buyer: it says so, and nothing spins.
			await status(page).getByText('In the checkout for Token pack: pay there, or close it to come back.').waitFor();
			expect(await endlessAnimations(page)).toEqual([]);
			await focusWhenReady(sheet.getByRole('button', { name: 'Pay $10.00' }));
			await page.keyboard.press('Escape');
			await frame.waitFor({ state: 'detached' });
			await page.goto('/purchases');
			const open = page.getByRole('region', { name: 'Checkout not paid yet' });
			await open.getByRole('button', { name: 'Resume checkout' }).waitFor();

			// The same two packs bought and paid in a new checkout.
			await twoPacks();
			await sheet.getByRole('button', { name: 'Pay $10.00' }).click();
			await status(page).getByText('Tokens added: +10,000').waitFor({ timeout: 20_000 });

			await page.goto('/purchases');
			await open.getByText(/^You bought Token pack × 2 at \d{2}:\d{2}, after this checkout began: resuming it buys it again\.$/).waitFor();
			// Resuming is no longer the way to finish a purchase: leaving it comes first, and buying again is named so.
			await expect(open.getByRole('button', { name: 'Resume checkout' }).count()).resolves.toBe(0);
			const buttons = await open.getByRole('button').allTextContents();
			expect(buttons.map((b) => b.trim())).toEqual(['Dismiss', 'Buy it again']);
			await screen(page, 'purchases-bought-since');
			await page.setViewportSize({ width: 1280, height: 800 });
			await screen(page, 'purchases-bought-since-desktop');
			await page.setViewportSize({ width: 390, height: 844 });
			await open.getByRole('button', { name: 'Dismiss' }).click();
			await expect.poll(() => open.count(), { timeout: 15_000 }).toBe(0);
		} finally {
			await context.close();
		}
	});
});
