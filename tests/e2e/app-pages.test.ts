import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { baseURL, launch, phoneContext, screenshot } from './browser';
import { axe, disclosuresWithoutSign, endlessAnimations, maya, ownTeam, screen, sessionCookies, shiftWhileLoading, waitForFresh } from './app';

let browser: Browser;
let context: BrowserContext;
let page: Page;
beforeAll(async () => {
	browser = await launch();
	context = await phoneContext(browser);
	await context.addCookies(sessionCookies(maya.email));
	page = await context.newPage();
});
afterAll(async () => {
	await context?.close();
	await browser?.close();
});

const pages = [
	{ path: '/dashboard', heading: 'Dashboard' },
	{ path: '/usage', heading: 'Usage history' },
	{ path: '/statement', heading: 'Statement' },
	{ path: '/reports', heading: 'Reports' },
	{ path: '/playground', heading: 'Playground' },
	{ path: '/team', heading: 'Team' },
	{ path: '/settings', heading: 'Settings' },
	{ path: '/more', heading: 'More' }
];

describe('signed-in pages on a phone', () => {
	for (const p of pages) {
		it(`${p.path} renders with the user's name, fits the screen and has no serious accessibility problems`, async () => {
			await page.goto(p.path);
			await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(p.heading);
			await page.getByRole('link', { name: `Signed in as ${maya.name}` }).waitFor();
			if (p.path !== '/more') await waitForFresh(page);
			// Maya's unlimited Claude: its uses move no balance, which the statement says beside the free allowances'.
			if (p.path === '/statement') {
				await page.getByRole('region', { name: 'Balance now' }).getByText('Uses paid by a free allowance or under unlimited use of Claude Sonnet 4.5 do not change it: they are in Usage history.').waitFor();
			}
			// The way to the statement promises what it lists: the balance's movements, not every use (those of a free allowance are in Usage history).
			if (p.path === '/more') {
				await expect(page.getByRole('link', { name: /^Statement/ }).textContent()).resolves.toContain('Every movement of your balance (purchases, grants, expiries and the uses it paid), with the balance after each');
			}
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
			expect(overflow).toBeLessThanOrEqual(0);
			// One look per page: the whole page, or the first screen of the long lists (50 uses, every movement),
			// whose whole page is too tall to look at and the costliest to draw.
			if (p.path === '/usage' || p.path === '/statement') await screen(page, `app${p.path.replaceAll('/', '-')}-first-screen`);
			else await screenshot(page, `app${p.path.replaceAll('/', '-')}`);
			expect(await disclosuresWithoutSign(page)).toEqual([]);
			// At rest, nothing repaints: a part kept for later below the fold does not shimmer (the dashboard's did, endlessly).
			await expect.poll(() => endlessAnimations(page)).toEqual([]);
			expect(await axe(page)).toEqual([]);
		});
	}

	it('shows the dashboard figures from the ledger: cards, allowances, allocations with Unlimited and expiry', async () => {
		await page.goto('/dashboard');
		await waitForFresh(page);
		const summary = page.getByRole('region', { name: 'Summary' });
		for (const label of ['Balance', 'Available', 'Used this month', 'Active allocations']) {
			await expect(summary.getByText(label, { exact: true }).isVisible()).resolves.toBe(true);
		}
		// Under the figures, what Maya's allocations are (three models and the general balance; Claude
		// unlimited beside what she can spend, as GET /api/v1/balance's unlimited_models), each line whole on a phone.
		const under = (label: string) => summary.locator('.stat', { has: page.getByText(label, { exact: true }) }).locator('.sub');
		await expect(under('Balance').innerText()).resolves.toBe('excl. free allowances');
		await expect(under('Available').innerText()).resolves.toMatch(/^\+ 1 unlimited model( · [\d,]+ on hold)?$/);
		await expect(under('Active allocations').innerText()).resolves.toBe('3 models + general');
		await expect(summary.locator('.sub').evaluateAll((subs) => subs.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent))).resolves.toEqual([]);
		const allocations = page.locator('section', { has: page.getByRole('heading', { name: 'Token allocations' }) });
		await expect(allocations.getByText('Claude Sonnet 4.5').isVisible()).resolves.toBe(true);
		await expect(allocations.getByText('Unlimited').first().isVisible()).resolves.toBe(true);
		await expect(allocations.getByText(/never expire/).first().isVisible()).resolves.toBe(true);
		await expect(page.getByText(/At this pace your tokens (last about \d+ (days|hours?)|run out within the hour)\.|No use in the last|Your free allowances renew/).isVisible()).resolves.toBe(true);
		await expect(page.getByText(/resets in \d/).first().isVisible()).resolves.toBe(true);
		// What the two first figures mean, each said once: Available builds on the Balance.
		// Said in full here only: the console's pages give a line and link here.
		const meaning = await page.locator('p.meaning#balance-figures').innerText();
		expect(meaning).toMatch(/^Balance: the tokens in the account's lots \(bought, granted, bonuses\).*Available: the balance plus what remains of this period's free allowances \(one with no limit adds nothing\)\. Unlimited: Claude Sonnet 4\.5, whose use takes no tokens while it lasts; Available counts what every other model can spend\.$/);
		expect(meaning.match(/lots/g)).toHaveLength(1);
	});

	it('lists usage newest first, 50 at a time, and shows what paid for a use in a dialog its row says it opens', async () => {
		await page.goto('/usage');
		await waitForFresh(page);
		const rows = page.locator('tbody tr');
		await expect.poll(() => rows.count()).toBe(50); // a screenful at once, the rest a slice per task (unfold)
		const dates = await page.locator('tbody td:nth-child(3)').allTextContents();
		const times = dates.map((d) => Date.parse(d.replace(',', '')));
		expect([...times].sort((a, b) => b - a)).toEqual(times);
		await page.getByRole('button', { name: 'Load more' }).click();
		await page.waitForFunction(() => document.querySelectorAll('tbody tr').length > 50);
		const opener = rows.first().getByRole('button');
		await expect(opener.getAttribute('aria-haspopup')).resolves.toBe('dialog');
		await expect(opener.getAttribute('aria-expanded')).resolves.toBe('false');
		// What a row's button does is said to a screen reader with its name (the feature, the model).
		await expect(opener.evaluate((b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent)).resolves.toBe('Open a use to see what paid for it.');
		const feature = await opener.locator('.feature').textContent();
		const balance = (await rows.first().locator('td').nth(2).innerText()).replace(/^Balance after\s*/, '');
		await opener.click();
		const sheet = page.getByRole('dialog', { name: feature! });
		await sheet.getByText('Paid by').waitFor();
		await expect(opener.getAttribute('aria-expanded')).resolves.toBe('true');
		// Focus is in the dialog (modal: the page behind is inert).
		await expect(page.evaluate(() => document.activeElement?.closest('dialog') !== null)).resolves.toBe(true);
		await expect(sheet.getByText('Tokens used').isVisible()).resolves.toBe(true);
		// The same balance as the row, and the figure per feature and model under its own name.
		const detail = await sheet.locator('dl').first().innerText();
		// A use names a model or none: "General balance" is a lot's word; and what the app sent with it is never raw JSON.
		expect(detail).toMatch(/Model\n(?!General balance)[^\n]+\n/);
		await expect(sheet.locator('pre').count()).resolves.toBe(0);
		expect(detail).toContain(`Balance after\n${balance}`);
		expect(detail).toMatch(/Spendable on this feature and model after it\n([\d,]+|Unlimited)/);
		expect(detail).toMatch(/Module\n(Chatbot|Bot training|AI Forms|Image generator|Product generator)\n/);
		// What paid is named as the app names it elsewhere (the module, the lot's source), never by its key.
		const paid = await sheet.locator('ul.paid > li > span:first-child').allTextContents();
		expect(paid.length).toBeGreaterThan(0);
		for (const line of paid) expect(line).toMatch(/^(Free allowance · (Chatbot|Bot training|AI Forms|Image generator|Product generator)( · .+)?|(General balance|[^·]+) · (Purchased|Subscription|Bonus|Referral bonus|Event bonus|Added by an admin|Rolled over))$/);
		await screen(page, 'app-usage-details');
		// Escape closes it and gives the focus back to the row that opened it.
		await page.keyboard.press('Escape');
		await sheet.waitFor({ state: 'hidden' });
		await expect(opener.evaluate((b) => b === document.activeElement)).resolves.toBe(true);
		// Polled: the browser hides the dialog and gives the focus back at once, but fires its close event (which
		// the page's state follows) in a task of its own, after them (CI 138 read 'true' in between).
		await expect.poll(() => opener.getAttribute('aria-expanded')).toBe('false');
		await rows.nth(1).getByRole('button').click();
		await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
		await page.getByRole('dialog').waitFor({ state: 'hidden' });
		await expect(rows.nth(1).getByRole('button').evaluate((b) => b === document.activeElement)).resolves.toBe(true);
	});

	it('takes a tap on a small button (Refresh, a cap\'s Change, a key\'s Pause) anywhere in a 44 px band, as every other control', async () => {
		for (const path of ['/dashboard', '/settings']) {
			await page.goto(path);
			await waitForFresh(page);
			// Each small button, in the middle of the screen, is what a finger 3 px above or below its drawn edge lands on
			// (its band is 4 px each side: where two buttons wrap 8 px apart, their bands meet half-way).
			const missed = await page.evaluate(() =>
				[...document.querySelectorAll<HTMLElement>('.btn.small')].filter((b) => b.offsetParent !== null).map((b) => {
					b.scrollIntoView({ block: 'center' });
					const r = b.getBoundingClientRect();
					const hits = [r.top - 3, r.bottom + 3].map((y) => b.contains(document.elementFromPoint(r.left + r.width / 2, y)));
					return { text: b.textContent!.trim(), height: Math.round(r.height), hits };
				})
			);
			expect(missed.length, path).toBeGreaterThan(0);
			expect(missed.filter((b) => b.hits.includes(false)), path).toEqual([]);
		}
	});

	it('filters the history by feature', async () => {
		await page.goto('/usage');
		await waitForFresh(page);
		// The closed card is one tap target, all of it (a 28 px strip of it opened it, before), at least 44 px high.
		const card = await page.locator('details.filters').boundingBox();
		const summary = await page.locator('details.filters > summary').boundingBox();
		expect(summary!.height).toBeGreaterThanOrEqual(44);
		expect([summary!.y, summary!.height, summary!.width]).toEqual([card!.y, card!.height, card!.width]);
		await page.mouse.click(card!.x + card!.width / 2, card!.y + 6);
		await page.getByLabel('Feature').selectOption({ label: 'Generate all' });
		await page.waitForFunction(() => {
			const names = [...document.querySelectorAll('tbody th .feature')].map((e) => e.textContent);
			return names.length > 0 && names.every((n) => n === 'Generate all');
		});
		await page.getByRole('button', { name: 'Clear filters' }).click();
	});

	it('filters the history by days, the site\'s (UTC, as this phone\'s clock: a phone elsewhere is site-zone.test.ts)', async () => {
		await page.goto('/usage');
		await waitForFresh(page);
		// The filters load on the first opening of "Filters".
		await page.getByText('Filters').click();
		const day = await page.locator('tbody td.date').nth(30).textContent();
		const iso = new Date(Date.parse(day!.replace(/, \d\d:\d\d$/, ''))).toLocaleDateString('en-CA');
		await page.locator('#f-from').fill(iso);
		await page.locator('#f-to').fill(iso);
		const shown = day!.replace(/, \d{4}, .*$/, '');
		await page.waitForFunction((d) => {
			const dates = [...document.querySelectorAll('tbody td.date')].map((e) => e.textContent ?? '');
			return dates.length > 0 && dates.every((t) => t.startsWith(d));
		}, shown);
		await page.getByRole('button', { name: 'Clear filters' }).click();
		await page.waitForFunction(() => document.querySelectorAll('tbody td.date').length >= 50);
	});

	it('says beside the dates that From is after To, asks the server nothing for them, and swaps them on request', async () => {
		const consoleErrors: string[] = [];
		const onConsole = (m: import('playwright-core').ConsoleMessage) => void (m.type() === 'error' && consoleErrors.push(m.text()));
		page.on('console', onConsole);
		await page.goto('/usage');
		await waitForFresh(page);
		await page.getByText('Filters').click();
		await page.locator('#f-from').fill('2026-11-25');
		await page.waitForFunction(() => document.querySelectorAll('tbody td.date, tbody td.empty').length > 0);
		const asked: string[] = [];
		const onRequest = (r: import('playwright-core').Request) => {
			const path = new URL(r.url()).pathname;
			if (/^\/(trpc|api)\//.test(path) && (r.method() === 'POST' || path.includes('ledger.history'))) asked.push(`${r.method()} ${path}`);
		};
		page.on('request', onRequest);
		await page.locator('#f-to').fill('2026-11-20');
		const said = page.locator('#f-range-error');
		await said.getByText('From is after To: swap them to see use between Nov 20, 2026 and Nov 25, 2026.', { exact: true }).waitFor();
		for (const id of ['#f-from', '#f-to']) {
			await expect(page.locator(id).getAttribute('aria-invalid')).resolves.toBe('true');
			await expect(page.locator(id).getAttribute('aria-describedby')).resolves.toBe('f-days f-range-error');
		}
		await page.getByText('Nothing to show until From is on or before To.').waitFor();
		await expect(page.getByText('No usage matches these filters.').count()).resolves.toBe(0);
		await expect(page.getByText('Loading…').count()).resolves.toBe(0);
		await page.waitForTimeout(500);
		expect(asked).toEqual([]);
		await screen(page, 'app-usage-from-after-to');
		await said.getByRole('button', { name: 'Swap the dates' }).click();
		await expect(page.locator('#f-from').inputValue()).resolves.toBe('2026-11-20');
		await expect(page.locator('#f-to').inputValue()).resolves.toBe('2026-11-25');
		await said.waitFor({ state: 'detached' });
		await page.waitForFunction(() => document.querySelectorAll('tbody td.date, tbody td.empty').length > 0);
		expect(asked.filter((a) => a.includes('ledger.history')).length).toBeGreaterThan(0);
		page.off('request', onRequest);
		page.off('console', onConsole);
		expect(consoleErrors).toEqual([]);
		await page.getByRole('button', { name: 'Clear filters' }).click();
	});

	it('shows a team admin the use of each member of the team pool', async () => {
		// A team of its own: picking its pool is saved on the server, which a file beside this one must not see of a demo user.
		const { owner, member, team, call } = await ownTeam(browser, 'Orbit Works', 'Olga Owner', 'Milo Member', 5_000);
		for (const { page: spender } of [owner, member]) await call(spender, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 1, idempotencyKey: crypto.randomUUID() });
		await member.context.close();
		const page = owner.page;
		await page.goto('/reports');
		await waitForFresh(page);
		await expect(page.getByRole('heading', { name: 'By member' }).count()).resolves.toBe(0);
		await page.getByRole('radio', { name: /Orbit Works/ }).click();
		const members = page.locator('section', { has: page.getByRole('heading', { name: 'By member' }) });
		await members.getByText('Milo Member').waitFor();
		await members.getByText('Olga Owner').waitFor();
		await page.getByRole('radio', { name: /Weekly/ }).click();
		await members.getByText('Milo Member').waitFor();
		await members.scrollIntoViewIfNeeded();
		await screen(page, 'app-reports-team');
		await page.getByRole('radio', { name: /Personal/ }).click();
		await page.getByRole('heading', { name: 'By member' }).waitFor({ state: 'detached' });
		await owner.context.close();
	});

	it('does not shift the layout of any page when its data arrives late', async () => {
		const paths = ['/dashboard', '/usage', '/statement', '/team', '/settings', '/reports', '/store', '/purchases', '/playground'];
		// Each page in its own context, all at once: each waits on its late answers, not on the others.
		const shifts = await Promise.all(paths.map((path) => shiftWhileLoading(browser, maya.email, path)));
		for (const [i, path] of paths.entries()) expect(shifts[i], path).toBeLessThanOrEqual(0.05);
	});

	it('answers a page this account may not open with a page that says so and a way on', async () => {
		// The payment simulator's seller dashboard is a site admin's; Maya is a member.
		const refused = await page.goto('/paddle-simulator');
		expect(refused?.status()).toBe(403);
		await page.getByRole('heading', { level: 1, name: 'This page is not for this account' }).waitFor();
		// The refusal's own words, under the heading.
		expect(await page.getByText('Only site admins can act as the seller in the Paddle simulator.').isVisible()).toBe(true);
		await expect(page.getByRole('link', { name: 'Go to your dashboard' }).getAttribute('href')).resolves.toBe('/dashboard');
		expect(await axe(page)).toEqual([]);
		await screenshot(page, 'error-403');
	});

	it('names a team pool in the account picker in one piece, under its name: Settings’ narrower card split it as “team / pool”', async () => {
		for (const path of ['/settings', '/dashboard']) {
			await page.goto(path);
			await waitForFresh(page);
			const picker = page.getByRole('radiogroup', { name: 'Account to draw from' });
			const kind = picker.getByText('team pool', { exact: true });
			await expect(kind.evaluate((e) => e.getClientRects().length)).resolves.toBe(1);
			const [name, under] = await Promise.all([picker.getByRole('radio', { name: /Acme Studio/ }).boundingBox(), kind.boundingBox()]);
			expect(under!.y).toBeGreaterThanOrEqual(name!.y + name!.height / 2 - 2); // on the button's second line
			await picker.scrollIntoViewIfNeeded();
			await screen(page, `app-picker${path.replace('/', '-')}`);
		}
	});

	it('shows every account in the picker on a phone, however many pools: none runs past the screen’s edge', async () => {
		const { owner, member, call } = await ownTeam(browser, 'Acme Studio Research', 'Pia Picker', 'Mo Member', 100);
		await call(owner.page, 'team.create', { name: 'Northwind Research Collective' });
		await call(owner.page, 'team.create', { name: 'Lab' });
		try {
			for (const path of ['/dashboard', '/settings']) {
				await owner.page.goto(path);
				await waitForFresh(owner.page);
				const picker = owner.page.getByRole('radiogroup', { name: 'Account to draw from' });
				await expect.poll(() => picker.getByRole('radio').count()).toBe(4);
				const box = (await picker.boundingBox())!;
				const radios = await picker.getByRole('radio').evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().toJSON() as DOMRect));
				expect(box.x + box.width).toBeLessThanOrEqual(390);
				expect(radios.every((r) => r.left >= box.x - 0.5 && r.right <= box.x + box.width + 0.5), JSON.stringify(radios)).toBe(true);
				await picker.scrollIntoViewIfNeeded();
				await screen(owner.page, `app-picker-four${path.replace('/', '-')}`);
			}
		} finally {
			await Promise.all([owner.context.close(), member.context.close()]);
		}
	});

	it('jumps from the list of Settings sections to a section, its heading in view and focused', async () => {
		await page.goto('/settings');
		await waitForFresh(page);
		const nav = page.getByRole('navigation', { name: 'Settings sections' });
		const links = nav.getByRole('link');
		await links.last().waitFor();
		// Every link names a section heading on the page, in the page's order.
		const headings = await page.locator('main h2').allInnerTexts();
		const listed = await links.allInnerTexts();
		expect(listed.length).toBeGreaterThanOrEqual(8);
		expect(headings.filter((h) => listed.includes(h))).toEqual(listed);

		await nav.getByRole('link', { name: 'API keys' }).click();
		const heading = page.getByRole('heading', { level: 2, name: 'API keys' });
		await expect.poll(() => heading.evaluate((h) => h === document.activeElement)).toBe(true);
		expect(new URL(page.url()).hash).toBe('#api-keys-title');
		// In view, below the sticky top bar, on the 844 px tall screen far down the page.
		const { top, bottom, scrolled, barBottom } = await heading.evaluate((h) => ({
			...h.getBoundingClientRect().toJSON(),
			scrolled: window.scrollY,
			barBottom: document.querySelector('.topbar')!.getBoundingClientRect().bottom
		}));
		expect(top).toBeGreaterThanOrEqual(barBottom);
		expect(bottom).toBeLessThan(844 / 2);
		expect(scrolled).toBeGreaterThan(844);
	});

	it('lets a keyboard move through a radio group with the arrow keys', async () => {
		await page.goto('/reports');
		await waitForFresh(page);
		await page.getByRole('radio', { name: 'Daily' }).focus();
		await page.keyboard.press('ArrowRight');
		await expect(page.getByRole('radio', { name: 'Weekly' }).getAttribute('aria-checked')).resolves.toBe('true');
		await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Weekly');
		await expect(page.getByRole('radio', { name: 'Daily' }).getAttribute('tabindex')).resolves.toBe('-1');
		await page.keyboard.press('ArrowLeft');
		await expect(page.getByRole('radio', { name: 'Daily' }).getAttribute('aria-checked')).resolves.toBe('true');
	});

	it('pulls down at the top of the dashboard to refresh it', async () => {
		await page.goto('/dashboard');
		await waitForFresh(page);
		let refreshed = 0;
		page.on('request', (r) => {
			if (r.url().includes('ledger.dashboard')) refreshed++;
		});
		const area = page.locator('.ptr');
		const box = (await area.boundingBox())!;
		const touch = (type: string, y: number) =>
			area.dispatchEvent(type, { touches: type === 'touchend' ? [] : [{ identifier: 1, clientX: box.x + 100, clientY: y }], changedTouches: [{ identifier: 1, clientX: box.x + 100, clientY: y }] });
		await touch('touchstart', box.y + 20);
		for (let y = 40; y <= 220; y += 30) await touch('touchmove', box.y + y);
		await touch('touchend', box.y + 220);
		await expect.poll(() => refreshed).toBeGreaterThan(0);
	});

	it('uses a side navigation on a wide screen', async () => {
		const wide = await browser.newContext({ viewport: { width: 1280, height: 860 }, baseURL: baseURL() });
		await wide.addCookies(await context.cookies());
		const desk = await wide.newPage();
		await desk.goto('/dashboard');
		await waitForFresh(desk);
		const nav = desk.getByRole('navigation', { name: 'Main' });
		await expect(nav.getByRole('link', { name: 'Reports' }).isVisible()).resolves.toBe(true);
		await expect(nav.getByRole('link', { name: 'More' }).isVisible()).resolves.toBe(false);
		await screen(desk, 'app-dashboard-wide');
		await wide.close();
	});
});

/** Every signed-in page's address (src/routes/(app)), a user's page in the console for some user. */
function signedInPages(): string[] {
	const root = 'src/routes/(app)';
	return readdirSync(root, { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('+page.svelte'))
		.map((f) => `/${relative('.', join(f, '..'))}`.replace(/\/$/, '').replace('[id]', '0b5c3d6e-1f2a-4b3c-8d4e-5f6a7b8c9d0e'))
		.sort();
}

describe('a signed-out visitor', () => {
	// One phone for every visit, its cookies cleared before each: a tab of a context of its own costs
	// Chromium about 0.7 s more CPU than a visit in one already open (a renderer process, the scripts
	// compiled afresh), and there are over 30 visits here. What the browser logged is the visit's own.
	let visitor: BrowserContext;
	let tab: Page;
	const logged: string[] = [];
	beforeAll(async () => {
		visitor = await phoneContext(browser);
		tab = await visitor.newPage();
		tab.on('console', (m) => void (m.type() === 'error' && logged.push(`console: ${m.text()}`)));
		tab.on('pageerror', (e) => void logged.push(`page error: ${e.message}`));
		tab.on('response', (r) => void (r.status() >= 400 && logged.push(`${r.status()} ${new URL(r.url()).pathname}`)));
	});
	afterAll(async () => visitor?.close());

	/** Opens `path` with no session (no cookie); what the browser logged as an error is in `logged`. */
	async function visit(path: string) {
		await visitor.clearCookies();
		logged.length = 0;
		await tab.goto(path);
	}

	// One test a page: each its own time budget (over 20 pages in one test outran it on a slow machine).
	const pages = signedInPages();
	it('finds every signed-in page to try', () => {
		expect(pages).toContain('/dashboard');
		expect(pages.length).toBeGreaterThan(20);
	});
	for (const path of [...pages, '/usage?feature=chat']) {
		it(`of ${path} is sent to sign in, where it was kept for after, with no error in the console`, async () => {
			await visit(path);
			await tab.waitForURL((url) => url.pathname === '/signin', { timeout: 10_000 });
			expect(new URL(tab.url()).searchParams.get('next'), path).toBe(path);
			await tab.getByRole('heading', { name: 'Sign in' }).waitFor();
			await tab.waitForLoadState('networkidle');
			if (path === '/dashboard') await screen(tab, 'signed-out-dashboard');
			expect(logged, path).toEqual([]);
		});
	}

	it('of the public pages sees them with no error in the console', async () => {
		for (const path of ['/', '/developers', '/signin', '/signup', '/forgot', '/reset/abcdefghijklmnopqrstuvwxyz234567', '/invite/abcdefghijklmnopqrstuvwxyz234567', '/confirm/abcdefghijklmnopqrstuvwxyz234567']) {
			await visit(path);
			await tab.waitForLoadState('networkidle');
			expect(new URL(tab.url()).pathname, path).toBe(path);
			expect(logged, path).toEqual([]);
		}
	});
});
