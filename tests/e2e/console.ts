import { expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseURL, installedPhone, phone, screenshot } from './browser';
import { axe, disclosuresWithoutSign, endlessAnimations, sessionCookies } from './app';

// What the admin console's browser tests share: its two sizes, a signed-in context, the checks
// every page passes, and how a behaviour is tested once while each page is looked at in both sizes.

export const sizes = [
	{ name: 'phone', options: phone },
	{ name: 'desktop', options: { viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' as const } }
] as const;
/** The phone with the console's service worker installed: for what the installed app keeps on the device. */
export const installed = { name: 'phone', options: installedPhone } as const;
export type Size = (typeof sizes)[number] | typeof installed;

/** A browser context of `size` signed in as `email`, with a page; `timezoneId`: the device's zone, else the machine's. */
export async function openAt(browser: Browser, email: string, size: Size, { timezoneId }: { timezoneId?: string } = {}) {
	const context = await browser.newContext({ ...size.options, baseURL: baseURL(), ...(timezoneId && { timezoneId }) });
	await context.addCookies(sessionCookies(email));
	return { context, page: await context.newPage() };
}

/**
 * `email`'s page at each size, one for the whole file, opened when a test first asks for it: each test
 * that needs no fresh device goes to its pages in it with `goto` (a visit in an open tab costs a third
 * of a new context's and its first load). Closed with the browser.
 */
export function pagePerSize(browser: () => Browser, email: string) {
	const pages = new Map<Size, Promise<{ context: BrowserContext; page: Page }>>();
	return (size: (typeof sizes)[number]) => {
		if (!pages.has(size)) pages.set(size, openAt(browser(), email, size));
		return pages.get(size)!;
	};
}

/**
 * Fits the screen's width (no sideways scroll), shows each closed section opens, and has no serious accessibility problem. The width is
 * the device's, not window.innerWidth: a phone widens its layout viewport to fit what overflows.
 */
export async function expectSound(page: Page) {
	const width = page.viewportSize()!.width;
	// The elements that stick out, named, so a failure says where.
	const wide = await page.evaluate(
		(w) => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > w + 1).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`).slice(0, 8),
		width
	);
	expect(await page.evaluate(() => document.documentElement.scrollWidth), wide.join(' ')).toBeLessThanOrEqual(width);
	// A table fits its card whole: a desktop has the room, and a phone's rows are cards (ScrollTable), no figure behind a sideways scroll.
	expect(await tablesWiderThanTheirBox(page)).toEqual([]);
	// A closed section shows that it opens.
	expect(await disclosuresWithoutSign(page)).toEqual([]);
	// Once its parts have loaded, nothing repaints on its own (no shimmer left running).
	await expect.poll(() => endlessAnimations(page)).toEqual([]);
	expect(await axe(page)).toEqual([]);
}

/** The tables of the page wider than the box they scroll in (their region, else their parent), named by it. */
export function tablesWiderThanTheirBox(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll('main table')].flatMap((t) => {
			const box = t.closest('[role=region]') ?? t.parentElement!;
			return box.scrollWidth > box.clientWidth + 1 ? [`${box.getAttribute('aria-label') ?? box.className}: ${box.scrollWidth} px in ${box.clientWidth}`] : [];
		})
	);
}

/**
 * Scrolls down, as a person does, until `target` is on the page: a part below the first screen loads
 * its code as it nears the screen (NearScreen), so it is not there before.
 */
export async function scrollUntilShown(page: Page, target: Locator) {
	const view = page.viewportSize()!;
	await page.mouse.move(view.width / 2, view.height / 2);
	// Seconds, not expect.poll's one: the part's code and the rows above it may still be on their way.
	await expect
		.poll(
			async () => {
				await page.mouse.wheel(0, view.height);
				return target.count();
			},
			{ timeout: 10_000 }
		)
		.toBeGreaterThan(0);
}

/**
 * Registers a behaviour the layout does not change (a refusal, a saved setting, what a list keeps in
 * its URL): it runs once, at the phone's size, the app's first size. The desktop looks at the same
 * pages in its `tour`; behaviours whose layout differs (the navigation, a table's inline editor,
 * shifts while loading) are plain `it`s that run at both sizes.
 */
export function onPhone(size: Size, name: string, fn: () => Promise<void>) {
	if (size.name === 'phone') it(name, fn);
}

/** A page of the tour: where it is, and what shows once its content has arrived. */
export interface TourStop {
	/** The page's path, or how to reach it (e.g. a user's page, found by a search). */
	path: string | (() => Promise<string>);
	ready: Locator;
	/** The screenshot's name under test-results/screens/. */
	name: string;
	/** What else the page says once its content is there (a list's zone note, on a device in another zone than the site's). */
	says?: string;
}

/**
 * Opens each page, scrolls until its content is on it (a part below the first screen loads as it
 * nears the screen), saves the whole page as a screenshot, and checks it fits and is accessible.
 */
export async function tour(page: Page, stops: TourStop[]) {
	for (const stop of stops) {
		await page.goto(typeof stop.path === 'string' ? stop.path : await stop.path());
		await scrollUntilShown(page, stop.ready);
		await stop.ready.first().waitFor();
		if (stop.says) await stop.ready.page().getByText(stop.says, { exact: true }).waitFor();
		// From the top: a whole-page screenshot taken scrolled down draws the sticky bars midway.
		await page.evaluate(() => window.scrollTo(0, 0));
		await screenshot(page, stop.name);
		await expectSound(page);
	}
}

/**
 * Searches the console's users list for `text` and waits for its answer ("1 account matching “…”"): a click
 * while the unfiltered list gives way to it lands on a row that then goes, and an editor it opened closes
 * (field-refusals failed so in CI 125 on a loaded machine).
 */
export async function searchAccounts(page: Page, text: string) {
	await page.getByLabel('Search').fill(text);
	await page.getByRole('status').filter({ hasText: `matching “${text}”` }).waitFor();
}
