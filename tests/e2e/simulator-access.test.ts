import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, phoneContext, screenshot } from './browser';
import { sessionCookies } from './app';
import { baseURL } from './browser';

// The local Paddle simulator plays Paddle's checkout for the buyer and Paddle's dashboard for the
// seller: each side only for its own people, and a refund only once.

let browser: Browser;
const cookie: Record<string, string> = {};
beforeAll(async () => {
	browser = await launch();
	for (const email of ['maya@quota.test', 'leo@quota.test', 'admin@quota.test']) {
		cookie[email] = sessionCookies(email).map((c) => `${c.name}=${c.value}`).join('; ');
	}
});
afterAll(async () => browser?.close());

/** A request as the signed-in `who` (or nobody), from the app's own pages. */
function as(who: string | null, path: string, init: { method?: string; body?: unknown } = {}) {
	return fetch(`${baseURL()}${path}`, {
		method: init.method ?? 'GET',
		headers: {
			...(who ? { cookie: cookie[who]! } : {}),
			...(init.method === 'POST' ? { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' } : {})
		},
		body: init.method === 'POST' ? JSON.stringify(init.body ?? {}) : undefined
	});
}

/** Maya starts a checkout for one Token pack, as the store page does; returns Paddle's transaction id. */
async function mayaStartsCheckout(): Promise<string> {
	const front = await (await as('maya@quota.test', '/trpc/store.front')).json();
	const pack = front.result.data.offers.find((o: { name: string }) => o.name === 'Token pack');
	const res = await as('maya@quota.test', '/trpc/store.checkout', { method: 'POST', body: { productId: pack.id, quantity: 1 } });
	expect(res.status).toBe(200);
	return (await res.json()).result.data.transactionId;
}

const sim = (id: string, action = '') => `/api/paddle-simulator/transactions/${id}${action ? `/${action}` : ''}`;

describe('Paddle simulator access', () => {
	it("a checkout is the buyer's alone: others get the same 404 as for no transaction, nobody signed in gets 401", async () => {
		const txn = await mayaStartsCheckout();
		expect((await as(null, sim(txn))).status).toBe(401);
		const other = await as('leo@quota.test', sim(txn));
		const unknown = await as('leo@quota.test', sim('txn_01nosuchtransaction000000'));
		expect(other.status).toBe(404);
		expect(unknown.status).toBe(404);
		expect((await as('leo@quota.test', sim(txn, 'pay'), { method: 'POST' })).status).toBe(404);
		expect((await as('leo@quota.test', `/paddle-simulator/checkout/${txn}`)).status).toBe(404);
		// A site admin is the seller, not the buyer: they cannot pay for Maya either.
		expect((await as('admin@quota.test', sim(txn, 'pay'), { method: 'POST' })).status).toBe(404);

		const summary = await as('maya@quota.test', sim(txn));
		expect(summary.status).toBe(200);
		expect(await summary.json()).toMatchObject({ id: txn, status: 'ready', name: 'Token pack' });
		expect((await as('maya@quota.test', `/paddle-simulator/checkout/${txn}`)).status).toBe(200);
	});

	it("the seller's actions need a site admin; a refunded transaction shows as refunded and cannot be refunded again", async () => {
		const txn = await mayaStartsCheckout();
		expect((await as('maya@quota.test', sim(txn, 'pay'), { method: 'POST' })).status).toBe(200);
		expect((await as('maya@quota.test', sim(txn, 'refund'), { method: 'POST' })).status).toBe(403);

		const refund = await as('admin@quota.test', sim(txn, 'refund'), { method: 'POST' });
		expect(refund.status).toBe(200);
		expect(await refund.json()).toEqual([
			{ eventType: 'adjustment.created', status: 200 },
			{ eventType: 'adjustment.updated', status: 200 }
		]);
		const again = await as('admin@quota.test', sim(txn, 'refund'), { method: 'POST' });
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: 'conflict', message: 'This transaction is already refunded.' });
		expect((await as('admin@quota.test', sim(txn, 'chargeback'), { method: 'POST' })).status).toBe(409);

		const context = await phoneContext(browser);
		await context.addCookies(sessionCookies('admin@quota.test'));
		const page = await context.newPage();
		// The server's page is the one the seller sees: Svelte takes it over, it does not draw it again.
		const warnings: string[] = [];
		page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
		await page.goto('/paddle-simulator');
		await page.waitForLoadState('networkidle');
		expect(warnings.filter((w) => w.includes('hydration_mismatch'))).toEqual([]);
		const card = page.getByRole('listitem').filter({ hasText: txn });
		await expect(card.getByText('completed · refunded').isVisible()).resolves.toBe(true);
		expect(await card.getByRole('button').count()).toBe(0);
		// Whose it is, as Paddle's dashboard names the customer: the buyer's account, linked to its console page.
		const buyer = card.getByRole('link', { name: 'Maya Patel', exact: true });
		await expect(buyer.getAttribute('href')).resolves.toMatch(/^\/admin\/users\/[0-9a-f-]{36}$/);
		await expect(card.getByText(/^For Maya Patel$/).count()).resolves.toBe(1);
		await screenshot(page, 'paddle-simulator-refunded');
		await context.close();
	});
	it('the seller refunds part of a transaction on the page, as in Paddle: the amount typed goes back, the rest can follow in parts, a full refund no more', async () => {
		const txn = await mayaStartsCheckout();
		expect((await as('maya@quota.test', sim(txn, 'pay'), { method: 'POST' })).status).toBe(200);
		// A member is no seller; more than the transaction's $5.00 is refused.
		expect((await as('maya@quota.test', sim(txn, 'refund-part'), { method: 'POST', body: { cents: 125 } })).status).toBe(403);
		const tooMuch = await as('admin@quota.test', sim(txn, 'refund-part'), { method: 'POST', body: { cents: 501 } });
		expect(tooMuch.status).toBe(422);
		expect(await tooMuch.json()).toMatchObject({ error: 'invalid_input', message: 'A partial refund is from $0.01 to $5.00, what is left of this transaction.' });

		const context = await phoneContext(browser);
		await context.addCookies(sessionCookies('admin@quota.test'));
		const page = await context.newPage();
		await page.goto('/paddle-simulator');
		const card = page.getByRole('listitem').filter({ hasText: txn });
		await card.getByLabel('Refund part, in USD (up to $5.00)').fill('1.25');
		await card.getByRole('button', { name: 'Refund part' }).click();
		await page.getByRole('status').getByText('Refund $1.25: sent adjustment.created (200), adjustment.updated (200)').waitFor();
		await card.getByText('Partly refunded: $1.25 paid back so far.').waitFor();
		await expect(card.getByText('completed · partly refunded').isVisible()).resolves.toBe(true);
		await expect(card.getByLabel('Refund part, in USD (up to $3.75)').isVisible()).resolves.toBe(true);
		expect(await card.getByRole('button').allInnerTexts()).toEqual(['Chargeback', 'Refund part']);
		await screenshot(page, 'paddle-simulator-partial-refund');
		await context.close();

		// The buyer's Purchases says what came back of it, beside what it cost.
		const buyer = await phoneContext(browser);
		await buyer.addCookies(sessionCookies('maya@quota.test'));
		const purchases = await buyer.newPage();
		await purchases.goto('/purchases');
		const row = purchases.getByRole('listitem').filter({ hasText: 'Partly refunded' }).filter({ hasText: '$1.25 paid back' });
		await row.first().waitFor();
		await expect(row.first().innerText()).resolves.toMatch(/Token pack[\s\S]*Partly refunded[\s\S]*\$5\.00\s+\$1\.25 paid back/);
		await screenshot(purchases, 'purchases-partly-refunded');
		await buyer.close();
	});
});
