import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { baseURL, launch, phoneContext, screenshot } from './browser';
import { DEMO_SITE_API_KEY, freePort } from './server';

// examples/chat as its README runs it (node examples/chat/server.mjs, the built SDK) against the
// production build: a member's reply streams and their balance drops; a member out of free chat
// tokens sees the module's limit message. No provider key: the local deterministic model answers.

let browser: Browser;
let example: ChildProcess;
let url: string;
beforeAll(async () => {
	const port = await freePort();
	const { AI_GATEWAY_API_KEY: _key, ...env } = process.env;
	example = spawn(process.execPath, ['examples/chat/server.mjs'], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...env, PORT: String(port), QUOTA_URL: baseURL(), QUOTA_API_KEY: DEMO_SITE_API_KEY }
	});
	let log = '';
	example.stdout!.on('data', (d) => (log += d));
	example.stderr!.on('data', (d) => (log += d));
	const deadline = Date.now() + 60_000;
	while (!log.includes('Chat example on')) {
		if (example.exitCode !== null || Date.now() > deadline) throw new Error(`the example did not start:\n${log}`);
		await new Promise((r) => setTimeout(r, 100));
	}
	url = `http://localhost:${port}/`;
	browser = await launch();
});
afterAll(async () => {
	example?.kill('SIGTERM');
	await browser?.close();
});

describe('examples/chat', () => {
	it('streams a metered reply and the balance drops; a member out of tokens sees the limit message', async () => {
		const page = await (await phoneContext(browser)).newPage();
		await page.goto(url);
		await expect.poll(() => page.locator('#model').textContent()).toBe('Local deterministic model (no provider key set)');
		await expect.poll(() => page.locator('#balance').textContent()).toMatch(/^[\d,]+$/);
		const before = Number((await page.locator('#balance').textContent())!.replace(/\D/g, ''));
		await page.fill('#message', 'How do tokens work?');
		await page.click('button');
		// The reply arrives word by word: seen part-way before it is complete.
		await expect.poll(() => page.locator('#log p:not(.you)').textContent(), { timeout: 10_000 }).toMatch(/^You asked/);
		await expect.poll(() => page.locator('#log p:not(.you)').textContent(), { timeout: 20_000 }).toMatch(/settles what it used now that it is done\.$/);
		// Settled, not just held: the reply's words cost 2.5 tokens each, far less than the 750 held for 400 model tokens.
		await expect.poll(async () => before - Number((await page.locator('#balance').textContent())!.replace(/\D/g, '')), { timeout: 10_000 }).toBeGreaterThan(0);
		expect(before - Number((await page.locator('#balance').textContent())!.replace(/\D/g, ''))).toBeLessThan(750);
		await screenshot(page, 'example-chat-reply');

		await page.selectOption('#member', 'chat-example-bob');
		await page.fill('#message', 'One more?');
		await page.click('button');
		await expect.poll(() => page.locator('#log .limit').textContent(), { timeout: 10_000 }).toMatch(/^You have used your free chat tokens for today\. Buy tokens to keep chatting\./);
		expect(await page.locator('#balance').textContent()).toBe('0');
		await screenshot(page, 'example-chat-limit');
	}, 120_000);
});
