import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Browser, BrowserContext, Locator, Page, Request } from 'playwright-core';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { bothSizes, demoDataDir, launch, phone, screenshot } from './browser';
import { axe, boxesTogether, expectNoteBeside, leo, maya, sessionCookies, waitForFresh } from './app';
import { startBuild, type RunningApp } from './server';
import { linkIn, readMailDir } from '../helpers/mail';
import { counted } from '../../src/lib/counted';

// Issue 13.4: a team member's Team page shows the daily cap the owner set for them (Leo: 5,000)
// and the team pool's own cap (Acme Studio: 20,000 a day); it never says "no cap" for a cap
// that exists, nor guesses at other members' limits. The cap that limits him now, in whichever
// window, is said in the same words and figures on the Team page, the dashboard and the playground. Its owner sends, resends and withdraws invitations.
// After each action the page changes in place: the cards on it are the same elements, not drawn anew.

// On an app of its own (a copy of the demo): these tests switch Leo to the team's pool and change
// his and Maya's caps, which a file running beside them on the shared app would see.
let browser: Browser;
let app: RunningApp;
let dataDir: string;
beforeAll(async () => {
	browser = await launch();
	dataDir = demoDataDir('quota-team-limits-');
	app = await startBuild({ dataDir });
}, 360_000); // a start of the app, on a copy of the demo's data: slow on a busy machine
afterAll(async () => {
	await browser?.close();
	await app?.stop();
	if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const phoneContext = (browser: Browser) => browser.newContext({ ...phone, baseURL: app.baseURL });

/** A phone with `email` signed in, on `path` of this file's app. */
async function openAs(browser: Browser, email: string, path: string) {
	const context = await phoneContext(browser);
	await context.addCookies(sessionCookies(email));
	const page = await context.newPage();
	await page.goto(path);
	return { context, page };
}

/**
 * Leo's or Maya's phone, one each for the file, on `path`: the tests that need no fresh device go to
 * their pages with `goto` (a visit in an open tab costs a third of a new context's and its first
 * load). Closed with the browser.
 */
const phones = new Map<string, Promise<{ context: BrowserContext; page: Page }>>();
async function phoneOf(email: string, path: string) {
	const open = phones.get(email);
	if (!open) {
		const opening = openAs(browser, email, path);
		phones.set(email, opening);
		return opening;
	}
	const opened = await open;
	await opened.page.goto(path);
	return opened;
}

describe('the Team page tells a member their caps', () => {
	it('a member sees the team pool’s daily cap and their own, in their locale’s numbers', async () => {
		const { page } = await phoneOf(leo.email, '/team');
		await waitForFresh(page);
		const pool = page.getByRole('region', { name: 'Acme Studio pool' });
		await expect(pool.getByText(/^The team's daily cap: 20,000 tokens · [\d,]+ left today$/).isVisible()).resolves.toBe(true);
		await expect(pool.getByText(/^Your daily cap in this team: [\d,]+ of 5,000 tokens left today$/).isVisible()).resolves.toBe(true);
		const members = page.getByRole('region', { name: 'Members' });
		const own = members.getByRole('listitem').filter({ hasText: leo.name });
		await expect(own.getByText(/· cap 5,000 tokens a day$/).isVisible()).resolves.toBe(true);
		await expect(members.getByText(/no cap/).count()).resolves.toBe(0);
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		await screenshot(page, 'team-member-limits');

		// His limit binds him everywhere he spends the pool: the dashboard says what it leaves today, and
		// the Playground's "spendable" is no more than that, less the cost.
		const left = Number((await pool.getByText(/^Your daily cap in this team: /).textContent())!.match(/: ([\d,]+) of/)![1]!.replace(/,/g, ''));
		await page.goto('/dashboard');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Acme Studio/ }).click();
		await page.getByText(`Your daily cap in this team: ${left.toLocaleString('en-US')} of 5,000 tokens left today`, { exact: true }).waitFor();
		await screenshot(page, 'dashboard-member-limit');
		await page.goto('/playground');
		await waitForFresh(page);
		await page.getByRole('radio', { name: /Generate all/ }).click();
		const cost = page.getByRole('region', { name: 'Cost' });
		await cost.getByText('65 tokens', { exact: true }).waitFor();
		await cost.getByText(`Your daily cap in this team: ${left.toLocaleString('en-US')} of 5,000 tokens left today.`, { exact: true }).waitFor();
		const spendable = (await cost.getByText(/spendable on this feature after it$/).textContent())!;
		expect(Number(spendable.match(/([\d,]+) spendable/)![1]!.replace(/,/g, ''))).toBe(left - 65);
		await screenshot(page, 'playground-member-limit');
		// Back to his own tokens, as the other tests find him.
		await page.getByRole('radio', { name: /Personal/ }).click();
		await cost.getByText(/cap in this team/).waitFor({ state: 'detached' });
	});

	it('the owner reads the pool’s daily cap once, with what it leaves today, and its bar of what is left (as every bar of the app) under that line, not under the pool’s tokens', async () => {
		const { page } = await phoneOf(maya.email, '/team');
		await waitForFresh(page);
		const pool = page.getByRole('region', { name: 'Acme Studio pool' });
		const line = pool.getByText(/^The team's daily cap: 20,000 tokens · ([\d,]+) left today$/);
		const left = Number((await line.textContent())!.match(/· ([\d,]+) left/)![1]!.replace(/,/g, ''));
		// The bar is what is left, as the dashboard's bars are: full when nothing was used, empty when the cap is reached.
		const bar = pool.getByRole('meter', { name: `The team's daily cap: ${left.toLocaleString('en-US')} of 20,000 left today` });
		await expect(bar.getAttribute('aria-valuenow')).resolves.toBe(String(left));
		// The bar follows its line; the pool's figure is above both.
		const [figure, said, drawn] = await boxesTogether(pool.getByText(/tokens in the pool$/), line, bar);
		expect(figure!.y).toBeLessThan(said!.y);
		expect(said!.y).toBeLessThan(drawn!.y);
		// The same cap is not said again as the dashboard's line says it, "The team's daily cap: … of 20,000 tokens left today".
		await expect(pool.getByText(/^The team's daily cap: [\d,]+ of /).count()).resolves.toBe(0);
		// Maya has no cap of her own: the one that binds her is the pool's, and her row says so in the pool card's name,
		// with its bar of what it leaves; Leo's row names his own daily cap, the tighter one.
		const rows = page.getByRole('region', { name: 'Members' }).getByRole('listitem');
		const mayaRow = rows.filter({ hasText: maya.name });
		await mayaRow.getByText(`The team's daily cap: ${left.toLocaleString('en-US')} of 20,000 left today`, { exact: true }).waitFor();
		await mayaRow.getByRole('meter', { name: `${maya.name}: The team's daily cap: ${left.toLocaleString('en-US')} of 20,000 left today` }).waitFor();
		await rows.filter({ hasText: leo.name }).getByText(/^Daily cap: [\d,]+ of 5,000 left today$/).waitFor();
		await bothSizes(page, 'team-owner-pool');
	});

	it('the owner reads a monthly pool cap nearly used up with what it leaves this month and its bar, said once: never only its size beside "Enough tokens"', async () => {
		const { context, page } = await phoneOf(maya.email, '/team');
		const me = (await (await context.request.get('/trpc/me.profile')).json()).result.data as { teams: { id: string; name: string }[] };
		const team = me.teams.find((t) => t.name === 'Acme Studio')!;
		const setPoolCap = (limitTokens: number | null) => context.request.post('/trpc/team.setCap', { data: { teamId: team.id, userId: null, period: 'monthly', limitTokens } });
		try {
			await waitForFresh(page);
			const pool = page.getByRole('region', { name: 'Acme Studio pool' });
			const month = Number((await pool.getByText(/ used today · [\d,]+ this month$/).textContent())!.match(/· ([\d,]+) this month/)![1]!.replace(/,/g, ''));
			// Five tokens short of this month's use of the pool.
			const cap = month + 5;
			expect((await setPoolCap(cap)).status()).toBe(200);
			await page.reload();
			await waitForFresh(page);
			const capped = `${cap.toLocaleString('en-US')}`;
			await pool.getByText(`The team's monthly cap: ${capped} tokens · 5 left this month`, { exact: true }).waitFor();
			const bar = pool.getByRole('meter', { name: `The team's monthly cap: 5 of ${capped} left this month` });
			await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('5');
			// Said once: not again as the dashboard's line says what limits the reader.
			await expect(pool.getByText(/^The team's monthly cap: [\d,]+ of /).count()).resolves.toBe(0);
			// The badge beside the pool's tokens says the cap that holds it, not "Enough tokens".
			await expect(pool.locator('.badge').textContent()).resolves.toBe('Cap running low');
			await bothSizes(page, 'team-owner-monthly-cap');
			// The store, the pool picked, says the cap before it sells: bought tokens go to the pool, not past the cap.
			await page.goto('/store');
			await waitForFresh(page);
			// A pick shows once the device has queued it (IndexedDB): polled, not checked at once as check() does.
			const pick = async (name: RegExp) => {
				const radio = page.getByRole('radio', { name });
				await radio.click();
				await expect.poll(() => radio.getAttribute('aria-checked')).toBe('true');
			};
			await pick(/Acme Studio/);
			await page
				.getByRole('note')
				.getByText(new RegExp(`^The team's monthly cap: 5 of ${capped} tokens left this month\\. Tokens bought now are added to the pool; the cap still limits what you can spend until it resets\\.$`))
				.waitFor();
			await bothSizes(page, 'store-pool-capped');
			await pick(/Personal/);
			await expect.poll(() => page.getByRole('note').count()).toBe(0);
			await page.goto('/team');
			await waitForFresh(page);
			// Used up: reached; and Settings' alert steps say the pool's tokens as the dashboard names them ("in the pool"), not "Available".
			expect((await setPoolCap(month)).status()).toBe(200);
			await page.reload();
			await waitForFresh(page);
			await pool.getByText(/ · 0 left this month$/).waitFor();
			await expect(pool.locator('.badge').textContent()).resolves.toBe('Cap reached');
			await page.goto('/settings');
			await page.getByText(/^Shares of [\d,]+ tokens: .* In the pool now: [\d,]+\./).first().waitFor();
		} finally {
			expect((await setPoolCap(null)).status()).toBe(200);
		}
	});

	it('a weekly cap tighter than his daily one is what Leo is told limits him, with the same figures on the Team page, the dashboard and the playground', async () => {
		const { context, page } = await phoneOf(leo.email, '/team');
		await waitForFresh(page);
		const me = (await (await context.request.get('/trpc/me.profile')).json()).result.data as { id: string; teams: { id: string; name: string; accountId?: string }[] };
		const team = me.teams.find((t) => t.name === 'Acme Studio')!;
		const detail = (await (await context.request.get(`/trpc/team.get?input=${encodeURIComponent(JSON.stringify({ teamId: team.id }))}`)).json()).result.data as { accountId: string };
		// His use of the pool this week, so that a weekly cap leaves him 1,000 tokens (less than his daily cap does).
		// A use of his this week, whatever the day: the demo's may all be last week's (CI 170 ran this just past
		// Monday 00:00 UTC, found none, and set a weekly cap of 0, which is said otherwise).
		const spent = await context.request.post('/api/v1/consume', { data: { team: team.id, feature: 'search_images', units: 5 }, headers: { 'idempotency-key': crypto.randomUUID() } });
		expect(spent.status(), await spent.text()).toBe(200);
		const input = encodeURIComponent(JSON.stringify({ accountId: detail.accountId, period: 'weekly', windows: 1, by: 'member' }));
		const week = (await (await context.request.get(`/trpc/ledger.rollups?input=${input}`)).json()).result.data as { rows: { key: string; tokens: number }[] };
		const weekly = (week.rows.find((r) => r.key === me.id)?.tokens ?? 0) + 1_000;
		const owner = await phoneContext(browser);
		await owner.addCookies(sessionCookies(maya.email));
		const setWeekly = (limitTokens: number | null) => owner.request.post('/trpc/team.setCap', { data: { teamId: team.id, userId: me.id, period: 'weekly', limitTokens } });
		expect((await setWeekly(weekly)).status()).toBe(200);
		try {
			await page.reload();
			await waitForFresh(page);
			const said = new RegExp(`^Your weekly cap in this team: ([\\d,]+) of ${weekly.toLocaleString('en-US')} tokens left this week$`);
			const pool = page.getByRole('region', { name: 'Acme Studio pool' });
			const sentence = (await pool.getByText(said).textContent())!;
			expect(Number(sentence.match(said)![1]!.replace(/,/g, ''))).toBeLessThanOrEqual(1_000);
			await bothSizes(page, 'team-member-weekly-cap');

			await page.goto('/dashboard');
			await waitForFresh(page);
			await page.getByRole('radio', { name: /Acme Studio/ }).click();
			await page.getByText(sentence, { exact: true }).waitFor();
			await bothSizes(page, 'dashboard-member-weekly-cap');
			await page.goto('/playground');
			await waitForFresh(page);
			await page.getByRole('radio', { name: /Generate all/ }).click();
			const cost = page.getByRole('region', { name: 'Cost' });
			await cost.getByText(`${sentence}.`, { exact: true }).waitFor();
			await bothSizes(page, 'playground-member-weekly-cap');
			await page.getByRole('radio', { name: /Personal/ }).click();
			await cost.getByText(/cap in this team/).waitFor({ state: 'detached' });
		} finally {
			expect((await setWeekly(null)).status()).toBe(200);
			await owner.close();
		}
	});

	it('a weekly cap the owner sets below what Leo used this week: she is told it binds; his dashboard and both Team pages say he cannot spend until it resets, and the Pace card promises no days', async () => {
		const { context, page } = await phoneOf(leo.email, '/team');
		await waitForFresh(page);
		const me = (await (await context.request.get('/trpc/me.profile')).json()).result.data as { id: string; teams: { id: string; name: string }[] };
		const team = me.teams.find((t) => t.name === 'Acme Studio')!;
		const detail = (await (await context.request.get(`/trpc/team.get?input=${encodeURIComponent(JSON.stringify({ teamId: team.id }))}`)).json()).result.data as { accountId: string };
		// A use of his this week, whatever the day: the demo's may all be last week's (CI 170 ran this just past
		// Monday 00:00 UTC, found none, and set a weekly cap of 0, which is said otherwise).
		const spent = await context.request.post('/api/v1/consume', { data: { team: team.id, feature: 'search_images', units: 5 }, headers: { 'idempotency-key': crypto.randomUUID() } });
		expect(spent.status(), await spent.text()).toBe(200);
		const input = encodeURIComponent(JSON.stringify({ accountId: detail.accountId, period: 'weekly', windows: 1, by: 'member' }));
		const week = (await (await context.request.get(`/trpc/ledger.rollups?input=${input}`)).json()).result.data as { rows: { key: string; tokens: number }[] };
		// Below what he used this week, and below his daily 5,000.
		const weekly = Math.max(0, Math.min((week.rows.find((r) => r.key === me.id)?.tokens ?? 0) - 1, 1_000));
		const shown = weekly.toLocaleString('en-US');
		const { context: owner, page: ownerPage } = await phoneOf(maya.email, '/team');
		try {
			await waitForFresh(ownerPage);
			const leoCard = ownerPage.getByRole('region', { name: 'Members' }).getByRole('listitem').filter({ hasText: leo.name });
			await leoCard.getByRole('button', { name: `Caps for ${leo.name}` }).click();
			await leoCard.getByRole('textbox', { name: `Weekly cap for ${leo.name} (tokens)` }).fill(String(weekly));
			await leoCard.getByRole('button', { name: 'Save caps' }).click();
			// Taken, as a valid choice, and said to be the one that binds.
			await leoCard.getByText(`Caps saved for ${leo.name}: 5,000 tokens a day · ${shown} a week. The weekly cap (${shown}) is below the daily cap: at most ${shown} a week.`).waitFor();
			// His row shows the cap that binds now, used up, in words, not today's use against the daily cap.
			// When it resets, as a dashboard says it: in the reader's zone (Settings', else the site's), the zone named.
			const reached = leoCard.getByText(/^Weekly cap reached · resets .+\d\d:\d\d (UTC|.+ · UTC[+−]\d\d:\d\d)$/);
			await reached.waitFor();
			// Its bar is what is left of it, as on the dashboard: nothing, an empty red bar.
			await expect(leoCard.getByRole('meter').getAttribute('aria-valuenow')).resolves.toBe('0');
			await expect(leoCard.getByRole('meter').getAttribute('aria-valuetext')).resolves.toBe('0%');
			await bothSizes(ownerPage, 'team-owner-weekly-cap-reached');

			await page.reload();
			await waitForFresh(page);
			const own = page.getByRole('region', { name: 'Members' }).getByRole('listitem').filter({ hasText: leo.name });
			const resets = (await own.getByText(/^Weekly cap reached · resets /).textContent())!.replace('Weekly cap reached · resets ', '');
			const pool = page.getByRole('region', { name: 'Acme Studio pool' });
			const usedUp = `Your weekly cap of ${counted(weekly, 'token', (n) => n.toLocaleString('en-US'))} in this team is used up: you cannot spend from this pool until ${resets}.`;
			await pool.getByText(usedUp, { exact: true }).waitFor();
			await bothSizes(page, 'team-member-weekly-cap-reached');

			// His dashboard says the same reset in the same words: one rule, one formatter.
			await page.goto('/dashboard');
			await waitForFresh(page);
			await page.getByRole('radio', { name: /Acme Studio/ }).click();
			const line = page.getByText(usedUp, { exact: true });
			await line.waitFor();
			// A warning, as the alerts are: the line in the empty colour, its empty bar still red.
			const [color, bar] = await Promise.all([line.evaluate((e) => getComputedStyle(e).color), page.getByRole('meter', { name: /weekly cap/ }).evaluate((e) => getComputedStyle(e).backgroundColor)]);
			expect(color).toBe('rgb(179, 38, 30)');
			expect(bar).toBe('rgb(253, 231, 230)');
			const pace = page.getByRole('region', { name: 'Pace' });
			await pace.getByText(/^Capped: nothing can be spent from this pool until .+, whatever the balance\.$/).waitFor();
			await expect(pace.getByText(/last about/).count()).resolves.toBe(0);
			await bothSizes(page, 'dashboard-member-weekly-cap-reached');
			await page.getByRole('radio', { name: /Personal/ }).click();
			await line.waitFor({ state: 'detached' });
		} finally {
			expect((await owner.request.post('/trpc/team.setCap', { data: { teamId: team.id, userId: me.id, period: 'weekly', limitTokens: null } })).status()).toBe(200);
		}
	});

	it("with a weekly and a monthly cap both used up, Leo's row on the owner's Team page names the one that holds longest, not the one used up furthest", async () => {
		const { context, page } = await phoneOf(leo.email, '/team');
		const { context: owner, page: ownerPage } = await phoneOf(maya.email, '/team');
		const me = (await (await context.request.get('/trpc/me.profile')).json()).result.data as { id: string; teams: { id: string; name: string }[] };
		const team = me.teams.find((t) => t.name === 'Acme Studio')!;
		try {
			await waitForFresh(page);
			const detail = (await (await context.request.get(`/trpc/team.get?input=${encodeURIComponent(JSON.stringify({ teamId: team.id }))}`)).json()).result.data as { accountId: string };
			const input = encodeURIComponent(JSON.stringify({ accountId: detail.accountId, period: 'monthly', windows: 1, by: 'member' }));
			const month = (await (await context.request.get(`/trpc/ledger.rollups?input=${input}`)).json()).result.data as { rows: { key: string; tokens: number }[] };
			const used = month.rows.find((r) => r.key === me.id)?.tokens ?? 0;
			expect(used).toBeGreaterThan(2);
			// The weekly cap, 0, is used up furthest; the monthly one, 1 below this month's use, only just.
			await waitForFresh(ownerPage);
			const leoCard = ownerPage.getByRole('region', { name: 'Members' }).getByRole('listitem').filter({ hasText: leo.name });
			await leoCard.getByRole('button', { name: `Caps for ${leo.name}` }).click();
			await leoCard.getByRole('textbox', { name: `Weekly cap for ${leo.name} (tokens)` }).fill('0');
			await leoCard.getByRole('textbox', { name: `Monthly cap for ${leo.name} (tokens)` }).fill(String(used - 1));
			await leoCard.getByRole('button', { name: 'Save caps' }).click();
			// He spends again when the later of the two resets: the month's, unless the week ends after it.
			const now = new Date();
			const monthEndsFirst = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).getTime() - now.getTime() < 7 * 86_400_000;
			const reached = leoCard.getByText(/^(Weekly|Monthly) cap reached · resets /);
			await reached.waitFor();
			if (!monthEndsFirst) await expect(reached.textContent()).resolves.toMatch(/^Monthly cap reached · resets /);
			await bothSizes(ownerPage, 'team-owner-two-caps-reached');
		} finally {
			for (const period of ['weekly', 'monthly']) {
				expect((await owner.request.post('/trpc/team.setCap', { data: { teamId: team.id, userId: me.id, period, limitTokens: null } })).status()).toBe(200);
			}
		}
	});

	it('a run refused on a stale price says why once, in the cost card, not again under Run', async () => {
		// No live word on this page (its stream refused), so the price it shows can go stale.
		const context = await phoneContext(browser);
		await context.addCookies(sessionCookies(leo.email));
		const page = await context.newPage();
		await page.route('**/api/v1/stream**', (route) => route.abort());
		await page.goto('/playground');
		await waitForFresh(page);
		const me = (await (await context.request.get('/trpc/me.profile')).json()).result.data as { id: string; teams: { id: string; name: string }[] };
		const team = me.teams.find((t) => t.name === 'Acme Studio')!;
		await page.getByRole('radio', { name: /Acme Studio/ }).click();
		await page.getByRole('radio', { name: /Generate all/ }).click();
		const cost = page.getByRole('region', { name: 'Cost' });
		// The pool's price, with his cap in it (not the one of his own tokens shown a moment before, while the pool's was asked for).
		await cost.getByText(/^Your daily cap in this team: [\d,]+ of 5,000 tokens left today\.$/).waitFor();
		await cost.getByText(/spendable on this feature after it$/).waitFor();
		// The price goes stale: the owner takes Leo's daily limit to 0 between his tap and its arrival. Set
		// before the tap, the page's own refreshes (30 s; a price 250 ms after new figures) could read the
		// cap first and disable Run (CI 172; the project's CI on d259b94, a loaded machine).
		const owner = await phoneContext(browser);
		await owner.addCookies(sessionCookies(maya.email));
		const setLimit = (limitTokens: number) => owner.request.post('/trpc/team.setCap', { data: { teamId: team.id, userId: me.id, period: 'daily', limitTokens } });
		await page.route('**/trpc/ledger.consume**', async (route) => {
			expect((await setLimit(0)).status()).toBe(200);
			await route.continue();
		});
		try {
			await page.getByRole('button', { name: /^Run / }).click();
			const why = /^Your daily cap in this team is 0 tokens: nothing can be spent from this pool while it is set\.$/;
			await cost.getByText('Cap reached').waitFor();
			await expect(cost.getByText(why).count()).resolves.toBe(1);
			await expect(page.getByText(why).count()).resolves.toBe(1);
			await screenshot(page, 'playground-stale-refusal');
		} finally {
			expect((await setLimit(5_000)).status()).toBe(200);
			await owner.close();
		}
		await page.getByRole('radio', { name: /Personal/ }).click();
		await context.close();
	});

	it('the owner sees every member’s caps, and changes one in place: the cards stay, only the figure changes', async () => {
		const { page } = await phoneOf(maya.email, '/team');
		const quiet = trpcQuiet(page);
		await waitForFresh(page);
		const members = page.getByRole('region', { name: 'Members' });
		const leoCard = members.getByRole('listitem').filter({ hasText: leo.name });
		const mayaCard = members.getByRole('listitem').filter({ hasText: maya.name });
		await expect(leoCard.getByText(/· cap 5,000 tokens a day$/).isVisible()).resolves.toBe(true);
		await expect(mayaCard.getByText(/· no cap$/).isVisible()).resolves.toBe(true);

		await quiet();
		const redrawn = await keep({ leo: leoCard, maya: mayaCard, pool: page.getByRole('region', { name: 'Acme Studio pool' }), invite: page.getByRole('region', { name: 'Invite a member' }) });
		// Maya's own limit, set and taken off again: Leo's 5,000 stays for the other tests.
		for (const [typed, shown] of [['900000', '· cap 900,000 tokens a day'], ['0', '· cap 0 tokens a day (nothing of the pool)'], ['', '· no cap']]) {
			await mayaCard.getByRole('button', { name: `Caps for ${maya.name}` }).click();
			await mayaCard.getByRole('textbox', { name: `Daily cap for ${maya.name} (tokens)` }).fill(typed!);
			await mayaCard.getByRole('button', { name: 'Save caps' }).click();
			await mayaCard.getByText(shown!).waitFor();
			// A limit of 0 is reached before any use: nothing is left of it, an empty bar in the warning's red, as on the dashboard.
			if (typed === '0') {
				await expect(mayaCard.getByRole('meter').getAttribute('aria-valuetext')).resolves.toBe('0%');
				await expect(mayaCard.getByRole('meter').getAttribute('class')).resolves.toMatch(/\bempty\b/);
			}
			await quiet();
			expect(await redrawn()).toEqual([]);
		}
		// Emptying the field on purpose removes the cap, and says so in her row.
		await mayaCard.getByText(`Caps saved for ${maya.name}: no cap.`).waitFor();
		await screenshot(page, 'team-limit-saved');
	});

	it('refuses a cap too large or in letters beside the field, sends nothing and keeps Leo’s 5,000; a save’s word is said in its own row, until another edit starts', async () => {
		const { page } = await phoneOf(maya.email, '/team');
		const sent: string[] = [];
		const setCap = (r: Request) => void (r.url().includes('team.setCap') && sent.push(r.url()));
		page.on('request', setCap);
		onTestFinished(() => void page.off('request', setCap));
		await waitForFresh(page);
		const members = page.getByRole('region', { name: 'Members' });
		const leoCard = members.getByRole('listitem').filter({ hasText: leo.name });
		const mayaCard = members.getByRole('listitem').filter({ hasText: maya.name });

		// A save of Maya's own cap is said in her row, not in Leo's; his edit starting next takes it away.
		await mayaCard.getByRole('button', { name: `Caps for ${maya.name}` }).click();
		await mayaCard.getByRole('textbox', { name: `Daily cap for ${maya.name} (tokens)` }).fill('');
		await mayaCard.getByRole('button', { name: 'Save caps' }).click();
		await mayaCard.getByText(`Caps saved for ${maya.name}: no cap.`).waitFor();
		sent.length = 0;
		await leoCard.getByRole('button', { name: `Caps for ${leo.name}` }).click();
		await expect.poll(() => page.getByText(/^Caps saved/).count()).toBe(0);

		const field = leoCard.getByRole('textbox', { name: `Daily cap for ${leo.name} (tokens)` });
		for (const [typed, said] of [
			['99999999999999999', 'A daily cap is at most 1,000,000,000,000 tokens.'],
			['lots', 'Type a whole number of tokens, or leave the field empty for no cap.']
		] as const) {
			await field.fill(typed);
			await leoCard.getByRole('button', { name: 'Save caps' }).click();
			await expectNoteBeside(field, said);
			await screenshot(page, `team-limit-refused-${typed === 'lots' ? 'letters' : 'too-large'}`);
		}
		expect(sent).toEqual([]);
		await leoCard.getByRole('button', { name: 'Cancel' }).click();
		await page.reload();
		await waitForFresh(page);
		await expect(leoCard.getByText(/· cap 5,000 tokens a day$/).isVisible()).resolves.toBe(true);
	});
});

/**
 * A wait for the page's tRPC traffic to be over: no request under way for half a second (an action's
 * refresh has ended). A request still open after 10 s is named in the failure.
 */
function trpcQuiet(page: Page) {
	const open = new Set<Request>();
	let last = Date.now();
	const start = (r: Request) => void (r.url().includes('/trpc/') && (open.add(r), (last = Date.now())));
	const end = (r: Request) => void (open.delete(r) && (last = Date.now()));
	page.on('request', start);
	page.on('requestfinished', end);
	page.on('requestfailed', end);
	// The page is the file's: what listens for this test stops with it.
	onTestFinished(() => void page.off('request', start).off('requestfinished', end).off('requestfailed', end));
	return () => expect.poll(() => (open.size === 0 && Date.now() - last > 500 ? [] : [...open].map((r) => r.url()).concat('…')), { timeout: 10_000 }).toEqual([]);
}

/**
 * The elements `cards` name now; the function it returns names those no longer on the page: drawn
 * anew since (the list emptied and redrawn: a flicker), where only what changed should change.
 */
async function keep(cards: Record<string, Locator>) {
	const held = await Promise.all(Object.entries(cards).map(async ([name, card]) => [name, await card.elementHandle()] as const));
	return async () => {
		const gone: string[] = [];
		for (const [name, element] of held) if (!(await element!.evaluate((e) => e.isConnected))) gone.push(name);
		return gone;
	};
}

/** The newest invitation mail to `to` in the shared app's mail directory, once there are `count` of them. */
async function inviteMails(to: string, count: number) {
	const dir = join(dataDir, 'mail');
	const invitations = () => readMailDir(dir).filter((m) => m.to.includes(to) && m.decoded.includes('/invite/'));
	let mails = invitations();
	for (let i = 0; i < 40 && mails.length < count; i++) {
		await new Promise((r) => setTimeout(r, 250));
		mails = invitations();
	}
	expect(mails, `invitation mails to ${to} in ${dir}`).toHaveLength(count);
	return mails;
}

describe('the Team page’s invitations', () => {
	it('the owner invites, is told at once who is already in or invited, sends again and withdraws; the withdrawn link says so; no console errors', async () => {
		const { context, page } = await openAs(browser, maya.email, '/team');
		const consoleErrors: string[] = [];
		page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
		const invites: string[] = [];
		page.on('request', (r) => void (r.url().includes('team.invite') && invites.push(r.url())));
		const quiet = trpcQuiet(page);
		await waitForFresh(page);
		const card = page.getByRole('region', { name: 'Invite a member' });
		const members = page.getByRole('region', { name: 'Members' });
		await quiet();
		const redrawn = await keep({ leo: members.getByRole('listitem').filter({ hasText: leo.name }), maya: members.getByRole('listitem').filter({ hasText: maya.name }), invite: card });
		const email = card.getByLabel('Email');
		const send = card.getByRole('button', { name: 'Send invite' });

		// Send with no address: said beside the field, nothing sent.
		await send.click();
		await card.getByText('Type the email address of the person to invite.').waitFor();
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('invite-email');
		await screenshot(page, 'team-invite-empty');

		// Not an address: the sign-up form's rule, said beside the field, nothing sent.
		await email.fill('maya@example');
		await send.click();
		await card.locator('#invite-email-note').getByText('Enter a valid email address, like name@example.com.').waitFor();
		expect(await email.getAttribute('aria-invalid')).toBe('true');
		await screenshot(page, 'team-invite-invalid');

		// Someone already in the team: said beside the field, nothing sent.
		await email.fill(leo.email.toUpperCase());
		await card.getByText(`${leo.email} is already in this team.`).waitFor();
		await send.click();
		expect(await email.getAttribute('aria-invalid')).toBe('true');

		const invitee = `invitee-${Date.now().toString(36)}@example.com`;
		await email.fill(invitee);
		await send.click();
		const pending = card.getByRole('list', { name: 'Waiting for an answer' }).getByRole('listitem').filter({ hasText: invitee });
		await pending.getByText(/^Link valid until /).waitFor();
		// Said in the card, and still said once the list has been read again.
		await card.getByText(`Invitation sent to ${invitee}.`).waitFor();
		const [first] = await inviteMails(invitee, 1);
		// The link the mail carries, there to share another way (a demo without mail, a chat message).
		const shown = card.getByLabel(/^Or share the link yourself/);
		expect(await shown.inputValue()).toBe(linkIn(first!, '/invite/'));
		await context.grantPermissions(['clipboard-read', 'clipboard-write']);
		await card.getByRole('button', { name: 'Copy link' }).click();
		await card.getByRole('button', { name: 'Copied' }).waitFor();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(linkIn(first!, '/invite/'));
		await screenshot(page, 'team-invite-link');
		await quiet();
		expect(await redrawn()).toEqual([]);
		const redrawnInvite = await keep({ invitation: pending });

		// Invited already: said beside the field, nothing sent.
		await email.fill(invitee);
		await card.getByText(`${invitee} is already invited: send that invitation again below.`).waitFor();
		// The last send's "Invitation sent" goes once the field is typed in: never beside the refusal.
		await expect(card.getByText(`Invitation sent to ${invitee}.`).count()).resolves.toBe(0);
		await send.click();
		expect(invites).toHaveLength(1);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		expect(await axe(page)).toEqual([]);
		await card.scrollIntoViewIfNeeded();
		await screenshot(page, 'team-invites');

		await pending.getByRole('button', { name: `Send again to ${invitee}` }).click();
		const mails = await inviteMails(invitee, 2);
		await card.getByText(`Invitation sent again to ${invitee}, with a new link valid for 7 days; the earlier link no longer works.`).waitFor();
		const newest = linkIn(mails.at(-1)!, '/invite/');
		expect(newest).not.toBe(linkIn(first!, '/invite/'));
		expect(await shown.inputValue()).toBe(newest);
		await quiet();
		expect([...(await redrawn()), ...(await redrawnInvite())]).toEqual([]);

		await pending.getByRole('button', { name: `Withdraw the invitation to ${invitee}` }).click();
		await expect.poll(() => pending.count(), { timeout: 10_000 }).toBe(0);
		await card.getByText(`Invitation to ${invitee} withdrawn: its link no longer works.`).waitFor();
		await card.getByText(`Invitation to ${invitee} withdrawn`).scrollIntoViewIfNeeded();
		await quiet();
		expect(await redrawn()).toEqual([]);
		await screenshot(page, 'team-invite-withdrawn');
		expect(consoleErrors).toEqual([]);
		await context.close();

		const visitor = await phoneContext(browser);
		const link = await visitor.newPage();
		await link.goto(newest);
		await link.getByRole('heading', { name: 'Invitation withdrawn' }).waitFor();
		await link.getByText(/withdrew this invitation, so it no longer lets anyone join/).waitFor();
		await screenshot(link, 'invite-withdrawn-link');
		await visitor.close();
	});
});
