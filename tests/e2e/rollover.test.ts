import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { demoDataDir, launch, phone, screenshot } from './browser';
import { openAs, screen, signInByForm, waitForFresh } from './app';
import { startBuild, type RunningApp } from './server';
import { hostBackend } from './host-site';
import { openPglite } from '../../src/lib/server/db/client';
import { rollOver, saveModuleRollover, setAllowanceRule } from '../../src/lib/server/ledger';

// Issue 17.3 where a person sees it: the site admin sets a module's rollover on the Limits page, and a
// member's dashboard shows what rolled over as its own line under the free allowance.
let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('rollover on the Limits page', () => {
	it('the site admin switches a module’s rollover on with a cap and an expiry, and sees what it does', async () => {
		const { context, page } = await openAs(browser, 'admin@quota.test', '/admin/limits');
		const card = page.getByRole('region', { name: 'Chatbot' });
		await card.getByText('Rollover: Unused free tokens are lost when the period resets.').waitFor();
		await card.getByRole('button', { name: 'Edit rollover of Chatbot' }).click();
		const form = page.getByRole('form', { name: 'Rollover of Chatbot\'s free tokens' });
		await form.getByLabel('Roll unused free tokens over to the next period').check();
		await form.getByLabel("A share of the period's limit (%)").check();
		await form.getByLabel('Maximum held (% of the limit)').fill('50');
		await form.getByLabel('Expires after (periods)').fill('2');
		// Another unit empties the cap (50% is not 50 tokens), says it needs a value, and the summary states no outcome.
		const summary = form.locator('.words');
		await form.getByLabel('A number of tokens').check();
		await expect(form.getByLabel('Maximum held (tokens)').inputValue()).resolves.toBe('');
		await form.getByText('Needs a value: a number of tokens, at least 1.').waitFor();
		await expect(summary.innerText()).resolves.toBe('Once the fields above hold values the form takes, this says what happens to unused free tokens.');
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'admin-limits-rollover-unit-switched-phone');
		await form.getByLabel("A share of the period's limit (%)").check();
		await expect(form.getByLabel('Maximum held (% of the limit)').inputValue()).resolves.toBe('');
		await form.getByLabel('Maximum held (% of the limit)').fill('50');
		// Values the form cannot save: the summary states no outcome, and Save says under each field, once, what it takes.
		await form.getByLabel('Maximum held (% of the limit)').fill('500');
		await form.getByLabel('Expires after (periods)').fill('0');
		await expect(summary.innerText()).resolves.toBe('Once the fields above hold values the form takes, this says what happens to unused free tokens.');
		await form.getByRole('button', { name: 'Save rollover' }).click();
		await form.getByText('A whole percent from 1 to 100.').waitFor();
		const said = await form.innerText();
		for (const rule of ['1 to 100', 'never']) expect(said.split(rule).length - 1, rule).toBeLessThanOrEqual(1);
		expect(said).toContain('1 to 120 periods, or empty for never.');
		expect(said).not.toMatch(/lost/);
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'admin-limits-rollover-invalid-phone');
		await page.setViewportSize({ width: 1280, height: 800 });
		await screen(page, 'admin-limits-rollover-invalid-desktop');
		await page.setViewportSize({ width: 390, height: 844 });
		await form.getByLabel('Maximum held (% of the limit)').fill('50');
		await form.getByLabel('Expires after (periods)').fill('2');
		const words = "Unused free tokens roll over into the next day, up to 50% of the limit held at a time; each day's rollover expires 2 days after its day ends.";
		await expect(form.getByText(words, { exact: true }).isVisible()).resolves.toBe(true);
		// The form where it sits on the screen, at each size (a full-page shot shows nothing more of the rollover), and the card alone.
		await form.scrollIntoViewIfNeeded();
		await screen(page, 'admin-limits-rollover-phone');
		await screenshot(card, 'admin-limits-rollover-card');
		await form.getByRole('button', { name: 'Save rollover' }).click();
		// Saved: the form closes, and the card says so and what the rollover does now.
		await card.getByRole('status').filter({ hasText: "Saved: Chatbot's rollover is on." }).waitFor();
		await expect(card.innerText()).resolves.toContain(`Rollover: ${words}`);
		await page.setViewportSize({ width: 1280, height: 800 });
		await card.scrollIntoViewIfNeeded();
		await screen(page, 'admin-limits-rollover-desktop');
		// Read back after a reload: what was saved is what the card says and the form shows.
		await page.reload();
		await card.getByText(`Rollover: ${words}`).waitFor();
		await card.getByRole('button', { name: 'Edit rollover of Chatbot' }).click();
		await expect(form.getByLabel('Maximum held (% of the limit)').inputValue()).resolves.toBe('50');
		// Off again, so the shared demo site rolls nothing over at midnight for the other tests.
		await form.getByLabel('Roll unused free tokens over to the next period').uncheck();
		await form.getByRole('button', { name: 'Save rollover' }).click();
		await card.getByRole('status').filter({ hasText: "Saved: Chatbot's rollover is off." }).waitFor();
		await context.close();
	}, 120_000);
});

describe('rolled-over tokens on the dashboard', () => {
	let app: RunningApp | undefined;
	let dir: string | undefined;
	afterAll(async () => {
		await app?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('a member sees each rollover as its own line under the free allowance it came from', async () => {
		// The demo's members used chat on the last days: with rollover on since three days ago, the days
		// that ended since then roll over (the schedule's job, run here on a copy of the demo's data
		// before the app starts on it).
		dir = demoDataDir('quota-rollover-');
		const db = await openPglite(join(dir, 'pglite'));
		await saveModuleRollover(db.orm, 'chat', { capTokens: null, capPercent: 100, expiresAfterPeriods: 2 });
		await db.orm.execute(sql`update allowance_rules set rollover_since = now() - interval '3 days' where module = 'chat'`);
		expect((await rollOver(db)).tokens).toBeGreaterThan(0);
		// Images set to 0 for Maya's role (Author): not available to her, on the same page.
		await setAllowanceRule(db.orm, { module: 'images', audience: 'role', role: 'author', limitTokens: 0, period: 'daily' });
		await db.close();
		app = await startBuild({ dataDir: dir });

		const context = await browser.newContext({ ...phone, baseURL: app.baseURL });
		const page = await context.newPage();
		await signInByForm(page, 'maya@quota.test');
		await waitForFresh(page);
		const chat = page.getByRole('region', { name: 'Free allowances' }).getByRole('listitem').filter({ hasText: 'Chatbot' });
		// The lines' words load with the first figures that have one (the dashboard's start JS budget): waited for.
		await chat.locator('.rolled').first().waitFor();
		const lines = await chat.locator('.rolled').allInnerTexts();
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) expect(line).toMatch(/^\+[\d,.  ]+ rolled over from (yesterday|[A-Z][a-z]{2} \d{1,2})(, [\d,.  ]+ left)?, usable until [A-Z][a-z]{2} \d{1,2}$/);
		// A module not available says so and why, as the widget does, and not when it resets: it has no window.
		const images = page.getByRole('region', { name: 'Free allowances' }).getByRole('listitem').filter({ hasText: 'Image generator' });
		await expect(images.locator('.badge').innerText()).resolves.toBe('Not available');
		await expect(images.locator('.meta').innerText()).resolves.toBe('Image generator: not available to your role.');
		await expect(images.getByRole('meter').count()).resolves.toBe(0);
		// The right value stays: a module with a window says when it resets.
		await expect(chat.locator('.meta').first().innerText()).resolves.toMatch(/^Daily · resets in /);
		await screenshot(page, 'member-dashboard-rollover');
		await screenshot(chat, 'member-dashboard-rollover-chat');
		// Her widget, on the same page (its script as a host page loads it), says the dashboard's words for it, with no reset.
		const id = (await page.evaluate(async () => (await (await fetch('/trpc/me.profile')).json()).result.data.id)) as string;
		const made = await hostBackend(() => app!.baseURL).api('/api/v1/embed-tokens', { user: id, ttl_seconds: 600 });
		expect(made.status).toBe(201);
		await page.evaluate((token: string) => {
			const widget = document.createElement('quota-usage');
			// Over the page's bars, so its picture shows all of it.
			widget.style.cssText = 'position:fixed;inset:0 0 auto;z-index:99';
			widget.setAttribute('token', token);
			widget.setAttribute('parts', 'allowances');
			document.body.append(widget, Object.assign(document.createElement('script'), { src: '/embed/quota-usage.js' }));
		}, made.json.token as string);
		const rows = page.locator('quota-usage').getByRole('listitem');
		await expect.poll(() => rows.filter({ hasText: 'Image generator' }).innerText(), { timeout: 15_000 }).toMatch(/^Image generator\s+Not available$/);
		await expect(rows.filter({ hasText: 'Chatbot' }).innerText()).resolves.toMatch(/^Chatbot\s+[\d,]+ of 20,000 left\s+Resets /);
		await expect(page.locator('quota-usage').getByText(/\b0 of 0 left|Does not reset/).count()).resolves.toBe(0);
		await screenshot(page.locator('quota-usage'), 'member-dashboard-not-available-widget');
		await context.close();
	}, 360_000); // a start of the app, on a copy of the demo's data: slow on a busy machine
});
