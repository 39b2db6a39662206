import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { baseURL, bothSizes, launch, phoneContext, screenshot } from './browser';
import { buy, maya, openAs, ownTeam, screen, sessionCookies, signUp, siteApi, waitForFresh } from './app';
import { DEMO_SITE_API_KEY } from './server';

let browser: Browser;
beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

/**
 * Lines of running text that a grid or flex box split apart: a box with a link (or several runs of
 * text) directly inside lays each piece out as its own item ("No tokens yet. / Buy a pack / to get
 * started.", a stray "." on its own line). Returns the text of each such box.
 */
function brokenSentences(page: Page): Promise<string[]> {
	return page.evaluate(() =>
		[...document.querySelectorAll('main *')].flatMap((el) => {
			const display = getComputedStyle(el).display;
			if (!/(grid|flex)$/.test(display)) return [];
			const texts = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
			const links = [...el.children].filter((c) => c.tagName === 'A' && !c.classList.contains('btn'));
			return texts.length > 1 || (texts.length > 0 && links.length > 0) ? [(el as HTMLElement).innerText] : [];
		})
	);
}

/**
 * Every ledger invariant holds over the whole database (the site admin's reconcile), asked with the
 * admin's session cookie: a call, with no page of the browser's to open and load for it.
 */
async function expectLedgerInvariants() {
	const cookie = sessionCookies('admin@quota.test').map((c) => `${c.name}=${c.value}`).join('; ');
	const res = await fetch(`${baseURL()}/trpc/admin.ledger.reconcile`, { method: 'POST', headers: { cookie, origin: baseURL(), 'content-type': 'application/json' }, body: '{}' });
	expect(res.status).toBe(200);
	expect(((await res.json()) as { result: { data: { breaches: unknown[] } } }).result.data.breaches).toEqual([]);
}

const texts = (l: Locator) => l.allInnerTexts();

describe('a new member, then their first purchases and a renewal, on a phone', () => {
	let context: BrowserContext;
	let page: Page;
	const user = { name: 'Nora Fresh', email: `nora-${Date.now()}@example.com`, password: 'fresh-start-2026!' };
	beforeAll(async () => {
		context = await phoneContext(browser);
		page = await context.newPage();
		await signUp(page, user.name, user.email, user.password);
	});
	afterAll(async () => context?.close());

	it('before buying anything nothing says tokens are "left" or to buy "more"; empty states read as one sentence', async () => {
		await waitForFresh(page);
		const summary = page.getByRole('region', { name: 'Summary' });
		// What a new member can spend now is their free allowances (chat 10,000 a day, forms 5,000 a week):
		// available counts them (issue 13.3). Nothing calls tokens "left" but each allowance, which says
		// what is left of it this window as the widget does ("10,000 of 10,000 left"), and nothing says "buy more".
		await expect(summary.innerText()).resolves.toMatch(/Available\s+15,000/);
		await expect(page.getByText('No use in the last 7 days.', { exact: true }).isVisible()).resolves.toBe(true); // the pace line (same-hour baseline of 7 days)
		await expect(page.getByText(/buy more/i).count()).resolves.toBe(0);
		await expect(page.getByText(/left/i).allInnerTexts()).resolves.toEqual(['10,000 of 10,000 left', '5,000 of 5,000 left']);
		await expect(page.getByRole('alert').count()).resolves.toBe(0);
		const allocations = page.locator('section', { has: page.getByRole('heading', { name: 'Token allocations' }) });
		// No lots: the balance is 0 and the allocations say that what is available is the free allowances.
		await expect(texts(allocations.getByRole('listitem'))).resolves.toEqual(['No tokens in this account yet: free allowances only. Buy a pack to add some.']);
		await expect(summary.innerText()).resolves.toMatch(/Balance\s+0\s+excl\. free allowances\s+Available\s+15,000/);
		await expect(summary.innerText()).resolves.toMatch(/Active allocations\s+0\s+no tokens in lots/);
		expect(await brokenSentences(page)).toEqual([]);
		await screenshot(page, 'member-new-dashboard');

		await page.goto('/purchases');
		const history = page.getByRole('region', { name: 'Purchase history' });
		// The list shows skeleton rows until the purchases arrive.
		await history.getByText('No purchases yet.', { exact: false }).waitFor();
		await expect(texts(history.getByRole('listitem'))).resolves.toEqual(['No purchases yet. Visit the store to buy tokens.']);
		expect(await brokenSentences(page)).toEqual([]);
		await screen(page, 'member-new-purchases');

		await page.goto('/statement');
		await waitForFresh(page);
		await expect(page.getByRole('region', { name: 'Balance now' }).getByText('0', { exact: true }).isVisible()).resolves.toBe(true);
		await expect(page.getByText('Uses paid by a free allowance do not change it: they are in Usage history.').isVisible()).resolves.toBe(true);
		await expect(texts(page.locator('.moves > li'))).resolves.toEqual(['No movements yet. Buy a pack and it shows here.']);
		expect(await brokenSentences(page)).toEqual([]);
		await screen(page, 'member-new-statement');

		await page.goto('/usage');
		await waitForFresh(page);
		// Where uses come from, and a way to make one.
		await page.getByText("No usage yet: each use of the site's AI features shows here.").waitFor();
		expect(await brokenSentences(page)).toEqual([]);
		await page.getByRole('link', { name: 'Try one in the Playground' }).click();
		await page.waitForURL('**/playground');
	});

	it('shows never-expiring purchased tokens and expiring subscription tokens apart, each with its amount', async () => {
		await buy(page, 'Token pack', /^Buy/, '$5.00', '5,000');
		await buy(page, 'Monthly plan', /Subscribe/, '$15.00', '20,000');
		await expectLedgerInvariants();
		await page.goto('/dashboard');
		await waitForFresh(page);
		const general = page.locator('section', { has: page.getByRole('heading', { name: 'Token allocations' }) }).getByRole('listitem').filter({ hasText: 'General balance' }).first();
		await expect(general.textContent()).resolves.toMatch(/25,000\s*available/);
		// Named as the vocabulary and the admin's pages name these tokens: not "All models", not a "pool".
		await expect(general.innerText()).resolves.toMatch(/^General balance\n[\s\S]*\nUsable by every model$/);
		await expect(page.getByText(/All models|general pool/i).count()).resolves.toBe(0);
		await expect(page.getByRole('region', { name: 'Summary' }).locator('.stat', { has: page.getByText('Active allocations', { exact: true }) }).locator('.sub').innerText()).resolves.toBe('general balance only');
		const parts = await texts(general.getByRole('list', { name: /where the tokens came from/ }).getByRole('listitem'));
		expect(parts).toHaveLength(2);
		expect(parts[0]).toMatch(/^20,000 expire [A-Z][a-z]{2} \d{1,2}, \d{4},? \d{2}:\d{2} UTC · Monthly plan$/); // the instant, with its time and zone (the phone's: UTC)
		expect(parts[1]).toBe('5,000 never expire · Purchased');
		await general.scrollIntoViewIfNeeded();
		await screen(page, 'member-dashboard-allocations');
	});

	it('shows the expiry in the time zone chosen in Settings, not the device’s', async () => {
		const expiresAt = await page.evaluate(async () => {
			const dash = (await (await fetch('/trpc/ledger.dashboard?input=' + encodeURIComponent('{}'))).json()).result.data;
			return dash.summary.allocations.flatMap((a: { parts: { expiresAt: string | null }[] }) => a.parts).find((p: { expiresAt: string | null }) => p.expiresAt).expiresAt as string;
		});
		const inZone = (timeZone: string) =>
			new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(expiresAt));
		expect(inZone('Asia/Tokyo')).not.toBe(inZone(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone)));
		const status = await page.evaluate(
			async () => (await fetch('/trpc/me.updateProfile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeZone: 'Asia/Tokyo' }) })).status
		);
		expect(status).toBe(200);
		onTestFinished(async () => {
			await page.evaluate(() => fetch('/trpc/me.updateProfile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeZone: null }) }));
		});
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.getByText(`20,000 expire ${inZone('Asia/Tokyo')}`).waitFor();
	});

	it('the statement shows each purchase and how the renewal moved the balance', async () => {
		const { context: admin, page: seller } = await openAs(browser, 'admin@quota.test', '/paddle-simulator');
		await seller.waitForLoadState('networkidle');
		// The simulator lists the newest subscription (this member's) first.
		await seller.getByRole('button', { name: 'Renew now' }).first().click();
		await seller.getByText('Renew now: sent subscription.updated (200), transaction.completed (200)').waitFor();
		await admin.close();
		await expectLedgerInvariants();

		await page.goto('/statement');
		await waitForFresh(page);
		const rows = page.locator('.moves > li');
		await expect(rows.count()).resolves.toBe(4);
		const lines = (await texts(rows)).map((t) => t.replace(/\s+/g, ' '));
		// Newest first. The renewal's grant and the end of the old period happen at one instant (either order).
		const [a, b] = [lines[0]!, lines[1]!].sort();
		expect(a).toMatch(/^Expired −20,000 .* · Monthly plan Balance (5,000|25,000)$/);
		expect(b).toMatch(/^Monthly plan · renewal \+20,000 .* · Subscription · expires .* Balance (25,000|45,000)$/);
		expect(lines[2]).toMatch(/^Monthly plan \+20,000 .* · Subscription · expires .* Balance 25,000$/);
		expect(lines[3]).toMatch(/^Token pack \+5,000 .* · Purchased · never expires Balance 5,000$/);
		await expect(page.getByRole('region', { name: 'Balance now' }).textContent()).resolves.toContain('25,000');
		await expect(page.getByText('That is all: the balance started at 0.').isVisible()).resolves.toBe(true);
		// Every figure of a movement is on the phone's screen, not cut off.
		for (const row of await rows.all()) {
			for (const cell of await row.locator('.amount, .balance').all()) {
				const box = (await cell.boundingBox())!;
				expect(box.x).toBeGreaterThanOrEqual(0);
				expect(box.x + box.width).toBeLessThanOrEqual(390);
			}
		}
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		await screenshot(page, 'member-statement');
	});

	it("while a job holds tokens, the statement's Balance now is the dashboard's Balance and says what is held", async () => {
		const me = ((await (await page.request.get('/trpc/me.profile')).json()) as { result: { data: { id: string } } }).result.data;
		// A streamed reply holds 12,000: the chat allowance's 10,000 a day first, the rest from the lots.
		const opened = await siteApi('holds', { user: me.id, feature: 'ai_bots', max_tokens: 12_000, ttl_seconds: 600 });
		expect(opened.status).toBe(201);
		const hold = (await opened.json()) as { hold_id: string; paid_by: { type: string; tokens: number }[] };
		const fromLots = hold.paid_by.filter((p) => p.type === 'lot').reduce((n, p) => n + p.tokens, 0);
		expect(fromLots).toBeGreaterThan(0);
		try {
			await page.goto('/dashboard');
			await waitForFresh(page);
			const summary = page.getByRole('region', { name: 'Summary' });
			const balance = (await summary.innerText()).match(/Balance\s+([\d,]+)/)![1]!;
			expect(Number(balance.replace(/,/g, ''))).toBe(25_000 - fromLots);
			// The Available card says 12,000 are on hold; the figures' meaning, where they came from: the balance is only after the lots' part.
			await summary.getByText('12,000 on hold', { exact: true }).waitFor();
			const fromFree = 12_000 - fromLots;
			const meaning = await page.locator('#balance-figures').innerText();
			expect(meaning).toContain('less what running jobs hold of them');
			expect(meaning).toContain(`12,000 held by running jobs: ${fromLots.toLocaleString('en-US')} from the balance, ${fromFree.toLocaleString('en-US')} from free allowances, already taken off these figures.`);
			await screen(page, 'member-dashboard-held');

			await page.goto('/statement');
			await waitForFresh(page);
			const now = page.getByRole('region', { name: 'Balance now' });
			await expect(now.locator('.figure').innerText()).resolves.toBe(balance);
			await now.getByText(`${fromLots.toLocaleString('en-US')} more are held from the balance by running jobs (what they hold of free allowances is not in it): the movements below count them until the jobs settle.`).waitFor();
			// A hold is no movement: the newest line's balance still counts it.
			await expect(page.locator('.moves > li').first().innerText()).resolves.toMatch(/Balance 25,000$/);
			await screen(page, 'member-statement-held');
		} finally {
			expect((await siteApi(`holds/${hold.hold_id}/release`, {})).status).toBe(200);
		}
		await expectLedgerInvariants();
	});

	it('once every token is spent, the allocations say so, not that the account has none yet', async () => {
		const me = ((await (await page.request.get('/trpc/me.profile')).json()) as { result: { data: { id: string } } }).result.data;
		const use = async (feature: string, units: number, cost: number) => expect((await siteApi('consume', { user: me.id, feature, units })).json()).resolves.toMatchObject({ cost });
		// Image generation (40 tokens an image, no free allowance for members) spends 24,000 of the lots' 25,000; then
		// today's chat allowance (4,000 words at 2.5) and most of this week's forms one (3,000 words at 1.5).
		await use('image_generation', 600, 24_000);
		await use('ai_bots', 4_000, 10_000);
		await use('form_answer', 3_000, 4_500);
		await page.goto('/dashboard');
		await waitForFresh(page);
		// What is left of what her live lots and free allowances make up is under the site's 20%: the dashboard warns
		// above its figures, with the way to the store.
		const warning = page.getByRole('alert').filter({ has: page.getByRole('link', { name: 'Buy tokens' }) });
		await expect(warning.locator('p').innerText()).resolves.toBe('Tokens are running low — buy more');
		await screen(page, 'dashboard-low-warning');
		await warning.getByRole('link', { name: 'Buy tokens' }).click();
		await page.waitForURL(/\/store$/);

		await use('image_generation', 25, 1_000);
		await page.goto('/dashboard');
		await waitForFresh(page);
		const allocations = page.locator('section', { has: page.getByRole('heading', { name: 'Token allocations' }) });
		// This week's forms allowance has 500 left, so something is still available.
		await expect(texts(allocations.getByRole('listitem'))).resolves.toEqual([
			'No tokens left in this account: free allowances only. Buy a pack to add more.'
		]);
		expect(await brokenSentences(page)).toEqual([]);

		// Unlimited use of every model (a site's grant, as the console's): what she can spend is "Unlimited", as GET
		// /api/v1/balance's `unlimited` says, not the free allowances' count beside "all models unlimited".
		expect((await siteApi('grants', { user: me.id, unlimited: true, source: 'bonus', note: 'Launch tester' })).status).toBe(201);
		const balance = (await (await fetch(`${baseURL()}/api/v1/balance?user=${me.id}`, { headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}` } })).json()) as { unlimited: boolean; unlimited_models: string[] };
		expect([balance.unlimited, balance.unlimited_models]).toEqual([true, []]);
		await page.goto('/dashboard');
		await waitForFresh(page);
		const card = (label: string) => page.getByRole('region', { name: 'Summary' }).locator('.stat', { has: page.getByText(label, { exact: true }) });
		await expect(texts(card('Available').locator('.value, .sub'))).resolves.toEqual(['Unlimited', 'all models unlimited']);
		await expect(texts(card('Balance').locator('.value, .sub'))).resolves.toEqual(['0', 'excl. free allowances']);
		await expect(page.locator('#balance-figures').innerText()).resolves.toContain('Unlimited: no use of any model takes tokens while it lasts; the balance is what is left for after it.');
		await bothSizes(page, 'dashboard-unlimited');
		await expectLedgerInvariants();
	});
});

describe('usage history on a phone', () => {
	/** Picks the pool the history is of, and waits until its rows (with `columns` cells each) are shown. */
	async function showPool(page: Page, name: RegExp, columns: number) {
		await page.evaluate(() => {
			const w = window as unknown as { poolSince?: number; poolFlashed?: boolean };
			w.poolSince = w.poolFlashed = undefined;
		});
		await page.getByRole('radio', { name }).click();
		// The choice is saved (settings) before the pages follow it: let that round trip finish.
		await expect.poll(() => page.getByRole('radio', { name }).getAttribute('aria-checked')).toBe('true');
		await page.waitForLoadState('networkidle');
		await waitForFresh(page);
		// Once the new pool's rows are shown they hold: the previous pool's never come back (a late
		// answer for it is dropped, lib/client/answer-order.ts). Watched for a second.
		await page.waitForFunction(
			(n) => {
				const w = window as unknown as { poolSince?: number; poolFlashed?: boolean };
				const rows = [...document.querySelectorAll('tbody tr')];
				const settled = rows.length > 3 && rows.every((r) => !r.hasAttribute('aria-hidden') && r.children.length === n);
				if (!settled) {
					if (w.poolSince !== undefined && rows.some((r) => !r.hasAttribute('aria-hidden') && r.children.length !== n)) w.poolFlashed = true;
					return void (w.poolSince = undefined);
				}
				w.poolSince ??= performance.now();
				return performance.now() - w.poolSince > 1000;
			},
			columns,
			{ polling: 100 }
		);
		await expect(page.evaluate(() => (window as unknown as { poolFlashed?: boolean }).poolFlashed ?? false)).resolves.toBe(false);
	}

	/** Every cell of the first rows is on screen and shows its whole text (measured in one go: rows may re-render). */
	async function expectEveryColumnVisible(page: Page, columns: number) {
		const rows = await page.evaluate(() =>
			[...document.querySelectorAll('tbody tr')].slice(0, 6).map((tr) =>
				[...tr.children].map((cell) => {
					const r = cell.getBoundingClientRect();
					return { text: (cell as HTMLElement).innerText, onScreen: r.left >= 0 && r.right <= window.innerWidth, whole: cell.scrollWidth <= cell.clientWidth };
				})
			)
		);
		expect(rows.length).toBeGreaterThan(3);
		for (const cells of rows) {
			expect(cells).toHaveLength(columns);
			for (const c of cells) expect(c, c.text).toMatchObject({ onScreen: true, whole: true });
		}
	}

	it('shows the feature (and model), tokens used, the whole date and the balance after every use; a team pool also says who', async () => {
		const { context, page } = await openAs(browser, maya.email, '/usage');
		onTestFinished(() => context.close());
		await waitForFresh(page);
		await showPool(page, /Personal/, 4);
		await expectEveryColumnVisible(page, 4);
		const first = page.locator('tbody tr').first();
		await expect(first.locator('td').nth(1).innerText()).resolves.toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2}$/);
		await expect(first.innerText()).resolves.toMatch(/Used\s*[\d,]+/);
		await expect(first.innerText()).resolves.toMatch(/Balance after\s*[\d,]+/);
		// One rule for every row: the feature is the title, the model (when the use names one) the line under it.
		await page.getByText('Filters').click();
		// The filters load on their first opening, then list the catalog's features and models.
		await page.locator('#f-model option').nth(1).waitFor({ state: 'attached' });
		const features = new Set((await page.locator('#f-feature option').allTextContents()).slice(1));
		const models = new Set((await page.locator('#f-model option').allTextContents()).slice(1));
		expect(features.size).toBeGreaterThan(3);
		const titles = await page.locator('tbody th .feature').allTextContents();
		expect(titles.length).toBeGreaterThan(3);
		for (const t of titles) expect(features, t).toContain(t);
		const subs = await page.locator('tbody th .sub').allTextContents();
		expect(subs.length).toBeGreaterThan(0);
		for (const m of subs) expect(models, m).toContain(m);
		await page.getByText('Filters').click();
		await screen(page, 'usage-phone');

		// A pool of a team of its own: the pool picked is saved on the server, and files beside this one read Maya's.
		const { owner, member, team, call } = await ownTeam(browser, 'Ledger Lane', 'Lea Lane', 'Max Lane', 5_000);
		for (const spender of [owner, member, owner, member]) await call(spender.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 1, idempotencyKey: crypto.randomUUID() });
		await member.context.close();
		onTestFinished(() => owner.context.close());
		const pool = owner.page;
		await pool.goto('/usage');
		await waitForFresh(pool);
		await showPool(pool, /Ledger Lane/, 5);
		await expectEveryColumnVisible(pool, 5);
		const who = await pool.locator('tbody td.who').allInnerTexts();
		expect(new Set(who.map((w) => w.replace(/^By\s*/, '')))).toEqual(new Set(['Lea Lane', 'Max Lane']));
		await screen(pool, 'usage-team-phone');

		const wide = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: baseURL() });
		await wide.addCookies(await owner.context.cookies());
		const desk = await wide.newPage();
		await desk.goto('/usage');
		await waitForFresh(desk);
		await expect(desk.getByRole('columnheader').allInnerTexts()).resolves.toEqual(['Feature', 'Tokens used', 'Date', 'Balance after', 'By']);
		await screen(desk, 'usage-team-wide');
		await wide.close();

	});
});

describe('a member a daily cap binds in a team pool', () => {
	// A team of its own for both tests: the owner caps the member, who has used some of the pool; both pick the
	// pool, which files beside this one must not see of a demo user. The first test reads its figures, the
	// second buys for it (read afresh after the purchase): one team, signed up and joined once, by the first
	// test that runs (ownTeam waits with expect.poll, which only a test may call).
	let crew: ReturnType<typeof ownTeam> | undefined;
	const capCrew = () =>
		(crew ??= ownTeam(browser, 'Cap Crew', 'Cora Capper', 'Cal Capped', 91_900).then(async (made) => {
			const { owner, member, team, call } = made;
			await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 5_000 });
			await call(member.page, 'ledger.consume', { accountId: team.accountId, feature: 'search_prices', units: 1, idempotencyKey: crypto.randomUUID() });
			return made;
		}));
	afterAll(async () => {
		const made = await crew?.catch(() => undefined);
		await made?.owner.context.close();
		await made?.member.context.close();
	});

	it('reads as Available what the cap leaves them (what a check counts down from), with the pool’s own figure under it; the uncapped owner reads the pool’s', async () => {
		const { owner, member, team } = await capCrew();
		const card = (page: Page) => page.locator('.stat', { hasText: 'Available' });
		const figure = async (page: Page) => Number((await card(page).locator('.value').innerText()).replace(/[^\d]/g, ''));

		const page = member.page;
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Cap Crew/ }).click();
		const line = page.getByText(/^Your daily cap in this team: [\d,]+ of 5,000 tokens left today$/);
		await line.waitFor();
		const left = Number((await line.innerText()).match(/: ([\d,]+) of/)![1]!.replace(/,/g, ''));
		expect(left).toBeLessThan(5_000);
		await expect.poll(() => figure(page)).toBe(left);
		// Under it, what the pool itself has: the owner's Available, and the Team page's pool figure.
		const sub = await card(page).locator('.sub').innerText();
		const pool = Number(sub.match(/^of ([\d,]+) in the pool$/)![1]!.replace(/,/g, ''));
		expect(pool).toBeGreaterThan(90_000);
		await page.getByText(`For you it is what the cap above leaves, less than the pool's ${pool.toLocaleString('en-US')}.`).waitFor();
		// The API's check for this member counts down from the card's figure (a session's check is on its active account: the pool, once saved).
		await expect.poll(async () => (await (await page.request.get('/trpc/settings.get')).json()).result.data.activeAccountId).toBe(team.accountId);
		const res = await page.request.post('/api/v1/check', { headers: { origin: baseURL() }, data: { feature: 'search_prices', units: 1 } });
		expect(res.status()).toBe(200);
		const check = (await res.json()) as { cost: number; remaining_after: number };
		expect(check.remaining_after + check.cost).toBe(left);
		await bothSizes(page, 'dashboard-capped-member');

		// The playground says the same figure for the operation chosen (the cap leaves less than it could spend), and the pool's under it.
		await page.goto('/playground');
		await waitForFresh(page);
		const balance = page.getByRole('region', { name: 'Balance' });
		await balance.getByText('Available for Chatbot reply', { exact: true }).waitFor();
		await expect(balance.locator('strong').innerText()).resolves.toBe(left.toLocaleString('en-US'));
		await balance.getByText(`of ${pool.toLocaleString('en-US')} in the pool`, { exact: true }).waitFor();
		await bothSizes(page, 'playground-capped-member');
		// The Team page's pool card: the pool's figure, in the dashboard's words ("in the pool": "available" is
		// what this member may spend, the dashboard's figure), and the member's cap with what it leaves.
		await page.goto('/team');
		await waitForFresh(page);
		const poolCard = page.getByRole('region', { name: 'Cap Crew pool' });
		await poolCard.getByText(`${pool.toLocaleString('en-US')} tokens in the pool`).waitFor();
		await expect(poolCard.getByText(/tokens available/).count()).resolves.toBe(0);
		await poolCard.getByText(`Your daily cap in this team: ${left.toLocaleString('en-US')} of 5,000 tokens left today`).waitFor();
		await bothSizes(page, 'team-capped-member');

		// The owner has no cap: the pool's Available, and the card's usual line about held tokens.
		await owner.page.goto('/dashboard');
		await waitForFresh(owner.page);
		await owner.page.getByRole('radio', { name: /Cap Crew/ }).click();
		await expect.poll(() => figure(owner.page)).toBe(pool);
		await card(owner.page).getByText('none on hold', { exact: true }).waitFor();
		await expect(owner.page.getByText(/For you it is what the cap/).count()).resolves.toBe(0);
	});

	it('buying for the pool, the store says what the dashboard says: what the cap leaves them, and the pool’s figure as the pool’s', async () => {
		const { member, team } = await capCrew();
		const page = member.page;
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Cap Crew/ }).click();
		await expect.poll(async () => (await (await page.request.get('/trpc/settings.get')).json()).result.data.activeAccountId).toBe(team.accountId);

		await buy(page, 'Token pack', /^Buy · \$5\.00$/, '$5.00', '5,000');
		const status = page.getByRole('status', { name: 'Purchase status' });
		// The dashboard's figures for him, read after the purchase: the store said the same.
		const input = encodeURIComponent(JSON.stringify({ accountId: team.accountId }));
		const dash = (await (await page.request.get(`/trpc/ledger.dashboard?input=${input}`)).json()).result.data as { summary: { available: number }; capBound: { tokens: number; sub: string }; capLine: { text: string } };
		const [left, pool] = [dash.capBound.tokens.toLocaleString('en-US'), dash.summary.available.toLocaleString('en-US')];
		expect(dash.capBound.sub).toBe(`of ${pool} in the pool`);
		// Where the tokens went, named: the pool he picked, not his own account.
		await expect(status.innerText()).resolves.toMatch(new RegExp(`^Tokens added to Cap Crew pool: \\+5,000 · Token pack\\s+Available to you now: ${left} tokens of ${pool} in the pool\\s+${dash.capLine.text}\\s`));
		// Not the pool's figure as his.
		await expect(status.getByText(/^Available now:/).count()).resolves.toBe(0);
		await bothSizes(page, 'store-capped-member-added');
		// His dashboard's Available card, opened from the status: the same figure, the pool's under it.
		await status.getByRole('link', { name: 'See balance' }).click();
		await waitForFresh(page);
		const card = page.locator('.stat', { hasText: 'Available' });
		// The cap's figure is the same before the purchase and after: the pool's under it says the page has the new figures.
		await expect.poll(() => card.locator('.sub').innerText()).toBe(`of ${pool} in the pool`);
		await expect(card.locator('.value').innerText()).resolves.toBe(left);
	});
});
