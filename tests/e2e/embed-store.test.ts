import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseURL, launch, phone } from './browser';
import { axe, screen, sessionCookies } from './app';
import { carriesEmbedToken, hostBackend, hostSite } from './host-site';
import { appSecret } from '../../src/lib/server/accounts/secret';
import { mintStoreTicket, STORE_TICKET_SECONDS } from '../../src/lib/server/embed/tokens';

// A host site's user (known to Quota only by the host's id: no e-mail, no password) buys tokens from
// the <quota-usage> widget on a page of ANOTHER origin: "Buy tokens" opens Quota's /embed/store in a
// new tab for exactly that user's account, a pack is paid in the Paddle simulator's sheet (embedded
// database only), the page says the tokens were added, and the widget on the host page shows them.

let browser: Browser;
let host: Awaited<ReturnType<typeof hostSite>>;
let app = '';
const { api, available } = hostBackend(() => app);

beforeAll(async () => {
	browser = await launch();
	app = baseURL();
	host = await hostSite();
});
afterAll(async () => {
	await browser?.close();
	await host?.close();
});

/** A host-site user with 5,000 bonus tokens, and the host page with their widget. */
async function hostPage() {
	const user = `wp-store-${crypto.randomUUID().slice(0, 8)}`;
	expect((await api('/api/v1/grants', { user, tokens: 5000, source: 'bonus' })).status).toBe(201);
	const made = await api('/api/v1/embed-tokens', { user, ttl_seconds: 600 });
	expect(made.status).toBe(201);
	const url = host.set(`/${user}`, `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host site</title></head>
<body><main><h1>My AI site</h1><quota-usage token="${made.json.token}"></quota-usage></main><script src="${app}/embed/quota-usage.js"></script></body></html>`);
	return { user, url, token: made.json.token as string, accountId: made.json.account_id as string };
}

/** The summary's store_url for a host user's widget (what "Buy tokens" links to). */
async function ticketLink(u: { token: string }): Promise<string> {
	const res = await fetch(`${app}/api/v1/embed/summary`, { headers: { authorization: `Bearer ${u.token}` } });
	return ((await res.json()) as { store_url: string }).store_url;
}

const offer = (page: Page, name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
const shown = (n: number) => `${n.toLocaleString('en-US')}tokens available`;

describe('buying tokens from the widget, as a host site’s user (Paddle simulator)', () => {
	it('Buy tokens opens the store for that user’s account in a new tab, a pack is paid, the page says so and the widget shows the new balance', async () => {
		const u = await hostPage();
		const context = await browser.newContext(phone);
		const page = await context.newPage();
		const requests: string[] = [];
		context.on('request', (r) => requests.push(r.url()));
		await page.goto(u.url);
		const widget = page.locator('quota-usage');
		const before = await available(u.user);
		await expect.poll(() => widget.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(before));

		const [store] = await Promise.all([context.waitForEvent('page'), widget.getByRole('link', { name: 'Buy tokens' }).click()]);
		await store.getByRole('heading', { name: 'Buy tokens', level: 1 }).waitFor();
		// The ticket left the address bar at once; it never travelled in a request's URL.
		expect(store.url()).toBe(`${app}/embed/store`);
		await offer(store, 'Token pack').getByRole('button', { name: /^Buy/ }).waitFor();
		await expect(store.getByLabel('Tokens available').textContent()).resolves.toBe(`${before.toLocaleString('en-US')} tokens available`);
		expect(await axe(store)).toEqual([]);
		await screen(store, 'embed-store-390');

		await offer(store, 'Token pack').getByRole('button', { name: 'Buy · $5.00' }).click();
		const sheet = store.frameLocator('iframe[title="Checkout"]');
		await sheet.locator('button:enabled', { hasText: 'Pay $5.00' }).waitFor();
		await screen(store, 'embed-store-sheet-390');
		// The simulator's sheet knows this buyer by the ticket alone: another host user's ticket gets the
		// same 404 as an unknown transaction, no ticket at all a 401.
		const transaction = decodeURIComponent(new URL((await store.locator('iframe[title="Checkout"]').getAttribute('src'))!, app).pathname.split('/').pop()!);
		const other = await hostPage();
		const otherTicket = new URL(await ticketLink(other)).hash.slice(1);
		const asks = await browser.newContext();
		const ask = (cookie: string | null) => asks.request.get(`${app}/api/paddle-simulator/transactions/${transaction}`, { headers: cookie ? { cookie: `quota_store_ticket=${cookie}` } : {} });
		expect((await ask(otherTicket)).status()).toBe(404);
		expect((await ask(null)).status()).toBe(401);
		await asks.close();
		// Paddle's checkout asks for an e-mail, and Quota knows none for a host site's user: the sheet asks,
		// as Paddle does, and pays only with one.
		const email = sheet.getByLabel('Email');
		await expect(email.inputValue()).resolves.toBe('');
		await sheet.getByRole('button', { name: 'Pay $5.00' }).click();
		await sheet.getByText('Enter your email address: your receipt is sent there.').waitFor();
		await expect(email.getAttribute('aria-invalid')).resolves.toBe('true');
		await screen(store, 'embed-store-sheet-email-390');
		await email.fill('buyer@example.com');
		await sheet.getByRole('button', { name: 'Pay $5.00' }).click();
		const status = store.getByRole('status', { name: 'Purchase status' });
		await expect.poll(() => status.getByText('Tokens added: +5,000').count(), { timeout: 20_000 }).toBe(1);
		await expect(status.getByText(`Available now: ${(before + 5000).toLocaleString('en-US')} tokens`).count()).resolves.toBe(1);
		await screen(store, 'embed-store-added-390');
		expect(await available(u.user)).toBe(before + 5000);
		// Scrolled down to the packs, the status stays in sight at the top of the page (no app top bar here).
		await store.mouse.wheel(0, 2000);
		await expect.poll(() => store.evaluate(() => scrollY), { timeout: 5_000 }).toBeGreaterThan(100);
		const top = (await status.boundingBox())!.y;
		expect(top).toBeGreaterThanOrEqual(0);
		expect(top).toBeLessThanOrEqual(16);
		await screen(store, 'embed-store-added-scrolled-390');

		// The widget on the host page is live: it shows the tokens without a reload.
		await expect.poll(() => widget.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(before + 5000));
		// Its purchases say what the app's Purchases and dashboard say: "5,000 tokens · Completed", not "5,000 Tokens · Paid".
		await expect.poll(() => widget.getByRole('region', { name: 'Purchases' }).innerText(), { timeout: 15_000 }).toContain('5,000 tokens · Completed');
		await widget.getByRole('region', { name: 'Purchases' }).scrollIntoViewIfNeeded();
		await screen(page, 'widget-purchases-390');
		expect(requests.filter(carriesEmbedToken)).toEqual([]);

		await store.setViewportSize({ width: 1280, height: 800 });
		await status.getByRole('button', { name: 'Close' }).click();
		await screen(store, 'embed-store-1280');

		// A plan bought here is then said as the member store and Purchases say it: its state and when it renews.
		const plan = offer(store, 'Monthly plan');
		await plan.getByRole('button', { name: /Subscribe/ }).click();
		await sheet.locator('button:enabled', { hasText: /^Pay / }).waitFor();
		await sheet.getByLabel('Email').fill('buyer@example.com');
		await sheet.locator('button', { hasText: /^Pay / }).click();
		await plan.getByText(/^Active Your plan · Renews [A-Z][a-z]{2} \d{1,2}, \d{4}$/).waitFor({ timeout: 20_000 });
		await expect(plan.getByRole('button', { name: /Subscribe/ }).count()).resolves.toBe(0);
		await plan.scrollIntoViewIfNeeded();
		await screen(store, 'embed-store-plan-1280');
		await context.close();
	}, 120_000);

	it('a user a daily cap binds is told what their dashboard says, in the widget and the store: what the cap leaves, the account’s figure named, the cap’s line', async () => {
		const u = await hostPage();
		const admin = await browser.newContext({ baseURL: app });
		await admin.addCookies(sessionCookies('admin@quota.test'));
		const set = await admin.request.post('/trpc/admin.caps.set', { headers: { origin: app }, data: { accountId: u.accountId, period: 'daily', limitTokens: 1000 } });
		expect(set.status()).toBe(200);
		await admin.close();
		const all = await available(u.user);
		const line = 'Your daily cap: 1,000 of 1,000 tokens left today';

		const context = await browser.newContext(phone);
		const page = await context.newPage();
		await page.goto(u.url);
		const widget = page.locator('quota-usage');
		await expect.poll(() => widget.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(1000));
		await widget.getByText(`of ${all.toLocaleString('en-US')} in the account`).waitFor();
		await widget.getByText(line, { exact: true }).waitFor();
		await screen(page, 'widget-capped-390');

		const [store] = await Promise.all([context.waitForEvent('page'), widget.getByRole('link', { name: 'Buy tokens' }).click()]);
		await offer(store, 'Token pack').getByRole('button', { name: 'Buy · $5.00' }).waitFor();
		await expect(store.getByLabel('Tokens available').textContent()).resolves.toBe(`1,000 tokens available to you of ${all.toLocaleString('en-US')} in the account`);
		await store.getByText(line, { exact: true }).waitFor();
		expect(await axe(store)).toEqual([]);
		await screen(store, 'embed-store-capped-390');

		await offer(store, 'Token pack').getByRole('button', { name: 'Buy · $5.00' }).click();
		const sheet = store.frameLocator('iframe[title="Checkout"]');
		await sheet.locator('button:enabled', { hasText: 'Pay $5.00' }).waitFor();
		await sheet.getByLabel('Email').fill('buyer@example.com');
		await sheet.getByRole('button', { name: 'Pay $5.00' }).click();
		const status = store.getByRole('status', { name: 'Purchase status' });
		await expect.poll(() => status.getByText('Tokens added: +5,000').count(), { timeout: 20_000 }).toBe(1);
		const after = `of ${(all + 5000).toLocaleString('en-US')} in the account`;
		await status.getByText(`Available to you now: 1,000 tokens ${after}`).waitFor();
		await status.getByText(line, { exact: true }).waitFor();
		await expect(store.getByLabel('Tokens available').textContent()).resolves.toBe(`1,000 tokens available to you ${after}`);
		await screen(store, 'embed-store-capped-added-390');
		// The widget reads the summary again after the stream's change: still the cap's figure, the account's new one beside it.
		await widget.getByText(after).waitFor({ timeout: 15_000 });
		await expect(widget.locator('[part="balance"]').textContent()).resolves.toBe(shown(1000));

		await store.setViewportSize({ width: 1280, height: 800 });
		await screen(store, 'embed-store-capped-added-1280');
		await page.setViewportSize({ width: 1280, height: 800 });
		await screen(page, 'widget-capped-1280');
		await context.close();
	}, 120_000);

	it('an expired link, or none, says what to do, and offers nothing to buy', async () => {
		const u = await hostPage();
		const context = await browser.newContext(phone);
		const page = await context.newPage();
		const keyId = Buffer.from(u.token.slice(3).split('.')[0]!, 'base64url').toString().split('.')[0]!;
		const { ticket } = mintStoreTicket({ keyId, accountId: u.accountId, expiresAt: new Date(Date.now() - (STORE_TICKET_SECONDS + 60) * 1000), viewerId: null }, { secret: appSecret() });
		await page.goto(`${app}/embed/store#${ticket}`);
		const alert = page.getByRole('alert');
		await expect.poll(() => alert.textContent(), { timeout: 15_000 }).toContain('This store link has expired. Reload the page you came from and tap Buy tokens again.');
		await expect(page.getByRole('button', { name: /^Buy/ }).count()).resolves.toBe(0);
		await screen(page, 'embed-store-expired-390');

		const fresh = await browser.newContext(phone);
		const none = await fresh.newPage();
		await none.goto(`${app}/embed/store`);
		await expect.poll(() => none.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('Open this page with the Buy tokens button on the site you came from.');
		await fresh.close();
		await context.close();
	}, 60_000);
});
