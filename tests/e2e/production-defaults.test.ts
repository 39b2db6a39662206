import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { Browser } from 'playwright-core';
import { signatureHeader } from '../../src/lib/server/store/paddle/signature';
import { SIMULATOR_WEBHOOK_SECRET } from '../../src/lib/server/config';
import { demoDataDir, launch, phone } from './browser';
import { DEMO_SITE_API_KEY, freshPostgresDatabase, startBuild, type RunningApp } from './server';

// Each mode's defaults, from the production build as an operator starts it: the embedded database
// gets the demo and the Paddle simulator; a PostgreSQL deployment gets neither unless it asks, and
// refuses webhooks to private addresses.

const serverUrl = process.env.TEST_DATABASE_URL;
const paddleKeys = { PADDLE_API_KEY: 'pdl_sdbx_apikey_01quotatestkey', PADDLE_CLIENT_TOKEN: 'test_quota_client_token', PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_01quota_real_secret' };

let browser: Browser;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => {
	for (const c of cleanups.reverse()) await c();
	await browser?.close();
});

/** A new, empty database on the test server, dropped after the file. */
async function freshDatabase(): Promise<string> {
	const { url, drop } = await freshPostgresDatabase(serverUrl!, 'quota_defaults');
	cleanups.push(drop);
	return url;
}

/**
 * The production build with `env`. On the embedded database, `dataDir` may be a copy of the demo's
 * (loading the demo into a fresh one is first-run's test: a newcomer's `npm start`).
 */
async function start(env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), 'quota-defaults-'))): Promise<RunningApp> {
	const app = await startBuild({ dataDir, env: { DEMO_SITE_API_KEY: '', ...env } });
	cleanups.push(async () => {
		await app.stop();
		rmSync(dataDir, { recursive: true, force: true });
	});
	return app;
}

const paymentsLine = (app: RunningApp) => app.output().match(/^Quota: database .* · payments: (.*)$/m)?.[1];

/** A webhook signed with the simulator's secret, which is public (it is in this repository). */
async function forgedWebhook(app: RunningApp) {
	const body = JSON.stringify({ event_id: 'evt_forged', event_type: 'transaction.completed', occurred_at: new Date().toISOString(), data: {} });
	return fetch(`${app.baseURL}/api/webhooks/paddle`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'paddle-signature': signatureHeader(body, SIMULATOR_WEBHOOK_SECRET) },
		body
	});
}

describe('production defaults', () => {
	it('embedded database with real Paddle keys: demo on, Paddle Billing live, no simulator', async () => {
		// The demo is on by default: the start prints its logins (see ensureDemoData), as it does after loading it.
		const app = await start(paddleKeys, demoDataDir('quota-defaults-'));
		expect(paymentsLine(app)).toBe('Paddle Billing (sandbox)');
		expect(app.output()).toContain('Demo logins');
		expect((await fetch(`${app.baseURL}/api/paddle-simulator/transactions/txn_01x`)).status).toBe(404);
		// Real Paddle signs with the destination's own secret: the public simulator secret is refused.
		expect((await forgedWebhook(app)).status).toBe(401);
	}, 180_000);

	describe.runIf(serverUrl)('on PostgreSQL (DATABASE_URL)', () => {
		it('with nothing else set: no demo data, no simulator, and the store says payments are not configured', async () => {
			const url = await freshDatabase();
			const app = await start({ DATABASE_URL: url });
			expect(paymentsLine(app)).toBe('not configured (set PADDLE_API_KEY and PADDLE_CLIENT_TOKEN, or PADDLE_SIMULATOR=true)');
			expect(app.output()).not.toContain('Demo logins');
			expect(app.output()).not.toContain('quota-demo-2026');
			const db = postgres(url, { max: 1 });
			expect(await db`select email from users`).toEqual([]);
			await db.end();
			expect((await forgedWebhook(app)).status).toBe(404);
			const pay = await fetch(`${app.baseURL}/api/paddle-simulator/transactions/txn_01x/pay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(pay.status).toBe(404);
			expect((await fetch(`${app.baseURL}/paddle-simulator`)).status).toBe(404);

			// A new member signs up and opens the store on a phone.
			const context = await browser.newContext({ ...phone, baseURL: app.baseURL });
			const page = await context.newPage();
			await page.goto('/signup');
			await page.waitForLoadState('networkidle');
			await page.getByLabel('Name').fill('First Customer');
			await page.getByLabel('Email').fill('first@example.com');
			await page.locator('input[name="password"]').fill('first customer 2026');
			await page.getByRole('button', { name: /create account/i }).click();
			await page.waitForURL((u) => u.pathname === '/dashboard');
			await page.goto('/store');
			await expect(page.getByText('Payments are not configured on this site yet').waitFor()).resolves.toBeUndefined();
			expect(await page.getByRole('button', { name: /^(Buy|Subscribe)/ }).count()).toBe(0);
			await context.close();
		}, 180_000);

		it('with SEED_DEMO=true and PADDLE_SIMULATOR=true: the demo and the simulator, as asked, and still no webhooks to private addresses', async () => {
			const app = await start({ DATABASE_URL: await freshDatabase(), SEED_DEMO: 'true', PADDLE_SIMULATOR: 'true', DEMO_SITE_API_KEY });
			expect(paymentsLine(app)).toBe('the local Paddle simulator (test mode: no money moves)');
			expect(app.output()).toContain('Demo logins');
			// The cloud's metadata address as a webhook endpoint: refused, with the setting that would allow it.
			const made = await fetch(`${app.baseURL}/api/v1/webhook-endpoints`, {
				method: 'POST',
				headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'content-type': 'application/json' },
				body: JSON.stringify({ url: 'http://169.254.169.254/latest', event_types: ['grant.created'] })
			});
			expect(made.status).toBe(422);
			expect(await made.json()).toMatchObject({ error: 'invalid_input', message: expect.stringMatching(/^Webhook URLs must be public: 169\.254\.169\.254 is a link-local address \(set WEBHOOK_PRIVATE_URLS=true/) });
		}, 180_000);

		it('with Paddle keys: Paddle Billing live, still no demo', async () => {
			const app = await start({ DATABASE_URL: await freshDatabase(), ...paddleKeys });
			expect(paymentsLine(app)).toBe('Paddle Billing (sandbox)');
			expect(app.output()).not.toContain('Demo logins');
		}, 180_000);
	});
});
