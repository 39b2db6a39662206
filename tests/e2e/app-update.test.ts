import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { demoDataDir, installedPhone, launch } from './browser';
import { screen, signIn, waitForServiceWorker } from './app';
import { startBuild, type RunningApp } from './server';

// A new deployment on the same address: the installed app says a new version is ready and
// switches to it when asked. The build runs from a copy, so the copy's worker can change.

let browser: Browser;
let deployDir: string;
let dataDir: string;
let app: RunningApp | undefined;
beforeAll(async () => {
	browser = await launch();
	// Inside the project, where the build's packages resolve.
	mkdirSync('test-results', { recursive: true });
	deployDir = mkdtempSync(join('test-results', 'deploy-'));
	cpSync('build', join(deployDir, 'build'), { recursive: true });
	cpSync('drizzle', join(deployDir, 'drizzle'), { recursive: true });
	cpSync('scripts/serve.mjs', join(deployDir, 'scripts/serve.mjs'));
	dataDir = demoDataDir('quota-deploy-');
});
afterAll(async () => {
	await app?.stop();
	await browser?.close();
	rmSync(deployDir, { recursive: true, force: true });
	rmSync(dataDir, { recursive: true, force: true });
});

/** Changes the deployed service worker, as a new release does (with its precompressed copies). */
function deployNewWorker() {
	const worker = join(deployDir, 'build/client/service-worker.js');
	appendFileSync(worker, `\n// release ${Date.now()}\n`);
	const script = readFileSync(worker);
	writeFileSync(`${worker}.gz`, gzipSync(script));
	writeFileSync(`${worker}.br`, brotliCompressSync(script));
}

describe('a new version deployed', () => {
	// Two starts of the production build and a service worker update: a minute or more on a busy 2-core machine.
	it('is offered to the open app, and taken when the user reloads from the offer', { timeout: 180_000 }, async () => {
		app = await startBuild({ dataDir, cwd: deployDir });
		const port = Number(new URL(app.baseURL).port);
		const context = await browser.newContext({ ...installedPhone, baseURL: app.baseURL });
		const page = await context.newPage();
		await signIn(page, 'maya@quota.test');
		await waitForServiceWorker(page);
		const firstWorker = await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL);
		expect(firstWorker).toMatch(/\/service-worker\.js$/);
		await expect(page.getByText('A new version of Quota is ready.').count()).resolves.toBe(0);

		await app.stop();
		deployNewWorker();
		app = await startBuild({ dataDir, cwd: deployDir, port });

		// The browser looks for a new worker when the app is opened again (and every so often).
		await page.reload();
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
		const offer = page.getByText('A new version of Quota is ready.');
		await offer.waitFor();
		await screen(page, 'update-ready');

		const reloaded = page.waitForEvent('framenavigated');
		await page.getByRole('button', { name: 'Reload' }).click();
		await reloaded;
		await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
		await expect(offer.count()).resolves.toBe(0);
		// The new worker runs the page: nothing is left waiting.
		const state = await page.evaluate(async () => {
			const reg = await navigator.serviceWorker.getRegistration();
			const script = await (await fetch('/service-worker.js')).text();
			return { waiting: Boolean(reg?.waiting), controlled: Boolean(navigator.serviceWorker.controller), release: /\/\/ release \d+/.test(script) };
		});
		expect(state).toEqual({ waiting: false, controlled: true, release: true });
		await context.close();
	});

	it('that removed a file while the old build still serves fails that request only: the server keeps answering', async () => {
		app ??= await startBuild({ dataDir, cwd: deployDir });
		const assets = join(deployDir, 'build/client/_app/immutable/assets');
		const css = readdirSync(assets).find((f) => f.endsWith('.css'))!;
		const url = `${app.baseURL}/_app/immutable/assets/${css}`;
		expect((await fetch(url)).status).toBe(200);
		// A new build replaces the files: the server listed them when it started, and this one is gone now.
		for (const variant of ['', '.gz', '.br']) rmSync(join(assets, css + variant), { force: true });
		await expect(fetch(url).then((r) => r.text())).rejects.toThrow();
		expect((await fetch(`${app.baseURL}/healthz`)).status).toBe(200);
		expect((await fetch(`${app.baseURL}/signin`)).status).toBe(200);
	});
});
