import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { baseURL, launch, phoneContext } from './browser';
import { screen, waitForFresh } from './app';
import { DEMO_SITE_API_KEY } from './server';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

const api = (path: string, body: object) =>
	fetch(`${baseURL()}/api/v1/${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
		body: JSON.stringify(body)
	});

describe('auto top-up on a phone', () => {
	it('a member without a subscription turns it on in Settings; the crossing sends a one-tap notice that opens the checkout; the dashboard shows the rule', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto('/signup');
		await page.waitForLoadState('networkidle');
		await page.getByLabel('Name').fill('Tara Topup');
		await page.getByLabel('Email').fill(`topup-${Date.now()}@example.test`);
		await page.getByRole('textbox', { name: /^Password/ }).fill('topup-2026-password');
		await page.getByRole('button', { name: 'Create account' }).click();
		await page.waitForURL(/\/dashboard$/);
		const me = await page.evaluate(async () => (await (await fetch('/trpc/me.profile')).json()).result.data as { id: string });
		expect((await api('grants', { user: me.id, tokens: 6_000, source: 'bonus', note: 'Auto top-up test' })).status).toBe(201);

		await page.goto('/settings');
		await waitForFresh(page);
		const form = page.getByRole('form', { name: 'Your tokens' });
		await form.getByRole('checkbox', { name: 'Top up automatically' }).check();
		await form.getByLabel('When available tokens fall below').fill('20000');
		await form.getByLabel('Buy').selectOption({ label: 'Token pack (5,000 tokens, $5.00)' });
		await form.getByLabel('At most, top-ups a month').fill('2');
		await form.getByLabel('Time between top-ups, at least').selectOption({ label: 'None' });
		await expect(form.getByText(/No active subscription: Paddle can only charge without a checkout on a subscription/).isVisible()).resolves.toBe(true);
		await form.getByRole('button', { name: 'Save auto top-up' }).click();
		await form.getByText('Saved', { exact: true }).waitFor();
		// 6,000 granted plus the demo's member allowances (chat 10,000 a day, forms 5,000 a week): 21,000 available.
		await form.getByText('Next top-up when available tokens fall below 20,000: 1,001 tokens from now.').waitFor();
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup');
		await page.setViewportSize({ width: 1280, height: 800 });
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'settings-auto-topup-desktop');
		await page.setViewportSize({ width: 390, height: 844 });

		// Image generation costs 40 tokens an operation: 1,040 spent leaves 19,960, below the trigger.
		expect((await api('consume', { user: me.id, feature: 'image_generation', units: 26 })).status).toBe(200);
		await page.getByRole('banner').getByRole('link', { name: 'Alerts, 1 unread' }).waitFor({ timeout: 40_000 });
		await page.getByRole('banner').getByRole('link', { name: /^Alerts/ }).click();
		await page.waitForURL(/\/alerts$/);
		await waitForFresh(page);
		const entry = page.getByRole('list', { name: 'Alerts, newest first' }).getByRole('listitem').first();
		expect(await entry.innerText()).toMatch(/Top up[\s\S]*Your tokens dropped below 20,000 tokens[\s\S]*Buy Token pack \(5,000 tokens, \$5\.00\) with one tap/);
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
		expect(await card.innerText()).toMatch(/At most 2 top-ups a month\. This month: 0 top-ups, \$0\.00\.[\s\S]*Token pack · 5,000 tokens · \$5\.00 · Notice sent/);
		await card.scrollIntoViewIfNeeded();
		await screen(page, 'dashboard-auto-topup');
		await context.close();
	}, 150_000);
});
