import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { inject } from 'vitest';
import { copyDemoData } from './server';

export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Debian's Chromium with the flags this machine needs (no network beyond loopback). */
export function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: [
			'--headless=new',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run'
		]
	});
}

/** The demo app this test worker uses (globalSetup starts one per worker) and its data directory. */
export function sharedApp(): { baseURL: string; dataDir: string } {
	const apps = inject('apps');
	return apps[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % apps.length]!;
}

/** A new data directory with the demo loaded, for an app of the test's own (a copy of globalSetup's). */
export function demoDataDir(prefix: string): string {
	return copyDemoData(inject('demoTemplate'), prefix);
}

export function baseURL() {
	return sharedApp().baseURL;
}

export async function phoneContext(browser: Browser): Promise<BrowserContext> {
	return browser.newContext({ ...phone, baseURL: baseURL() });
}

/** Saves a full-page screenshot under test-results/screens/ for a person to look at. */
export async function screenshot(page: Page, name: string) {
	mkdirSync('test-results/screens', { recursive: true });
	await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
