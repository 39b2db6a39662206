import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { baseURL, bothSizes, launch, phone, postgresDemo } from './browser';
import { axe, maya, openAs, ownTeam, ownUser, screen, siteApi, signInByForm, signUp, waitForFresh } from './app';
import { DEMO_SITE_API_KEY } from './server';
import { carriesEmbedToken, hostBackend, hostSite } from './host-site';
import { appSecret } from '../../src/lib/server/accounts/secret';
import { mintEmbedToken } from '../../src/lib/server/embed/tokens';

// The <quota-usage> widget on a host page of ANOTHER origin (127.0.0.1 vs the app's localhost), in
// Chromium at 390×844, against the production build: the figures of the token's account, live
// updates through the header-authorised stream, CORS only on the widget's reads, and the states of
// an expired token and of a token whose site key is revoked or paused while it is shown.

let browser: Browser;
let host: Awaited<ReturnType<typeof hostSite>>;
/** The app the widget is served from: the worker's demo, then (with TEST_DATABASE_URL) one on PostgreSQL. */
let app = '';
const stops: (() => Promise<void>)[] = [];
const { api, available } = hostBackend(() => app);

beforeAll(async () => {
	browser = await launch();
	host = await hostSite();
});
afterAll(async () => {
	for (const stop of stops) await stop();
	await browser?.close();
	await host?.close();
});

const shown = (n: number, locale = 'en-US', words = 'tokens available') => `${n.toLocaleString(locale)}${words}`;

/** A host-site user with 5,000 bonus tokens, and an embed token for them. */
async function hostUser(key = DEMO_SITE_API_KEY) {
	const user = `widget-e2e-${crypto.randomUUID().slice(0, 8)}`;
	expect((await api('/api/v1/grants', { user, tokens: 5000, source: 'bonus' })).status).toBe(201);
	const made = await api('/api/v1/embed-tokens', { user, ttl_seconds: 600 }, key);
	expect(made.status).toBe(201);
	return { user, token: made.json.token as string, accountId: made.json.account_id as string };
}

/** Serves a host page with the widget script from the app and `elements`; answers its URL. */
function hostPage(name: string, elements: string) {
	return host.set(`/${name}`, `<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host site</title>
<style>body{font-family:Georgia,serif;margin:16px;background:#f6f3ee} quota-usage{margin-bottom:16px} .dark{--quota-bg:#1d2230;--quota-fg:#f2f4f8;--quota-muted:#b8bfcc;--quota-line:#394056;--quota-accent:#8fb0ff;--quota-on-accent:#101420}</style>
</head><body><main><h1>My AI site</h1>${elements}</main><script src="${app}/embed/quota-usage.js"></script></body></html>`);
}

async function open(url: string) {
	const context = await browser.newContext(phone);
	const page = await context.newPage();
	const requests: string[] = [];
	page.on('request', (r) => requests.push(r.url()));
	await page.goto(url);
	return { page, requests, close: () => context.close() };
}

const widget = (page: Page, n = 0) => page.locator('quota-usage').nth(n);

const servers: [string, () => Promise<string>][] = [['embedded database', async () => baseURL()]];
if (process.env.TEST_DATABASE_URL) {
	servers.push([
		'PostgreSQL',
		async () => {
			const demo = await postgresDemo('quota_widget');
			stops.push(demo.stop);
			return demo.baseURL;
		}
	]);
}

describe.each(servers)('the <quota-usage> widget on a foreign page (%s)', (name, start) => {
	beforeAll(async () => {
		app = await start();
	}, 180_000);

	it('on a phone in Berlin says its resets and expiries in Berlin time (UTC+1), as the app names a zone, in English and in German', async () => {
		const u = await hostUser();
		// The last second of 2027 in UTC is already 2028 in Berlin: the zone says whose clock.
		expect((await api('/api/v1/grants', { user: u.user, tokens: 500, source: 'bonus', expires_at: '2027-12-31T23:59:59Z' })).status).toBe(201);
		const url = hostPage('berlin', `<quota-usage token="${u.token}"></quota-usage><quota-usage token="${u.token}" locale="de" parts="models"></quota-usage>`);
		const context = await browser.newContext({ ...phone, timezoneId: 'Europe/Berlin' });
		try {
			const page = await context.newPage();
			await page.goto(url);
			const w = widget(page);
			const general = w.getByRole('table', { name: 'Allocations' }).getByRole('row').filter({ hasText: 'General balance' });
			await general.waitFor({ timeout: 15_000 });
			await expect(general.getByRole('cell').nth(1).innerText()).resolves.toMatch(/^500 expire Jan 1, 2028, 12:59\sAM Berlin time \(UTC\+1\)\n5,000 never expire$/);
			// The site's days (UTC) begin at 01:00 on a Berlin clock, and each reset says so.
			const resets = await w.getByText(/^Resets /).allInnerTexts();
			expect(resets.length).toBeGreaterThan(0);
			for (const r of resets) expect(r).toMatch(/^Resets [A-Z][a-z]{2} \d{1,2}, \d{4}, 1:00\sAM Berlin time \(UTC\+1\)$/);
			expect(await w.innerText()).not.toMatch(/GMT|Europe\/Berlin/);
			// In German, the same zone in German words.
			const german = widget(page, 1).getByRole('table', { name: 'Zuteilungen' }).getByRole('row').filter({ hasText: 'Allgemeines Guthaben' });
			await expect(german.getByRole('cell').nth(1).innerText()).resolves.toMatch(/^500 laufen am 1\. Jan\. 2028, 0:59 Ortszeit Berlin \(UTC\+1\) ab\n5\.000 laufen nie ab$/);
			await bothSizes(page, `widget-berlin-${name === 'PostgreSQL' ? 'pg' : 'pglite'}`);
		} finally {
			await context.close();
		}
	}, 120_000);

	it('shows the account’s balance, allowances, use and store link, live, themed and localised, with the token never in a URL', async () => {
		const u = await hostUser();
		expect((await api('/api/v1/consume', { user: u.user, feature: 'generate_texts', units: 2 })).status).toBe(200);
		const url = hostPage('figures', `<quota-usage token="${u.token}"></quota-usage><quota-usage class="dark" token="${u.token}" locale="de" parts="balance,buy"></quota-usage>`);
		const { page, requests, close } = await open(url);
		const warnings: string[] = [];
		page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
		const first = widget(page);
		const before = await available(u.user);
		await expect.poll(() => first.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(before));
		await expect(first.getByText('90 used today').count()).resolves.toBe(1);
		await expect(first.getByRole('heading', { name: 'Free allowances' }).count()).resolves.toBe(1);
		await expect(first.getByRole('table', { name: 'Recent use' }).getByRole('cell', { name: '90' }).count()).resolves.toBe(1);
		const buy = first.getByRole('link', { name: 'Buy tokens' });
		// Quota's store for this user's account, its store ticket in the fragment (never sent to a server).
		expect(await buy.getAttribute('href')).toMatch(new RegExp(`^${app}/embed/store#qs_[\\w-]+\\.[\\w-]{43}$`));
		// The second element: German figures, only the parts it asked for, the host's own colours.
		const second = widget(page, 1);
		await expect.poll(() => second.locator('[part="balance"]').textContent()).toBe(shown(before, 'de-DE', 'Tokens verfügbar'));
		await expect(second.getByRole('heading').allTextContents()).resolves.toEqual([expect.stringMatching(/^Ihre Tokens/)]);
		await expect(second.getByRole('link', { name: 'Tokens kaufen' }).count()).resolves.toBe(1);
		// Polled: the widget redraws its card when its live stream connects (focus kept, widget/quota-usage.js
		// render), and a card read while it is being replaced has no computed style.
		await expect.poll(() => second.locator('[part="card"]').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(29, 34, 48)');
		// A slip in parts shows nothing of that part: the console says which, and what it takes.
		expect(warnings).toEqual([]);
		await second.evaluate((el) => el.setAttribute('parts', 'balanse,buy'));
		await expect.poll(() => warnings).toEqual(['<quota-usage>: parts has "balanse", which it does not show; it takes balance, allowances, models, usage, purchases, buy.']);
		await second.evaluate((el) => el.setAttribute('parts', 'balance,buy'));
		// No token at all: the card cannot open, and the console says what it lacks; one set right after adding it is no slip.
		warnings.length = 0;
		await page.evaluate((token) => {
			const later = document.body.appendChild(document.createElement('quota-usage'));
			later.id = 'later';
			later.setAttribute('token', token);
			document.body.appendChild(document.createElement('quota-usage')).id = 'no-token';
		}, u.token);
		await widget(page, 3).getByRole('alert').getByText('This usage view could not be opened.').waitFor();
		await expect.poll(() => widget(page, 2).locator('[part="balance"]').textContent()).toBe(shown(before));
		expect(warnings).toEqual(['<quota-usage>: no token: set token to an embed token your backend makes (POST /api/v1/embed-tokens).']);
		await page.evaluate(() => document.querySelectorAll('#later, #no-token').forEach((el) => el.remove()));

		// Live: a use elsewhere reaches the open page through the stream.
		await expect.poll(() => first.getByText('Live').count(), { timeout: 15_000 }).toBe(1);
		expect((await api('/api/v1/consume', { user: u.user, feature: 'generate_texts', units: 4 })).status).toBe(200);
		await expect.poll(() => first.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(before - 180));
		await expect.poll(() => first.getByRole('table', { name: 'Recent use' }).getByRole('cell', { name: '180' }).count(), { timeout: 10_000 }).toBe(1);

		expect(await axe(page)).toEqual([]);
		if (name === 'embedded database') await screen(page, 'widget-foreign-page-390');
		const appRequests = requests.filter((r) => r.startsWith(app));
		expect(appRequests.some((r) => r.includes('/api/v1/embed/stream'))).toBe(true);
		expect(requests.filter(carriesEmbedToken)).toEqual([]);
		await close();
	}, 120_000);

	it('from another origin, the metering API stays unreadable: only the widget’s reads answer CORS', async () => {
		const u = await hostUser();
		const { page, close } = await open(hostPage('cors', ''));
		const results = await page.evaluate(
			async ({ app, token, key, user }) => {
				const read = async (path: string, auth: string) => {
					try {
						return (await fetch(app + path, { headers: { authorization: `Bearer ${auth}` } })).status;
					} catch {
						return 'blocked';
					}
				};
				return { summary: await read('/api/v1/embed/summary', token), balance: await read(`/api/v1/balance?user=${user}`, key) };
			},
			{ app, token: u.token, key: DEMO_SITE_API_KEY, user: u.user }
		);
		expect(results).toEqual({ summary: 200, balance: 'blocked' });
		await close();
	}, 60_000);

	it('an expired token shows a clear state and no figures', async () => {
		// A token whose minutes are over (signed as the app signs them).
		const u = await hostUser();
		const expired = mintEmbedToken({ keyId: (await keyIdOf(u.token))!, kind: 'site' }, u.accountId, 60, { secret: appSecret(), now: new Date(Date.now() - 61_000) }).token;
		const counted = `<script>addEventListener('quota-usage-expired', (e) => (window.told ??= []).push(e.detail.reason))</script>`;
		const gone = await open(hostPage('expired', `${counted}<quota-usage token="${expired}"></quota-usage>`));
		await expect.poll(() => widget(gone.page).getByRole('alert').textContent(), { timeout: 15_000 }).toBe('This usage view has expired. Reload the page to see your latest figures.');
		await expect(widget(gone.page).locator('[part="balance"]').count()).resolves.toBe(0);
		// Asked once and told once: a page that fetches a new token on the event asks its backend once.
		await new Promise((r) => setTimeout(r, 1_000));
		expect(gone.requests.filter((r) => r.includes('/api/v1/embed/summary'))).toHaveLength(1);
		await expect(gone.page.evaluate(() => (window as unknown as { told?: string[] }).told)).resolves.toEqual(['expired']);
		if (name === 'embedded database') await screen(gone.page, 'widget-expired-390');
		await gone.close();
	}, 60_000);

	it('a revoked key’s widget drops its figures and says so within seconds, with nothing else changing, and stops asking', async () => {
		// A site key made in the console, revoked while its widget is open and live.
		const admin = await siteAdmin();
		const key = await admin.trpc('keys.createSite', { name: 'Widget e2e', scopes: ['read', 'consume'] });
		const v = await hostUser(key.value);
		const shown2 = await open(hostPage('revoked', `<quota-usage token="${v.token}"></quota-usage>`));
		await expect.poll(() => widget(shown2.page).locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(await available(v.user)));
		await expect.poll(() => widget(shown2.page).getByText('Live').count(), { timeout: 15_000 }).toBe(1);
		const streams = () => shown2.requests.filter((r) => r.includes('/api/v1/embed/')).length;
		const asked = streams();
		await admin.trpc('keys.revoke', { keyId: key.id });
		await expect.poll(() => widget(shown2.page).getByRole('alert').textContent(), { timeout: 5_000, interval: 100 }).toBe('This usage view is no longer available.');
		await expect(widget(shown2.page).locator('[part="balance"]').count()).resolves.toBe(0);
		// Told by its stream's last event: it asks nothing more (no reconnect, no retry).
		await new Promise((r) => setTimeout(r, 3_000));
		expect(streams()).toBe(asked);
		if (name === 'embedded database') await bothSizes(shown2.page, 'widget-revoked');
		await shown2.close();
		await admin.close();
	}, 120_000);

	it('a paused key’s widget says so within seconds; once the key is resumed, the widget loaded again shows the figures', async () => {
		const admin = await siteAdmin();
		const key = await admin.trpc('keys.createSite', { name: 'Widget e2e paused', scopes: ['read', 'consume'] });
		const v = await hostUser(key.value);
		const page = await open(hostPage('paused', `<quota-usage token="${v.token}"></quota-usage>`));
		const figures = shown(await available(v.user));
		await expect.poll(() => widget(page.page).locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(figures);
		await expect.poll(() => widget(page.page).getByText('Live').count(), { timeout: 15_000 }).toBe(1);
		await admin.trpc('keys.setPaused', { keyId: key.id, paused: true });
		await expect.poll(() => widget(page.page).getByRole('alert').textContent(), { timeout: 5_000, interval: 100 }).toBe('This usage view is no longer available.');
		await expect(widget(page.page).locator('[part="balance"]').count()).resolves.toBe(0);
		await admin.trpc('keys.setPaused', { keyId: key.id, paused: false });
		await page.page.reload();
		await expect.poll(() => widget(page.page).locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(figures);
		await expect.poll(() => widget(page.page).getByText('Live').count(), { timeout: 15_000 }).toBe(1);
		await page.close();
		await admin.close();
	}, 120_000);
});

// The demo's Paddle simulator (embedded mode only) makes the checkout a member leaves unpaid.
describe('the <quota-usage> widget’s purchases (embedded database)', () => {
	beforeAll(() => {
		app = baseURL();
	});

	it('an unpaid checkout is no purchase: the widget lists none, in any language, as the app’s lists', async () => {
		const buyer = await browser.newContext({ ...phone, baseURL: app });
		const member = await buyer.newPage();
		const run = crypto.randomUUID().slice(0, 8);
		const userId = await signUp(member, `Widget Buyer ${run}`, `widget-buyer-${run}@example.com`, 'widget-Passw0rd!');
		await member.goto('/store');
		await member.getByRole('listitem').filter({ has: member.getByRole('heading', { name: 'Token pack', exact: true }) }).getByRole('button', { name: /^Buy/ }).click();
		await member.frameLocator('iframe[title="Checkout"]').getByRole('button', { name: 'Close checkout' }).click();
		await buyer.close();

		const made = await api('/api/v1/embed-tokens', { user: userId, ttl_seconds: 600 });
		expect(made.status).toBe(201);
		const url = hostPage('unpaid', `<quota-usage token="${made.json.token}" parts="balance,purchases"></quota-usage><quota-usage token="${made.json.token}" parts="purchases" locale="de"></quota-usage>`);
		const { page, close } = await open(url);
		await expect.poll(() => widget(page).getByText('Nothing yet.').count(), { timeout: 15_000 }).toBe(1);
		await expect(widget(page).getByRole('table', { name: 'Purchases' }).count()).resolves.toBe(0);
		await expect(widget(page).getByText(/Unpaid|Pending|Token pack/).count()).resolves.toBe(0);
		await expect.poll(() => widget(page, 1).getByText('Noch nichts.').count(), { timeout: 15_000 }).toBe(1);
		expect(await axe(page)).toEqual([]);
		await close();
	}, 120_000);

	it('a purchase made in the embedded store shows in Purchases with the new balance, without a reload or another request', async () => {
		const u = await hostUser();
		const { page, requests, close } = await open(hostPage('bought', `<quota-usage token="${u.token}" parts="balance,purchases,buy"></quota-usage>`));
		const before = await available(u.user);
		await expect.poll(() => widget(page).locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(before));
		await expect.poll(() => widget(page).getByText('Live').count(), { timeout: 15_000 }).toBe(1);
		await expect(widget(page).getByText('Nothing yet.').count()).resolves.toBe(1);
		const summaries = () => requests.filter((r) => r.endsWith('/api/v1/embed/summary')).length;
		const asked = summaries();
		// Every picture the widget draws from now on: its balance, and whether Purchases lists any.
		await widget(page).evaluate((w) => {
			const drawn: [string | null | undefined, boolean][] = ((window as unknown as { drawn: typeof drawn }).drawn = []);
			new MutationObserver(() => drawn.push([w.shadowRoot!.querySelector('[part="balance"]')?.textContent, !!w.shadowRoot!.querySelector('[aria-label="Purchases"] table')])).observe(w.shadowRoot!, { childList: true, subtree: true });
		});
		const [store] = await Promise.all([page.context().waitForEvent('page'), widget(page).getByRole('link', { name: 'Buy tokens' }).click()]);
		await store.getByRole('listitem').filter({ has: store.getByRole('heading', { name: 'Token pack', exact: true }) }).getByRole('button', { name: 'Buy · $5.00' }).click();
		const sheet = store.frameLocator('iframe[title="Checkout"]');
		await sheet.getByLabel('Email').fill('buyer@example.com');
		await sheet.locator('button:enabled', { hasText: 'Pay $5.00' }).click();
		await store.getByRole('status', { name: 'Purchase status' }).getByText('Tokens added: +5,000').waitFor({ timeout: 20_000 });
		// The balance and the purchase that made it come together, as the app's Purchases has it at once.
		await expect.poll(() => widget(page).locator('[part="balance"]').textContent(), { timeout: 15_000, interval: 50 }).toBe(shown(before + 5000));
		await expect(widget(page).getByRole('region', { name: 'Purchases' }).innerText()).resolves.toContain('5,000 tokens · Completed');
		// Never the new balance beside "Nothing yet.": the stream's event brings both, and the summary is not asked again.
		const drawn = (await page.evaluate(() => (window as unknown as { drawn: [string, boolean][] }).drawn)).filter(([balance]) => balance === shown(before + 5000));
		expect(drawn.length).toBeGreaterThan(0);
		expect(drawn.filter(([, listed]) => !listed)).toEqual([]);
		await new Promise((r) => setTimeout(r, 1_000));
		expect(summaries()).toBe(asked);
		await page.bringToFront();
		await bothSizes(page, 'widget-purchase-live');
		await close();
	}, 120_000);
});

// Maya (the demo's seeds): three model allocations, Claude Sonnet 4.5 unlimited, a general balance part of
// which (the referral bonus) expires and the rest never does, and a month of uses on named models.
describe('the <quota-usage> widget says what the dashboard says (embedded database)', () => {
	beforeAll(() => {
		app = baseURL();
	});

	it('Available with the dashboard’s figure and unlimited model, what of the general balance expires when, and the models’ names', async () => {
		const { context, page: dash } = await openAs(browser, maya.email);
		await waitForFresh(dash);
		const id = ((await dash.evaluate(async () => (await fetch('/trpc/me.profile')).json())) as { result: { data: { id: string } } }).result.data.id;
		const card = (label: string) => dash.getByRole('region', { name: 'Summary' }).locator('.stat', { has: dash.getByText(label, { exact: true }) });
		const figure = (await card('Available').locator('.value').innerText()).trim();
		const note = (await card('Available').locator('.sub').innerText()).trim();
		expect(note).toMatch(/^\+ 1 unlimited model/);
		const made = await api('/api/v1/embed-tokens', { user: id, ttl_seconds: 600 });
		expect(made.status).toBe(201);
		const { page, close } = await open(hostPage('maya', `<quota-usage token="${made.json.token}"></quota-usage>`));
		const w = widget(page);
		// The dashboard's Available, not "Unlimited": one model's unlimited lot leaves every other model counted.
		await expect.poll(() => w.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(`${figure}tokens available`);
		await expect(w.locator('.sub').first().innerText()).resolves.toMatch(new RegExp(`^\\+ 1 unlimited model · `));
		// The general balance: the part that expires with its date, the rest "never expire", as the dashboard's parts say.
		const general = w.getByRole('table', { name: 'Allocations' }).getByRole('row').filter({ hasText: 'General balance' });
		const ends = (await general.getByRole('cell').nth(1).innerText()).split('\n');
		expect(ends).toHaveLength(2);
		// A moment, with its zone named as the app names it (lib/zone-name.ts), as resets and the app's expiries are.
		expect(ends[0]).toMatch(/^[\d,]+ expire [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}\s[AP]M (UTC|[A-Z][\w .'-]* time \(UTC[+\u2212]\d{1,2}(:\d\d)?\))$/);
		expect(ends[1]).toMatch(/^[\d,]+ never expire$/);
		const left = Number((await general.getByRole('cell').nth(2).innerText()).replaceAll(',', ''));
		expect(ends.map((e) => Number(e.split(' ')[0]!.replaceAll(',', ''))).reduce((a, b) => a + b)).toBe(left);
		// Recent use names its models as Allocations does; no model's key shows.
		const use = await w.getByRole('table', { name: 'Recent use' }).innerText();
		expect(use).toMatch(/GPT-5 Nano|Claude Sonnet 4\.5|Text Embedding/);
		expect(use).not.toMatch(/gpt-5-nano|claude-sonnet-4-5|text-embedding-3-small/);
		expect(await axe(page)).toEqual([]);
		await bothSizes(page, 'widget-maya');
		await close();
		await context.close();
	}, 120_000);
});

/** The demo's site admin, signed in on the app, calling its tRPC API (keys.createSite, keys.revoke, keys.setPaused). */
async function siteAdmin() {
	const context = await browser.newContext({ ...phone, baseURL: app });
	const page = await context.newPage();
	await signInByForm(page, 'admin@quota.test', '/admin');
	const trpc = (path: string, input: unknown) =>
		page.evaluate(
			async ({ path, input }) => (await (await fetch(`/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })).json()).result.data,
			{ path, input }
		);
	return { trpc, close: () => context.close() };
}

describe('the widget and the app on an account with nothing to spend', () => {
	beforeAll(() => {
		app = baseURL();
	});

	it('both say "No tokens yet" for a team pool never granted any, and "No tokens left" once it spent what it had', async () => {
		const owner = await ownUser(browser, 'Yara Empty', 0);
		const res = await owner.page.request.post('/trpc/team.create', { data: { name: `Empty pool ${crypto.randomUUID().slice(0, 6)}` } });
		const team = (await res.json()).result.data as { id: string };
		const made = await api('/api/v1/embed-tokens', { team: team.id, ttl_seconds: 600 });
		expect(made.status).toBe(201);
		const { page, close } = await open(hostPage('empty-pool', `<quota-usage token="${made.json.token}" parts="balance"></quota-usage>`));
		const sub = widget(page).locator('p.sub');
		const badge = owner.page.getByText(/^No tokens (yet|left)$/);
		try {
			await expect.poll(() => sub.textContent(), { timeout: 15_000 }).toMatch(/^No tokens yet · /);
			await owner.page.goto('/team');
			await expect.poll(() => badge.textContent()).toBe('No tokens yet');
			await screen(page, 'widget-no-tokens-yet');

			// 400 tokens, spent on 10 images (40 tokens each): the pool had tokens, and has none left.
			expect((await siteApi('grants', { team: team.id, tokens: 400, source: 'bonus' })).status).toBe(201);
			expect((await siteApi('consume', { team: team.id, feature: 'image_generation', units: 10 })).status).toBe(200);
			await expect.poll(() => sub.textContent(), { timeout: 15_000 }).toMatch(/^No tokens left · /);
			await owner.page.reload();
			await expect.poll(() => badge.textContent()).toBe('No tokens left');
			await screen(page, 'widget-no-tokens-left');
		} finally {
			await close();
			await owner.context.close();
		}
	});
});

describe('the widget on a team pool, for the member viewing it', () => {
	beforeAll(() => {
		app = baseURL();
	});

	it('says what the member can spend, as their dashboard does: what their cap leaves, the pool’s figure beside it, the cap’s line', async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Widget Pool', 'Wren Owner', 'Wes Member', 5_000);
		const line = 'Your daily cap in this team: 1,000 of 1,000 tokens left today';
		try {
			await call(owner.page, 'team.setCap', { teamId: team.id, userId: member.id, period: 'daily', limitTokens: 1_000 });
			const named = await api('/api/v1/embed-tokens', { team: team.id, member: member.id, ttl_seconds: 600 });
			const pool = await api('/api/v1/embed-tokens', { team: team.id, ttl_seconds: 600 });
			expect([named.status, pool.status]).toEqual([201, 201]);
			const { page, close } = await open(hostPage('team-member', `<quota-usage token="${named.json.token}"></quota-usage><quota-usage token="${pool.json.token}" parts="balance"></quota-usage>`));
			try {
				const mine = widget(page);
				await expect.poll(() => mine.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(1_000));
				await mine.getByText('of 5,000 in the pool').waitFor();
				await mine.getByText(line, { exact: true }).waitFor();
				// The pool alone, as a token that names no member reads it.
				await expect.poll(() => widget(page, 1).locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(5_000));
				// Both say whose tokens these are, the team's pool, the member's view too: not "Your tokens" (a team named "… Pool" is its pool's name as it stands, not "Widget Pool pool").
				for (const n of [0, 1]) await expect(widget(page, n).locator('[part="title"]').textContent()).resolves.toMatch(/^Widget Pool(Live)?$/);
				expect(await axe(page)).toEqual([]);
				await screen(page, 'widget-team-member-390');
			} finally {
				await close();
			}
			// The member's own dashboard, on that pool, says the same.
			await member.page.goto('/dashboard');
			await waitForFresh(member.page);
			await member.page.getByRole('radio', { name: /Widget Pool/ }).click();
			await member.page.getByText(line, { exact: true }).waitFor();
			await member.page.getByText('of 5,000 in the pool').first().waitFor();
			// Someone not in the team cannot be named.
			const outsider = await api('/api/v1/embed-tokens', { team: team.id, member: `widget-e2e-${crypto.randomUUID().slice(0, 8)}` });
			expect({ status: outsider.status, field: Object.keys(outsider.json.details.fieldErrors) }).toEqual({ status: 422, field: ['member'] });
		} finally {
			await Promise.all([owner.context.close(), member.context.close()]);
		}
	}, 120_000);

	it('a member removed from the team: their widget drops the pool’s figures within seconds and says so', async () => {
		const { owner, member, team, call } = await ownTeam(browser, 'Widget Leavers', 'Lena Owner', 'Luca Member', 5_000);
		try {
			const named = await api('/api/v1/embed-tokens', { team: team.id, member: member.id, ttl_seconds: 600 });
			expect(named.status).toBe(201);
			const { page, close } = await open(hostPage('team-member-removed', `<quota-usage token="${named.json.token}"></quota-usage>`));
			try {
				const mine = widget(page);
				await expect.poll(() => mine.locator('[part="balance"]').textContent(), { timeout: 15_000 }).toBe(shown(5_000));
				await expect.poll(() => mine.getByText('Live').count(), { timeout: 15_000 }).toBe(1);
				const store = (await mine.getByRole('link', { name: 'Buy tokens' }).getAttribute('href'))!;
				await call(owner.page, 'team.removeMember', { teamId: team.id, userId: member.id });
				await expect.poll(() => mine.getByRole('alert').textContent(), { timeout: 5_000, interval: 100 }).toBe('This member is no longer in the team.');
				await expect(mine.locator('[part="balance"]').count()).resolves.toBe(0);
				await screen(page, 'widget-member-removed-390');
				// Its store link, opened now, says the same: not a general refusal.
				await page.goto(store);
				const refusal = page.getByRole('alert');
				await expect.poll(() => refusal.locator('.headline').textContent(), { timeout: 15_000 }).toBe('This member is no longer in the team.');
				await expect(refusal.innerText()).resolves.toContain('This store link no longer works: you are no longer in the team.');
				await screen(page, 'embed-store-member-removed-390');
			} finally {
				await close();
			}
		} finally {
			await Promise.all([owner.context.close(), member.context.close()]);
		}
	}, 120_000);
});

/** The site key id inside an embed token (the token is signed, not secret). */
async function keyIdOf(token: string) {
	return Buffer.from(token.slice(3).split('.')[0]!, 'base64url').toString().split('.')[0];
}
