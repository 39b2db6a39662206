import { expect } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { baseURL, phone } from './browser';
import { axe, sessionCookies } from './app';

// What the admin console's browser tests share: its two sizes, a signed-in context, and the checks
// every page passes.

export const sizes = [
	{ name: 'phone', options: phone },
	{ name: 'desktop', options: { viewport: { width: 1280, height: 800 } } }
] as const;
export type Size = (typeof sizes)[number];

/** A browser context of `size` signed in as `email`, with a page. */
export async function openAt(browser: Browser, email: string, size: Size) {
	const context = await browser.newContext({ ...size.options, baseURL: baseURL() });
	await context.addCookies(sessionCookies(email));
	return { context, page: await context.newPage() };
}

/**
 * Fits the screen's width (no sideways scroll) and has no serious accessibility problem. The width is
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
	expect(await axe(page)).toEqual([]);
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
