import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, phoneContext, screenshot } from './browser';
import { spawnSync } from 'node:child_process';
import { axe, disclosuresWithoutSign, screen } from './app';
import { DEMO_SITE_API_KEY } from './server';
import { examples, givenVariable, type Example } from '../../src/routes/developers/examples';
import { randomUUID } from 'node:crypto';
import { domainEventTypes } from '../../src/lib/server/domain-events';

let browser: Browser;

/**
 * What a reader sets before an example that names a path parameter (`given`), as `NAME=value`: a
 * settle or release closes a hold made just now for wp-42 (as the holds example makes one); the end of
 * a grant ends the lot a grant to wp-42 made just now (through the API, the grants example's body);
 * none for the other examples.
 */
async function givenFor(page: Page, e: Example): Promise<Record<string, string>> {
	if (!e.given) return {};
	if (e.given.param === 'hold_id') {
		const hold = await page.request.post('/api/v1/holds', {
			headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'idempotency-key': randomUUID() },
			data: { user: 'wp-42', feature: 'ai_bots', max_tokens: 2000, ttl_seconds: 120 }
		});
		expect(hold.status(), await hold.text()).toBe(201);
		return { [givenVariable(e.given)]: (await hold.json()).hold_id };
	}
	const res = await page.request.post('/api/v1/grants', {
		headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}`, 'idempotency-key': randomUUID() },
		data: examples.find((x) => x.id === 'grants')!.body
	});
	expect(res.status(), await res.text()).toBe(201);
	return { [givenVariable(e.given)]: (await res.json()).lot_id };
}

beforeAll(async () => {
	browser = await launch();
});
afterAll(async () => browser?.close());

describe('API docs page on a phone', () => {
	it('shows every endpoint with curl and fetch examples for this server, readable without sideways page scroll', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		expect((await page.goto('/developers'))?.status()).toBe(200);
		// Whoever signs in is a user ("member" is a team's role): they make account keys and set their own alert steps.
		await expect(page.getByText(/An account key \(a user makes it in Settings → API keys\)/).count()).resolves.toBe(1);
		await expect(page.getByText(/a user sets their own in Settings, as shares or numbers of tokens/).count()).resolves.toBe(1);
		// What makes a new host id a user, as the integration kit says: every request that needs one, the event stream too.
		const auth = (await page.locator('#auth').textContent())!.replace(/\s+/g, ' ');
		expect(auth).toContain("from the first request that needs one and succeeds: a consume, hold or grant, an embed token for the widget, or a key's event stream, GET /api/v1/stream?user=…;");
		for (const title of ['Read a balance', 'Consume tokens', 'Hold tokens while a reply streams', 'Grant bonus tokens (site keys)', 'End a grant now (site keys)', 'Read the usage history']) {
			expect(await page.getByRole('heading', { name: title }).isVisible()).toBe(true);
		}
		const origin = new URL(page.url()).origin;
		// Beyond REST: how to install the SDK (it is not on the registry), the widget with this server's script, and how to verify a webhook.
		for (const title of ['TypeScript SDK', 'Usage widget for your pages', 'Webhooks to your backend']) {
			expect(await page.getByRole('heading', { name: title }).isVisible()).toBe(true);
		}
		expect(await page.getByLabel('shell: install the SDK').textContent()).toContain('npm install /path/to/quota/sdk/quota-sdk-');
		expect(await page.getByLabel('HTML: show the widget').textContent()).toContain(`<script src="${origin}/embed/quota-usage.js" defer></script>`);
		expect(await page.getByLabel('Node: verify a webhook by hand').textContent()).toContain("createHmac('sha256', key).update(`${id}.${timestamp}.${body}`)");
		// How a host site follows usage without a webhook per consume: each answer's remaining, the history, the live stream, the threshold events.
		const following = page.getByRole('region', { name: 'Following usage' });
		const said = (await following.textContent())!;
		for (const part of ['no webhook per consume', 'remaining', 'GET /api/v1/usage', 'next_cursor', 'GET /api/v1/stream', 'Last-Event-ID']) expect(said).toContain(part);
		for (const type of ['balance.low', 'balance.depleted', 'allowance.exhausted']) {
			expect(said).toContain(type);
			expect(domainEventTypes).toContain(type);
		}
		await following.scrollIntoViewIfNeeded();
		await screen(page, 'developers-following-usage');
		// Each endpoint says what the OpenAPI document says of it: consume requires an Idempotency-Key, check takes none and cannot answer its refusals.
		expect(await page.locator('#consume').getByText('Idempotency-Key: required').isVisible()).toBe(true);
		expect(await page.locator('#check').getByText('Idempotency-Key:').count()).toBe(0);
		const checkRefusals = await page.locator('#check details.refusals').textContent();
		expect(checkRefusals).toContain('unknown_feature');
		expect(checkRefusals).not.toContain('idempotency_key');
		// Every route can answer 503 when the database does not answer in time: its list says so, as the table of every code does.
		expect(checkRefusals).toContain('503 unavailable');
		expect(await page.locator('#consume details.refusals').textContent()).toContain('503 unavailable');
		expect(await page.locator('#errors').textContent()).toContain('fewer tokens left than the request needs');
		const consumeCurl = await page.locator('#consume pre').first().textContent();
		expect(consumeCurl).toContain(`curl -sS -X POST "${origin}/api/v1/consume"`);
		expect(consumeCurl).toContain('Idempotency-Key: $(openssl rand -hex 16)');
		// Ending a grant: beside the grants example, its lot from the grant's answer, set as the key is.
		const end = page.locator('#grants-end');
		expect(await page.evaluate(() => document.querySelector('#grants')?.nextElementSibling?.id)).toBe('grants-end');
		expect(await end.locator('.route').textContent()).toBe('POST /api/v1/grants/{lot_id}/end');
		expect(await end.getByText('Set LOT_ID to the lot_id a grant answered').isVisible()).toBe(true);
		expect(await end.locator('pre').first().textContent()).toContain(`curl -sS -X POST "${origin}/api/v1/grants/$LOT_ID/end"`);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		// Every section fits the screen; only the code blocks scroll sideways.
		const widest = await page.evaluate(() => Math.max(...[...document.querySelectorAll('main > *')].map((el) => el.getBoundingClientRect().right)));
		expect(widest).toBeLessThanOrEqual(390);
		const violations = await axe(page);
		expect(violations).toEqual([]);
		await screen(page, 'developers-first-screen');
		await page.locator('#consume').scrollIntoViewIfNeeded();
		await screen(page, 'developers-consume');
		await end.scrollIntoViewIfNeeded();
		await screen(page, 'developers-grants-end');
		await screenshot(page, 'developers');
		await context.close();
	});

	it('shows that each closed section opens (its disclosure triangle), on a phone and on a desktop', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		try {
			await page.goto('/developers');
			for (const width of [390, 1280]) {
				await page.setViewportSize({ width, height: width === 390 ? 844 : 800 });
				expect(await page.locator('details.refusals').count()).toBeGreaterThan(5);
				expect(await disclosuresWithoutSign(page)).toEqual([]);
				await page.locator('#consume details.refusals').scrollIntoViewIfNeeded();
				await screenshot(page, `developers-refusals-${width}`, { firstScreen: true });
			}
			// A thumb can still open it: the summary is a 44 px target.
			const summary = page.locator('#consume details.refusals summary');
			expect((await summary.boundingBox())!.height).toBeGreaterThanOrEqual(44);
			await summary.click();
			expect(await page.locator('#consume details.refusals').getAttribute('open')).not.toBeNull();
			await page.setViewportSize({ width: 390, height: 844 });
			await summary.scrollIntoViewIfNeeded();
			await screenshot(page, 'developers-refusals-open', { firstScreen: true });
		} finally {
			await context.close();
		}
	});

	it('every curl example runs as copied, in bash and in zsh, after the export line the page shows', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto('/developers');
		const exportLine = (await page.getByLabel('shell: set your key').textContent())!.trim();
		expect(exportLine).toMatch(/^export QUOTA_API_KEY=qk_\w+$/);
		// The reader puts their own key where the page's placeholder is.
		const setKey = exportLine.replace(/=.*/, `=${DEMO_SITE_API_KEY}`);
		const shells = ['bash', 'zsh'].filter((sh) => spawnSync('sh', ['-c', `command -v ${sh}`]).status === 0);
		if (process.env.CI) expect(shells).toEqual(['bash', 'zsh']);
		expect(shells).toContain('bash');
		for (const e of examples) {
			const copied = (await page.locator(`#${e.id} pre[aria-label="curl example"]`).textContent())!;
			for (const shell of shells) {
				const given = Object.entries(await givenFor(page, e)).map(([name, value]) => `export ${name}=${value}\n`).join('');
				const run = spawnSync(shell, ['-c', `${setKey}\n${given}${copied}`], { encoding: 'utf8', timeout: 20_000 });
				expect(run.stderr, `${e.id} in ${shell}`).toBe('');
				const answer = JSON.parse(run.stdout);
				// The same fields as the answer the page documents (a refusal would be {error, message}).
				expect(Object.keys(answer).sort(), `${e.id} in ${shell}: ${run.stdout}`).toEqual(Object.keys(e.response.body as object).sort());
			}
		}
		await context.close();
	});

	it('every fetch example runs as copied in Node, with the documented status', async () => {
		const context = await phoneContext(browser);
		const page = await context.newPage();
		await page.goto('/developers');
		for (const e of examples) {
			const copied = (await page.locator(`#${e.id} pre[aria-label="fetch example"]`).textContent())!;
			const run = spawnSync(process.execPath, ['--input-type=module', '-e', `${copied}\nconsole.log(JSON.stringify({ status: res.status, data }));`], {
				encoding: 'utf8',
				timeout: 20_000,
				env: { PATH: process.env.PATH, QUOTA_API_KEY: DEMO_SITE_API_KEY, ...(await givenFor(page, e)) }
			});
			expect(run.stderr, e.id).toBe('');
			const { status, data } = JSON.parse(run.stdout);
			expect(status, `${e.id}: ${JSON.stringify(data)}`).toBe(e.response.status);
			expect(Object.keys(data).sort()).toEqual(Object.keys(e.response.body as object).sort());
		}
		await context.close();
	});

	it('its examples work: the documented consume answers as shown', async () => {
		const context = await phoneContext(browser);
		const res = await context.request.get('/api/v1/openapi.json');
		expect(res.status()).toBe(200);
		expect((await res.json()).paths['/api/v1/consume'].post.parameters[0].name).toBe('Idempotency-Key');
		await context.close();
	});
});
