// The store a host site's user reaches from the widget's "Buy tokens" (/embed/store): the summary's
// store_url carries a store ticket for the embed token's one account; with it the page lists the
// packages and starts checkouts for that account only, and a paid checkout credits it.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { eq, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { expectInvariants, configureRates, makeTeamWithMember } from '../helpers/ledger';
import { delivered, setUpCatalog, simulatorFor, startWebhookServer } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { teams } from '../../src/lib/server/db/schema';
import { authenticateApiKey, ensureSiteKey } from '../../src/lib/server/accounts';
import { embedCheckout, mintEmbedToken, readStoreTicket, STORE_TICKET_SECONDS } from '../../src/lib/server/embed';
import { balances, setCap, viewerAvailableRead } from '../../src/lib/server/ledger';
import { readOne } from '../../src/lib/server/db/reads';
import { paymentProvider } from '../../src/lib/server/store';

let db: Db;
let site: string;
let hook: Awaited<ReturnType<typeof startWebhookServer>>;
let paddle: ReturnType<typeof simulatorFor>;
beforeAll(async () => {
	({ db, site } = await openRestApi({ prepare: async (d) => (await configureRates(d), await setUpCatalog(d)) }));
	hook = await startWebhookServer(db);
	paddle = simulatorFor(db, hook.url);
});
afterAll(async () => {
	await hook?.close();
	await db?.close();
});

let n = 0;
/** A host site's user (known to Quota only by the host's id), with `tokens` granted by the site key. */
async function hostUser(tokens = 100) {
	const user = `wp-${backend}-${++n}-${Date.now()}`;
	const g = await callJson('/api/v1/grants', { headers: bearer(site, { 'idempotency-key': `g-${user}` }), body: { user, tokens, source: 'bonus' } });
	expect(g.status).toBe(201);
	const [row] = await db.rows<{ id: string; account_id: string }>(sql`select id, account_id from users where external_id = ${user}`);
	return { user, userId: row!.id, accountId: row!.account_id };
}

/** What the widget does: an embed token from the host's backend, then the summary, whose store_url is the Buy tokens link. */
async function storeLinkFor(user: string, key = site) {
	const made = await callJson('/api/v1/embed-tokens', { headers: bearer(key), body: { user, ttl_seconds: 120 } });
	expect(made.status).toBe(201);
	const s = await callJson('/api/v1/embed/summary', { headers: bearer(made.json.token) });
	expect(s.status).toBe(200);
	const url = new URL(s.json.store_url as string);
	return { url, ticket: url.hash.slice(1), token: made.json.token as string, expiresAt: Date.parse(made.json.expires_at) };
}

const front = (ticket: string) => callJson('/embed/store/front', { headers: bearer(ticket) });
const available = async (accountId: string) => (await balances(db.orm, accountId)).available;

describe(`the embedded store on ${backend}`, () => {
	it('the Buy tokens link is /embed/store with a store ticket in its fragment, good until 30 minutes after the embed token', async () => {
		const a = await hostUser();
		const { url, ticket, token, expiresAt } = await storeLinkFor(a.user);
		expect(url.pathname).toBe('/embed/store');
		expect(url.search).toBe('');
		expect(ticket).toMatch(/^qs_[\w-]+\.[\w-]{43}$/);
		expect(url.href).not.toContain(token);
		const grant = await readStoreTicket(db, ticket);
		expect(grant.accountId).toBe(a.accountId);
		expect(grant.expiresAt.getTime()).toBe(Math.floor(expiresAt / 1000) * 1000 + STORE_TICKET_SECONDS * 1000);
		// Neither kind of token passes for the other.
		expect((await front(token)).json).toMatchObject({ error: 'unauthorized', details: { reason: 'invalid' } });
		expect((await callJson('/api/v1/embed/summary', { headers: bearer(ticket) })).json).toMatchObject({ error: 'unauthorized', details: { reason: 'invalid' } });
	});

	it('lists the packages for sale (as the member store does), the tokens available and no plan held', async () => {
		const a = await hostUser(250);
		const { ticket } = await storeLinkFor(a.user);
		const res = await front(ticket);
		expect(res.status).toBe(200);
		expect(res.headers.get('cache-control')).toBe('no-store');
		expect(res.json).toMatchObject({ available: 250, heldPlans: [] });
		const provider = await paymentProvider();
		// The simulator sells the demo catalog; with no payment provider (PostgreSQL runs) nothing is for sale.
		if (provider) expect((res.json.offers as { id: string }[]).map((o) => o.id)).toContain('tokens-5k');
		else expect(res.json).toMatchObject({ offers: [], checkout: null });
	});

	it("says whose pool a team pool's store sells for (the tokens bought are the team's, not the member's own); a user's own says none", async () => {
		const { team, member } = await makeTeamWithMember(db, 300);
		await db.orm.update(teams).set({ name: 'Acme Studio' }).where(eq(teams.id, team.teamId));
		const made = await callJson('/api/v1/embed-tokens', { headers: bearer(site), body: { team: team.teamId, member: member.userId } });
		expect(made.status, JSON.stringify(made.json)).toBe(201);
		const summary = await callJson('/api/v1/embed/summary', { headers: bearer(made.json.token) });
		const ticket = new URL(summary.json.store_url as string).hash.slice(1);
		expect((await front(ticket)).json).toMatchObject({ available: 300, pool: 'Acme Studio' });
		const own = await storeLinkFor((await hostUser(5)).user);
		expect((await front(own.ticket)).json).toMatchObject({ available: 5, pool: null });
	});

	it('a ticket for user A buys for A’s account only, a paid checkout credits A (not B), and A’s order is hidden from B’s ticket', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const a = await hostUser(100);
		const b = await hostUser(100);
		const ticketA = (await storeLinkFor(a.user)).ticket;
		const ticketB = (await storeLinkFor(b.user)).ticket;
		const grantA = await readStoreTicket(db, ticketA);
		const started = await embedCheckout(db, paddle, grantA, { productId: 'tokens-5k', quantity: 2, checkoutKey: 'k-1' });
		expect(started.customerEmail).toBeNull();
		const [order] = await db.rows<{ account_id: string; user_id: string | null; quantity: number }>(sql`select account_id, user_id, quantity from orders where id = ${started.orderId}::uuid`);
		expect(order).toEqual({ account_id: a.accountId, user_id: a.userId, quantity: 2 });
		// A retry with the same key answers the same order.
		expect((await embedCheckout(db, paddle, grantA, { productId: 'tokens-5k', quantity: 2, checkoutKey: 'k-1' })).orderId).toBe(started.orderId);

		expect((await callJson(`/embed/store/orders/${started.orderId}`, { headers: bearer(ticketA) })).json).toMatchObject({ purchase: { status: 'pending' }, balance: null });
		delivered(await paddle.pay(started.transactionId));
		const progress = await callJson(`/embed/store/orders/${started.orderId}`, { headers: bearer(ticketA) });
		expect(progress.json).toMatchObject({ purchase: { status: 'completed', tokens: 10_000 }, balance: 10_100 });
		expect(await available(a.accountId)).toBe(10_100);
		expect(await available(b.accountId)).toBe(100);
		// B's ticket cannot see A's order: answered like an unknown id.
		const other = await callJson(`/embed/store/orders/${started.orderId}`, { headers: bearer(ticketB) });
		expect(other).toMatchObject({ status: 404, json: { error: 'not_found' } });
		await expectInvariants(db);
	});

	it('a user a daily cap binds is told in the widget and the store what their dashboard says they can spend, the account’s figure named; uncapped, the account’s', async () => {
		const a = await hostUser(91_900);
		await setCap(db.orm, { accountId: a.accountId, period: 'daily', limitTokens: 5_000 });
		const used = await callJson('/api/v1/consume', { headers: bearer(site, { 'idempotency-key': `c-${a.user}` }), body: { user: a.user, feature: 'search_images', units: 3 } });
		expect(used.status).toBe(200);
		// Their dashboard's Available card: 4,970 of the account's 91,870, with the cap's line.
		const dashboard = await readOne(db.orm, viewerAvailableRead(a.accountId, a.userId));
		const capBound = { tokens: 4_970, sub: 'of 91,870 in the account', line: 'Your daily cap: 4,970 of 5,000 tokens left today' };
		expect(dashboard.capBound).toEqual(capBound);

		const { ticket, token } = await storeLinkFor(a.user);
		const widget = await callJson('/api/v1/embed/summary', { headers: bearer(token) });
		expect(widget.json).toMatchObject({ available: 91_870, cap: { available: 4_970, of: capBound.sub, line: capBound.line } });
		expect((await front(ticket)).json).toMatchObject({ available: 91_870, capBound });

		const started = await embedCheckout(db, paddle, await readStoreTicket(db, ticket), { productId: 'tokens-5k', quantity: 1 });
		delivered(await paddle.pay(started.transactionId));
		const progress = await callJson(`/embed/store/orders/${started.orderId}`, { headers: bearer(ticket) });
		expect(progress.json).toMatchObject({ purchase: { status: 'completed' }, balance: 96_870, capBound: { ...capBound, sub: 'of 96,870 in the account' } });

		// Without a cap that binds: the account's figure, as the dashboard's card shows it.
		const b = await hostUser(100);
		const other = await storeLinkFor(b.user);
		expect((await callJson('/api/v1/embed/summary', { headers: bearer(other.token) })).json).toMatchObject({ available: 100, cap: null });
		expect((await front(other.ticket)).json).toMatchObject({ available: 100, capBound: null });
		await expectInvariants(db);
	});

	it('refuses in words: a package not for sale, a quantity out of range, a plan already held', async () => {
		const a = await hostUser();
		const grant = await readStoreTicket(db, (await storeLinkFor(a.user)).ticket);
		await expect(embedCheckout(db, paddle, grant, { productId: 'no-such-pack', quantity: 1 })).rejects.toMatchObject({ code: 'not_found' });
		await expect(embedCheckout(db, paddle, grant, { productId: 'tokens-5k', quantity: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
		const plan = await embedCheckout(db, paddle, grant, { productId: 'monthly-20k', quantity: 1 });
		await paddle.pay(plan.transactionId);
		await expect(embedCheckout(db, paddle, grant, { productId: 'monthly-20k', quantity: 1 })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('already subscribe') });
		// The plan held, with what the page says its state by (subscriptionState, as the member store and Purchases say it).
		expect((await front((await storeLinkFor(a.user)).ticket)).json.heldPlans).toEqual([
			{ productId: 'monthly-20k', status: 'active', currentPeriodEnd: expect.any(String), nextBilledAt: expect.any(String), canceledAt: null }
		]);
		await expectInvariants(db);
	});

	it('an expired ticket, one whose site key was revoked, one whose user is disabled, and a forged one are refused; nothing is bought', async () => {
		const a = await hostUser();
		const value = `qk_store_tests_site_key_${String(Date.now()).padStart(16, '0')}`;
		await ensureSiteKey(db, { name: 'Store tests', value });
		const auth = await authenticateApiKey(db, value);
		const ticket = (await storeLinkFor(a.user, value)).ticket;
		const before = await db.rows(sql`select count(*)::int as n from orders`);

		const later = new Date(Date.now() + (120 + STORE_TICKET_SECONDS + 5) * 1000);
		await expect(readStoreTicket(db, ticket, { now: later })).rejects.toMatchObject({ code: 'unauthorized', details: { reason: 'expired' }, message: expect.stringContaining('Reload the page you came from') });
		const old = mintEmbedToken(auth, a.accountId, 60, { now: new Date(Date.now() - 3 * 3600_000) });
		const expired = await callJson('/api/v1/embed/summary', { headers: bearer(old.token) });
		expect(expired.status).toBe(401);

		const forged = ticket.slice(0, -2) + (ticket.endsWith('AA') ? 'BB' : 'AA');
		for (const bad of [forged, 'qs_short', '', 'Bearer']) {
			const r = await callJson('/embed/store/checkout', { headers: bearer(bad), body: { productId: 'tokens-5k', quantity: 1 } });
			expect(r.status).toBe(401);
			expect(r.json).toMatchObject({ error: 'unauthorized' });
		}
		await db.rows(sql`update users set disabled_at = now() where id = ${a.userId}::uuid`);
		expect((await front(ticket)).json).toMatchObject({ error: 'unauthorized', details: { reason: 'revoked' } });
		await db.rows(sql`update users set disabled_at = null where id = ${a.userId}::uuid`);
		expect((await front(ticket)).status).toBe(200);
		await db.rows(sql`update api_keys set revoked_at = now() where id = ${auth.keyId}::uuid`);
		const revoked = await callJson('/embed/store/checkout', { headers: bearer(ticket), body: { productId: 'tokens-5k', quantity: 1 } });
		expect(revoked).toMatchObject({ status: 401, json: { error: 'unauthorized', details: { reason: 'revoked' } } });
		expect(await db.rows(sql`select count(*)::int as n from orders`)).toEqual(before);
	});

	it('answers bad input with a clear refusal, never a 500, and changes nothing', async () => {
		const a = await hostUser();
		const { ticket } = await storeLinkFor(a.user);
		const before = await db.rows(sql`select count(*)::int as n from orders`);
		const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string(), fc.constantFrom('\u0000', 'x'.repeat(300), -1, 1.5, 1e308, null));
		// An order id of '.' or '..' is no id a URL can carry: it resolves to another path (as any client's URL does;
		// CI 141 drew '.', which became /embed/store/orders/), so the ids drawn are every other string.
		await fc.assert(
			fc.asyncProperty(
				fc.record({ productId: value, quantity: value, checkoutKey: value, extra: value }, { requiredKeys: [] }),
				fc.oneof(fc.constant(ticket), fc.string()),
				fc.oneof(fc.constant('/embed/store/checkout'), fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== '.' && s !== '..').map((s) => `/embed/store/orders/${encodeURIComponent(s)}`), fc.constant('/embed/store/front')),
				async (body, who, path) => {
					const r = await callJson(path, { headers: bearer(who), method: path.endsWith('checkout') ? 'POST' : 'GET', body: path.endsWith('checkout') ? body : undefined });
					expect(r.status, `${path} ${JSON.stringify(body)}: ${r.text}`).toBeLessThan(500);
					if (r.status >= 400) expect(r.json, `${path}: ${r.text}`).toMatchObject({ error: expect.any(String), message: expect.any(String) });
				}
			),
			{ numRuns: 60 }
		);
		for (const raw of ['{', 'null', '[]', '"x"']) {
			const r = await callJson('/embed/store/checkout', { headers: bearer(ticket), body: raw });
			expect(r.status, raw).toBeGreaterThanOrEqual(400);
			expect(r.status, raw).toBeLessThan(500);
		}
		// A key the body does not take, beside the field it meant, is said in the message, as on every REST route.
		const slip = await callJson('/embed/store/checkout', { headers: bearer(ticket), body: { productId: 'tokens-5k', qty: 1 } });
		expect(slip.json).toMatchObject({ error: 'invalid_input', message: 'quantity is required (the body also has the field "qty", which it does not take).' });
		expect(await db.rows(sql`select count(*)::int as n from orders`)).toEqual(before);
		await expectInvariants(db);
	});
});
