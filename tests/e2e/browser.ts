import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { inject } from 'vitest';
import { copyDemoData, fullChromium, startPostgresDemo } from './server';

/**
 * A phone, 390×844, without the service worker: installing it precaches the whole app (about 160
 * files) in every new context, which only the tests of the installed app need (offline, updates,
 * push, what the device keeps: `installedPhone`). A person's first visit is not served by it either.
 */
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, serviceWorkers: 'block' as const };

/** The same phone with the service worker installing and taking control, as the installed app runs. */
export const installedPhone = { ...phone, serviceWorkers: 'allow' as const };

/**
 * This test worker's Chromium (globalSetup starts one per worker, as it does the apps): a file connects
 * to it rather than starting a browser of its own. Its contexts are the file's own; closing the
 * Browser closes them and disconnects.
 */
export function launch(): Promise<Browser> {
	const browsers = inject('browsers');
	return chromium.connect(browsers[(Number(process.env.VITEST_POOL_ID ?? 1) - 1) % browsers.length]!);
}

/**
 * A full Chromium of the file's own, for what the shared headless shell cannot do: show a
 * notification from a service worker (it has no notification permission to grant). Close it after.
 */
export function launchFullBrowser(): Promise<Browser> {
	return chromium.launch(fullChromium);
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

/**
 * The demo on PostgreSQL (TEST_DATABASE_URL), in an app of the test's own: a production build on a
 * copy of globalSetup's demo database. `stop` ends the app and drops the copy.
 */
export function postgresDemo(prefix: string) {
	const template = inject('postgresDemoTemplate');
	if (!template) throw new Error('no PostgreSQL demo: globalSetup loads one when TEST_DATABASE_URL is set');
	return startPostgresDemo(prefix, template);
}

export function baseURL() {
	return sharedApp().baseURL;
}

/** A context on this worker's app as `device` (a `phone`, or an `installedPhone`; `timezoneId`: the device's zone, else the machine's). */
export async function phoneContext(browser: Browser, device: (typeof phone | typeof installedPhone) & { timezoneId?: string } = phone): Promise<BrowserContext> {
	return browser.newContext({ ...device, baseURL: baseURL() });
}

/**
 * Whether `screenshot` saves images: they are for a person to look at, so not in CI (CI=true), where nobody
 * opens them and the 400-odd images took about 6 % of the browser tests' CPU (0.1–1.3 s each on the two
 * cores). SCREENSHOTS=1 saves them there too; SCREENSHOTS=0 skips them anywhere.
 */
const savingScreenshots = process.env.SCREENSHOTS ? process.env.SCREENSHOTS !== '0' : !['true', '1'].includes(process.env.CI ?? '');

/**
 * Saves `target` under test-results/screens/`name`.png for a person to look at: a page whole (or,
 * with `firstScreen`, what its screen shows now), or one element. One image pixel per CSS pixel:
 * at the phone's device scale of 2, Chromium spends about three times the CPU encoding an image
 * (a 12,000-pixel audit log: 1.7 s against 0.5 s), and the browser tests are bound by the CPU.
 */
export async function screenshot(target: Page | Locator, name: string, { firstScreen = false } = {}) {
	if (!savingScreenshots) {
		// What the shot of an element waits for still holds: it is on the page.
		if (!('goto' in target)) await target.waitFor();
		return;
	}
	mkdirSync('test-results/screens', { recursive: true });
	const options = { path: `test-results/screens/${name}.png`, scale: 'css' as const };
	await ('goto' in target ? target.screenshot({ ...options, fullPage: !firstScreen }) : target.screenshot(options));
}

/** The page at its size (the phone's, 390×844) and at 1280×800, each saved to look at (`name-390`, `name-1280`). */
export async function bothSizes(page: Page, name: string) {
	if (!savingScreenshots) return;
	await screenshot(page, `${name}-390`);
	const size = page.viewportSize()!;
	await page.setViewportSize({ width: 1280, height: 800 });
	await screenshot(page, `${name}-1280`);
	await page.setViewportSize(size);
}
