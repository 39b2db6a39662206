import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { baseURL, launch, phoneContext } from './browser';
import { buy, openAs, screen, siteApi as api, signUp, waitForFresh } from './app';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/** Turns auto top-up on in Settings for the member's own tokens: below `below` tokens, one Token pack, at most 2 a month, no cooldown; `check` looks at the form before it is saved. */
async function turnOn(page: Page, below: number, check?: (form: Locator) => Promise<void>): Promise<Locator> {
	await page.goto('/settings');
	await waitForFresh(page);
	const form = page.getByRole('form', { name: 'Your tokens' });
	await form.getByRole('checkbox', { name: 'Top up automatically' }).check();
	await form.getByLabel('When available tokens fall below').fill(String(below));
	await form.getByLabel('Buy').selectOption({ label: 'Token pack (5,000 tokens, $5.00)' });
	await form.getByLabel('At most, top-ups a month').fill('2');
	await form.getByLabel('Time between top-ups, at least').selectOption({ label: 'None' });
	await check?.(form);
	await form.getByRole('button', { name: 'Save auto top-up' }).click();
	await form.getByText('Saved', { exact: true }).waitFor();
	return form;
}

/**
 * Spends 1,040 tokens of images as the member (26 operations of 40) and opens, from the header's bell,
 * the alert that follows with `title`. The member's account is new: spending this fast opens no
 * unusual-use notice, as there is no usual pace to compare it with (anomalies/rules.ts).
 */
async function crossAndOpenAlert(page: Page, me: string, title = 'Your available tokens dropped below'): Promise<Locator> {
	expect((await api('consume', { user: me, feature: 'image_generation', units: 26 })).status).toBe(200);
	// Within seconds of the alert, not at the page's next 30-second refresh: the live stream says so.
	await page.getByRole('banner').getByRole('link', { name: /^Alerts, [12] unread$/ }).waitFor({ timeout: 10_000 });
	await page.getByRole('banner').getByRole('link', { name: /^Alerts/ }).click();
	await page.waitForURL(/\/alerts$/);
	await waitForFresh(page);
	return page.getByRole('list', { name: 'Alerts, newest first' }).getByRole('listitem').filter({ hasText: title }).first();
}

describe('auto top-up on a phone', () => {
	it('a member without a subscription turns it on in Settings; the crossing sends a one-tap notice that opens the checkout; the dashboard shows the rule', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		const me = await signUp(page, 'Tara Topup', `topup-${Date.now()}@example.test`, 'topup-2026-password');
		expect((await api('grants', { user: me, tokens: 6_000, source: 'bonus', note: 'Auto top-up test' })).status).toBe(201);

		const form = await turnOn(page, 20_000, async (f) => {
			await expect(f.getByText(/No active subscription: Paddle can only charge without a checkout on a subscription/).isVisible()).resolves.toBe(true);
			// Slips are said beside their fields as they are typed; Save sends nothing and goes to the first.
			const trigger = f.getByLabel('When available tokens fall below');
			await trigger.fill('0');
			await f.getByLabel(/^At most, spent a month/).fill('1');
			await f.getByText('The trigger is a whole number of tokens from 1 to 1,000,000,000.').waitFor();
			await f.getByText('Less than one package ($5.00): no top-up could be made.').waitFor();
			await expect(trigger.getAttribute('aria-invalid')).resolves.toBe('true');
			await screen(page, 'settings-auto-topup-slips');
			await f.getByText('Less than one package ($5.00): no top-up could be made.').scrollIntoViewIfNeeded();
			await screen(page, 'settings-auto-topup-slips-money');
			await f.getByRole('button', { name: 'Save auto top-up' }).click();
			await expect.poll(() => trigger.evaluate((el) => el === document.activeElement)).toBe(true);
			await expect(f.getByText('Saved', { exact: true }).count()).resolves.toBe(0);
			await trigger.fill('20000');
			await f.getByLabel(/^At most, spent a month/).fill('');
			await f.getByText('The trigger is a whole number', { exact: false }).waitFor({ state: 'detached' });
		});
		// 6,000 granted plus the demo's member allowances (chat 10,000 a day, forms 5,000 a week): 21,000 available.
		await form.getByText('Next top-up when available tokens fall below 20,000: 1,001 tokens from now.').waitFor();
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup');
		await page.setViewportSize({ width: 1280, height: 800 });
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup-desktop');
		await page.setViewportSize({ width: 390, height: 844 });

		// Image generation costs 40 tokens an operation: 1,040 spent leaves 19,960, below the trigger.
		const entry = await crossAndOpenAlert(page, me);
		expect(await entry.innerText()).toMatch(/Top up[\s\S]*Your available tokens dropped below 20,000 tokens[\s\S]*Buy Token pack \(5,000 tokens, \$5\.00\) with one tap/);
		await screen(page, 'alerts-topup-notice');

		// One tap: the store opens the package's checkout at once.
		await entry.getByRole('link', { name: 'Buy now' }).click();
		await page.waitForURL(/\/store$/);
		const sheet = page.frameLocator('iframe[title="Checkout"]');
		await sheet.getByRole('button', { name: 'Pay $5.00' }).click();
		await page.getByText('Tokens added: +5,000').waitFor({ timeout: 30_000 });

		await page.goto('/dashboard');
		await waitForFresh(page);
		const card = page.getByRole('region', { name: 'Auto top-up' });
		await card.getByText('When available tokens fall below 20,000, buy Token pack (5,000 tokens, $5.00).').waitFor();
		// Back above the trigger after the purchase: armed for the next drop.
		await card.getByText(/Next top-up when available tokens fall below 20,000: 4,961 tokens from now\./).waitFor({ timeout: 20_000 });
		// Bought from its notice, it is that top-up: counted in the month, said bought.
		expect(await card.innerText()).toMatch(/At most 2 top-ups a month\. This month: 1 top-up, \$5\.00\.[\s\S]*Token pack · 5,000 tokens · \$5\.00 · Bought /);
		await card.scrollIntoViewIfNeeded();
		await screen(page, 'dashboard-auto-topup');
		// The inbox entry no longer offers to buy it again.
		await page.goto('/alerts');
		const bought = page.getByRole('listitem').filter({ hasText: 'Your available tokens dropped below 20,000 tokens' });
		await bought.getByText(/^Bought /).waitFor();
		expect(await bought.getByRole('link', { name: 'Buy now' }).count()).toBe(0);
		await screen(page, 'alerts-topup-bought');
		await context.close();
	}, 150_000);

	it('a member switching to a package in yen: the limit is cleared and said, typed in whole yen up to ¥100,000,000 (about a million dollars’ worth), and still shown in yen once the package is off sale', async () => {
		const run = Date.now().toString(36);
		const name = `Topup yen ${run}`;
		// A site admin prices a package in yen, as Catalog does.
		const { context: adminContext, page: admin } = await openAs(browser, 'admin@quota.test', '/admin/catalog');
		await admin.getByRole('button', { name: 'Edit' }).first().waitFor();
		await admin.getByLabel('Name', { exact: true }).fill(name);
		await admin.getByLabel('Id', { exact: true }).fill(`topup-yen-${run}`);
		await admin.getByLabel('Currency', { exact: true }).selectOption('JPY');
		await admin.getByLabel('Price', { exact: true }).fill('550');
		await admin.getByLabel('Tokens', { exact: true }).fill('5000');
		await admin.getByLabel('Paddle price id, sandbox').fill(`pri_topup_yen_${run}`);
		await admin.getByRole('button', { name: 'Add package' }).click();
		await admin.getByText(`“${name}” is saved and on sale.`).waitFor();

		const context = await phoneContext(browser);
		const page = await context.newPage();
		await signUp(page, 'Yuki Yen', `topup-yen-${run}@example.test`, 'topup-yen-2026-password');
		await page.goto('/settings');
		await waitForFresh(page);
		const form = page.getByRole('form', { name: 'Your tokens' });
		await form.getByRole('checkbox', { name: 'Top up automatically' }).check();
		await form.getByLabel('When available tokens fall below').fill('1000');
		await form.getByLabel('Buy').selectOption({ label: 'Token pack (5,000 tokens, $5.00)' });
		await form.getByLabel('At most, top-ups a month').fill('');
		const amount = form.getByLabel(/^At most, spent a month/);
		await amount.fill('20');
		await expect(form.getByLabel('At most, spent a month (USD)').getAttribute('step')).resolves.toBe('0.01');

		// Another currency: 20 dollars are not 20 yen, and Quota knows no exchange rate: the limit is cleared, and said.
		await form.getByLabel('Buy').selectOption({ label: `${name} (5,000 tokens, ¥550)` });
		const yenAmount = form.getByLabel('At most, spent a month (JPY)');
		await expect(yenAmount.inputValue()).resolves.toBe('');
		await expect(yenAmount.getAttribute('step')).resolves.toBe('1');
		await expect(yenAmount.getAttribute('max')).resolves.toBe('100000000');
		await form.getByText('Cleared: the limit was $20.00, and this package is priced in JPY. Type a limit in JPY, or leave it empty (choose a USD package again for $20.00).').waitFor();
		// With the count empty too, Save says a monthly limit is needed, beside the count.
		await form.getByText('Auto top-up needs a monthly limit', { exact: false }).waitFor();
		await form.getByText('Cleared: the limit was $20.00', { exact: false }).scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup-yen-cleared');

		await yenAmount.fill('5.5');
		await form.getByText('JPY has no smaller unit: a whole amount, or empty for no limit.').waitFor();
		await expect(form.getByText('Cleared:', { exact: false }).count()).resolves.toBe(0);
		await yenAmount.fill('100000001');
		await form.getByText('At most ¥100,000,000 a month, or empty for no limit.').waitFor();
		await yenAmount.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup-yen-most');
		// Above the ¥1,000,000 that was once the most: allowed, as the rules saved before it are.
		await yenAmount.fill('2500000');
		await expect(form.getByText('At most ¥100,000,000 a month, or empty for no limit.').count()).resolves.toBe(0);
		await yenAmount.fill('1100');
		await form.getByRole('button', { name: 'Save auto top-up' }).click();
		await form.getByText('Saved', { exact: true }).waitFor();
		await form.getByText('At most ¥1,100 a month, at least 1 h apart.', { exact: false }).waitFor();
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup-yen');

		// Taken off sale, the package leaves the list; the rule saved before still says yen, on the dashboard and in Settings.
		const off = await admin.request.post('/trpc/admin.catalog.setActive', { headers: { origin: baseURL() }, data: { id: `topup-yen-${run}`, active: false } });
		expect(off.status()).toBe(200);
		await adminContext.close();
		await page.goto('/dashboard');
		await waitForFresh(page);
		const card = page.getByRole('region', { name: 'Auto top-up' });
		await card.getByText(/At most ¥1,100 a month, at least 1 h apart\. This month: 0 top-ups, ¥0\./).waitFor();
		await card.scrollIntoViewIfNeeded();
		await screen(page, 'dashboard-auto-topup-yen-off-sale');
		await page.goto('/settings');
		await waitForFresh(page);
		await expect(form.getByLabel('At most, spent a month (JPY)').inputValue()).resolves.toBe('1100');
		await context.close();
	}, 150_000);

	it('a trigger set above the tokens available tops up at once, and the notice says they were already below it, not that they dropped', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await signUp(page, 'Sam Set', `set-above-${Date.now()}@example.test`, 'set-above-2026-password');
		// The demo's member allowances only (chat 10,000 a day, forms 5,000 a week): 15,000 available, under a trigger of 20,000.
		const form = await turnOn(page, 20_000);
		await form.getByText('Acted on while below 20,000. The next top-up comes once available tokens are back at 20,000 or more and fall below again.').waitFor();
		await page.getByRole('banner').getByRole('link', { name: 'Alerts, 1 unread' }).waitFor({ timeout: 10_000 });
		await page.getByRole('banner').getByRole('link', { name: /^Alerts/ }).click();
		await page.waitForURL(/\/alerts$/);
		await waitForFresh(page);
		const entry = page.getByRole('list', { name: 'Alerts, newest first' }).getByRole('listitem').first();
		expect(await entry.innerText()).toMatch(
			/Top up[\s\S]*Your available tokens were already below 20,000 tokens[\s\S]*The trigger was set above the tokens available\. Auto top-up needs a subscription to charge\. Buy Token pack \(5,000 tokens, \$5\.00\) with one tap/
		);
		await expect(page.getByText(/dropped below/).count()).resolves.toBe(0);
		await screen(page, 'alerts-topup-already-below');
		await context.close();
	}, 150_000);

	it('a subscriber’s auto top-up whose payment Paddle reports failed later (payment_failed webhook) turns itself off and says so in the inbox and in Settings', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		const me = await signUp(page, 'Dara Decline', `decline-${Date.now()}@example.test`, 'decline-2026-password');
		await buy(page, 'Monthly plan', /Subscribe/, '$15.00', '20,000');

		// The seller's simulator: this card accepts one-time charges, then their payment fails.
		const { context: seller, page: sim } = await openAs(browser, 'admin@quota.test', '/paddle-simulator');
		await sim.waitForLoadState('networkidle');
		// The newest subscription (this member's) is listed first.
		await screen(sim, 'paddle-simulator-subscription');
		await sim.getByRole('button', { name: 'Decline them later' }).first().click();
		await sim.getByRole('status').getByText(/will now be accepted, then their payment will fail/).waitFor();
		await sim.getByText("then their payment fails: Paddle's payment-failed webhook turns the next auto top-up off", { exact: false }).first().waitFor();
		await screen(sim, 'paddle-simulator-decline-later');
		await seller.close();

		// 20,000 of the plan and the demo's member allowances (15,000): 35,000 available.
		const form = await turnOn(page, 34_000);

		// 1,040 tokens of images: 33,960 left, below the trigger. Paddle takes the charge, then its payment fails.
		const entry = await crossAndOpenAlert(page, me, 'Auto top-up was declined');
		expect(await entry.innerText()).toMatch(/Auto top-up was declined[\s\S]*The payment for Token pack \(5,000 tokens, \$5\.00\) was declined, so auto top-up is off/);
		await screen(page, 'alerts-topup-declined-later');

		await page.goto('/settings');
		await waitForFresh(page);
		await expect(form.getByRole('checkbox', { name: 'Top up automatically' }).isChecked()).resolves.toBe(false);
		await form.getByRole('alert').getByText('The last top-up payment was declined.', { exact: false }).waitFor();
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup-declined');
		await context.close();
	}, 150_000);
});
