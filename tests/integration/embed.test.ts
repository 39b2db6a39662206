// Embed tokens (POST /api/v1/embed-tokens, site keys) and the widget's reads with one: one account,
// read-only, minutes, dead with its site key; CORS on the widget's routes only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { call, callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants, makeTeamWithMember } from '../helpers/ledger';
import { teamMembers, users } from '../../src/lib/server/db/schema';
import { readOne } from '../../src/lib/server/db/reads';
import type { Db } from '../../src/lib/server/db/client';
import { authenticateApiKey, ensureSiteKey, leaveTeam, removeMember } from '../../src/lib/server/accounts';
import { mintEmbedToken } from '../../src/lib/server/embed';
import { balances, consume, grant, setCap, viewerAvailableRead } from '../../src/lib/server/ledger';
import { balanceLabel } from '../../src/lib/client/level';
import { EXPIRES_AT_SOONEST } from '../../src/lib/server/rest/schemas';

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
});
afterAll(async () => db?.close());

async function mint(key: string, body: Record<string, unknown>) {
	return callJson('/api/v1/embed-tokens', { headers: bearer(key), body });
}
const summary = (token: string) => callJson('/api/v1/embed/summary', { headers: bearer(token) });
const spend = (accountId: string, units: number) => consume(db.orm, { accountId, feature: 'search_images', units, actor: {}, idempotency: { scope: 'embed', key: crypto.randomUUID() } });

/** Reads SSE events from a stream until `count` arrived, then hangs up. */
async function events(res: Response, count: number, between?: () => Promise<unknown>) {
	const reader = res.body!.getReader();
	const decoder = new TextDecoder();
	const got: { id: string; data: Record<string, unknown> }[] = [];
	let text = '';
	while (got.length < count) {
		const { value, done } = await reader.read();
		if (done) break;
		text += decoder.decode(value, { stream: true });
		for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
			const block = text.slice(0, end);
			text = text.slice(end + 2);
			const data = /^data: (.*)$/m.exec(block)?.[1];
			if (!data) continue;
			got.push({ id: /^id: (.*)$/m.exec(block)![1]!, data: JSON.parse(data) });
			if (got.length === 1 && between) await between();
		}
	}
	await reader.cancel();
	return got;
}

describe(`embed tokens on ${backend}`, () => {
	it('a site key makes one for a user; it reads that account’s figures, recent use and the store link, with CORS for the widget only', async () => {
		const a = await member(db, 1000);
		await spend(a.accountId, 3);
		const made = await mint(site, { user: a.id, ttl_seconds: 120 });
		expect(made.status).toBe(201);
		expect(made.json.token).toMatch(/^qe_[\w-]+\.[\w-]{43}$/);
		expect(made.json.account_id).toBe(a.accountId);
		const ttl = (Date.parse(made.json.expires_at) - Date.now()) / 1000;
		expect(ttl).toBeGreaterThan(110);
		expect(ttl).toBeLessThanOrEqual(120);

		const s = await summary(made.json.token);
		expect(s.status).toBe(200);
		expect(s.json).toMatchObject({ available: 970, held: 0, unlimited: false, used_today: 30, level: 'ok', expires_at: made.json.expires_at });
		expect(s.json.allocations).toEqual([expect.objectContaining({ model: null, remaining: 970, amount: 1000 })]);
		expect(s.json.usage).toEqual([expect.objectContaining({ feature: 'search_images', tokens_used: 30 })]);
		expect(s.json.purchases).toEqual([]);
		expect(s.json.store_url).toMatch(/^http.*\/embed\/store#qs_[\w-]+\.[\w-]{43}$/);
		expect(s.headers.get('access-control-allow-origin')).toBe('*');
		expect(s.headers.get('access-control-allow-credentials')).toBeNull();

		const preflight = await call('/api/v1/embed/summary', { method: 'OPTIONS', headers: { origin: 'https://host.example', 'access-control-request-headers': 'authorization' } });
		expect(preflight.status).toBe(204);
		expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, last-event-id');
		expect(preflight.headers.get('access-control-allow-methods')).toBe('GET');
		// The metering API itself is not readable from another origin.
		const balance = await call(`/api/v1/balance?user=${a.id}`, { headers: { ...bearer(site), origin: 'https://host.example' } });
		expect(balance.status).toBe(200);
		expect(balance.headers.get('access-control-allow-origin')).toBeNull();
	});

	it('an empty account has no tokens "yet" until it was granted some, and none "left" once it spent them: the widget reads the field the app does', async () => {
		const a = await member(db, 0);
		const { json: made } = await mint(site, { user: a.id, ttl_seconds: 120 });
		const fresh = await summary(made.token);
		expect(fresh.json).toMatchObject({ available: 0, level: 'empty', ever_granted: false });
		expect(balanceLabel(await balances(db.orm, a.accountId))).toBe('No tokens yet');
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		await spend(a.accountId, 10);
		const spent = await summary(made.token);
		expect(spent.json).toMatchObject({ available: 0, level: 'empty', ever_granted: true });
		expect(balanceLabel(await balances(db.orm, a.accountId))).toBe('No tokens left');
		await expectInvariants(db);
	});

	it('only a site key makes one, for exactly one user or team, for 60–3600 s', async () => {
		const a = await member(db, 0);
		expect(await mint(a.key, { user: a.id }).then((r) => [r.status, r.json.error])).toEqual([403, 'forbidden']);
		expect((await callJson('/api/v1/embed-tokens', { body: { user: a.id } })).status).toBe(401);
		for (const body of [{}, { user: a.id, team: crypto.randomUUID() }, { user: a.id, ttl_seconds: 59 }, { user: a.id, ttl_seconds: 3601 }, { user: a.id, ttl_seconds: 1.5 }, { guest: 'visitor-1' }]) {
			const r = await mint(site, body);
			expect([r.status, r.json.error], JSON.stringify(body)).toEqual([400, 'invalid_input']);
		}
		expect((await mint(site, { team: crypto.randomUUID() })).status).toBe(404);
	});

	it('a team pool’s token may name the member viewing it: the widget and its store say what that member can spend, as their dashboard does; no one else can be named', async () => {
		const { team, owner, member: m } = await makeTeamWithMember(db, 5000);
		await db.orm.update(users).set({ externalId: `host-${m.userId}` }).where(eq(users.id, m.userId));
		await setCap(db.orm, { accountId: team.accountId, memberUserId: m.userId, period: 'daily', limitTokens: 1000 });
		await consume(db.orm, { accountId: team.accountId, feature: 'search_images', units: 3, actor: { userId: m.userId }, idempotency: { scope: 'embed', key: crypto.randomUUID() } });
		const dashboard = await readOne(db.orm, viewerAvailableRead(team.accountId, m.userId));
		expect(dashboard).toMatchObject({ available: 4970, capBound: { tokens: 970 } });
		const cap = { available: 970, of: dashboard.capBound!.sub, line: dashboard.capBound!.line };

		// By the host site's id or the Quota user id: the member's cap, what their dashboard's Available card says.
		for (const name of [`host-${m.userId}`, m.userId]) {
			const made = await mint(site, { team: team.teamId, member: name });
			expect(made.status, name).toBe(201);
			expect(made.json.account_id).toBe(team.accountId);
			const read = await summary(made.json.token);
			expect({ available: read.json.available, cap: read.json.cap }).toEqual({ available: 4970, cap });
			const [first] = await events(await call('/api/v1/embed/stream', { headers: bearer(made.json.token) }), 1);
			expect(first!.data.cap).toEqual(cap);
			// Its "Buy tokens" store says the same figure.
			const ticket = String(read.json.store_url).split('#')[1]!;
			const front = await callJson('/embed/store/front', { headers: bearer(ticket) });
			expect(front.json).toMatchObject({ available: 4970, capBound: { tokens: 970, line: cap.line } });
		}
		// The pool alone (no member named), and a member no cap binds: no cap said.
		const [named] = await db.rows<{ name: string }>(sql`select name from teams where account_id = ${team.accountId}::uuid`);
		for (const body of [{ team: team.teamId }, { team: team.teamId, member: owner.userId }, { team: team.teamId, member: m.userId }]) {
			const made = await mint(site, body);
			const read = (await summary(made.json.token)).json;
			if (body.member !== m.userId) expect(read.cap, JSON.stringify(body)).toBeNull();
			// Whose tokens these are, with or without a member: the team's pool (the widget's title, "<team> pool"), never the member's own.
			expect(read.pool, JSON.stringify(body)).toBe(named!.name);
		}
		// A user's own account is no pool.
		expect((await summary((await mint(site, { user: owner.userId })).json.token)).json.pool).toBeNull();

		// Someone not in the team, a user's own account, or a member with no team: refused, naming member, nothing made.
		const outsider = await member(db, 0);
		const usersBefore = await db.rows(sql`select count(*)::int as n from users`);
		const refusals: [Record<string, unknown>, number, string][] = [
			[{ team: team.teamId, member: outsider.id }, 422, `member "${outsider.id}" is not a member of this team: name one of its members (your site's user id or a Quota user id), or leave member out.`],
			[{ team: team.teamId, member: 'host-nobody' }, 422, 'member "host-nobody" is not a member of this team: name one of its members (your site\'s user id or a Quota user id), or leave member out.'],
			[{ user: outsider.id, member: m.userId }, 400, 'member goes with team: the member viewing its pool. Leave it out for a user.']
		];
		for (const [body, status, words] of refusals) {
			const r = await mint(site, body);
			expect({ status: r.status, error: r.json.error, message: r.json.message, member: r.json.details?.fieldErrors?.member }, JSON.stringify(body)).toEqual({ status, error: 'invalid_input', message: words, member: [words] });
		}
		const alone = await mint(site, { member: m.userId });
		expect({ status: alone.status, message: alone.json.message }).toEqual({ status: 400, message: 'Name exactly one of "user" or "team": the account the widget shows.' });
		expect(await db.rows(sql`select count(*)::int as n from users`)).toEqual(usersBefore);
		await expectInvariants(db);
	});

	it('a member out of the team: their token and its store ticket are refused on every use (401 not_member, in words), never the pool’s figures; back in, it reads again', async () => {
		const { team, owner, member: m } = await makeTeamWithMember(db, 5000);
		const made = await mint(site, { team: team.teamId, member: m.userId, ttl_seconds: 600 });
		expect(made.status).toBe(201);
		const read = await summary(made.json.token);
		expect(read.status).toBe(200);
		const ticket = String(read.json.store_url).split('#')[1]!;
		const pool = await mint(site, { team: team.teamId });

		for (const gone of [() => leaveTeam(db, team.teamId, m.userId), () => removeMember(db, { teamId: team.teamId, userId: m.userId }, { userId: owner.userId, siteAdmin: false })]) {
			await gone();
			const refused = { error: 'unauthorized', message: 'This member is no longer in the team: the host site makes a token for the team without member, or for one of its members.', details: { reason: 'not_member' } };
			for (const path of ['/api/v1/embed/summary', '/api/v1/embed/stream']) {
				const r = await callJson(path, { headers: bearer(made.json.token) });
				expect({ status: r.status, body: r.json, cors: r.headers.get('access-control-allow-origin') }, path).toEqual({ status: 401, body: refused, cors: '*' });
			}
			const store = await callJson('/embed/store/front', { headers: bearer(ticket) });
			expect({ status: store.status, body: store.json }).toEqual({ status: 401, body: { error: 'unauthorized', message: 'This store link no longer works: you are no longer in the team.', details: { reason: 'not_member' } } });
			const checkout = await callJson('/embed/store/checkout', { headers: bearer(ticket), body: { productId: 'tokens-5k', quantity: 1 } });
			expect([checkout.status, checkout.json.details?.reason]).toEqual([401, 'not_member']);
			// The pool's own token (no member named) still reads.
			expect((await summary(pool.json.token)).status).toBe(200);
			// Back in the team: the same token reads again (nothing was stored against it).
			await db.orm.insert(teamMembers).values({ teamId: team.teamId, userId: m.userId, role: 'member' });
			expect((await summary(made.json.token)).status).toBe(200);
		}
		await expectInvariants(db);
	});

	it('reads, never writes: the token is refused by every metering route, and only in the header', async () => {
		const a = await member(db, 1000);
		const { json } = await mint(site, { user: a.id });
		for (const [path, body] of [
			[`/api/v1/balance`, undefined],
			['/api/v1/consume', { feature: 'search_images', units: 1 }],
			['/api/v1/embed-tokens', { user: a.id }]
		] as const) {
			const r = await callJson(path, { headers: { ...bearer(json.token), 'idempotency-key': crypto.randomUUID() }, body });
			expect(r.status, path).toBe(401);
		}
		const inUrl = await callJson(`/api/v1/embed/summary?token=${json.token}`);
		expect([inUrl.status, inUrl.json.details]).toEqual([401, { reason: 'invalid' }]);
		expect((await summary(json.token)).json.available).toBe(1000);
		await expectInvariants(db);
	});

	it('refuses an expired, a forged and a revoked token, saying which, with CORS so the widget can tell', async () => {
		const a = await member(db, 1000);
		const b = await member(db, 1000);
		const other = 'qk_embed_tests_second_site_key_00000001';
		await ensureSiteKey(db, { name: 'Embed tests', value: other });
		const key = await authenticateApiKey(db, other);
		const expired = mintEmbedToken(key, a.accountId, 60, { now: new Date(Date.now() - 61_000) }).token;
		const e = await summary(expired);
		expect([e.status, e.json.error, e.json.details]).toEqual([401, 'unauthorized', { reason: 'expired' }]);
		expect(e.headers.get('access-control-allow-origin')).toBe('*');

		// Another account's id in a's token, with a's signature: refused, b's figures never shown.
		const good = mintEmbedToken(key, a.accountId, 600).token;
		const [body, mac] = good.slice(3).split('.');
		const swapped = Buffer.from(Buffer.from(body!, 'base64url').toString().replace(a.accountId, b.accountId)).toString('base64url');
		expect((await summary(`qe_${swapped}.${mac}`)).json.details).toEqual({ reason: 'invalid' });
		expect((await summary(mintEmbedToken(key, a.accountId, 600, { secret: 'x'.repeat(32) }).token)).json.details).toEqual({ reason: 'invalid' });

		expect((await summary(good)).status).toBe(200);
		await db.orm.execute(sql`update api_keys set revoked_at = now() where id = ${key.keyId}::uuid`);
		const r = await summary(good);
		expect([r.status, r.json.details]).toEqual([401, { reason: 'revoked' }]);
		const stream = await call('/api/v1/embed/stream', { headers: bearer(good) });
		expect(stream.status).toBe(401);

		// A disabled user's token stops too.
		const c = await member(db, 10);
		const t = (await mint(site, { user: c.id })).json.token;
		await db.orm.execute(sql`update users set disabled_at = now() where id = ${c.id}::uuid`);
		expect((await summary(t)).json.details).toEqual({ reason: 'revoked' });
		// And none is made for them: a 201 with a token that never works told the host site nothing.
		const refusedMint = await mint(site, { user: c.id });
		expect([refusedMint.status, refusedMint.json.error, refusedMint.json.details]).toEqual([403, 'forbidden', { reason: 'disabled' }]);
		expect(refusedMint.json.message).toMatch(/disabled/);
	});

	it('streams the balance now and after a change, with the header token', async () => {
		const a = await member(db, 1000);
		const { json } = await mint(site, { user: a.id });
		const res = await call('/api/v1/embed/stream', { headers: bearer(json.token) });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
		expect(res.headers.get('access-control-allow-origin')).toBe('*');
		const got = await events(res, 2, () => spend(a.accountId, 2));
		expect(got.map((g) => g.data.available)).toEqual([1000, 980]);
		expect(got[1]!.data).toMatchObject({ used_today: 20, allocations: [expect.objectContaining({ remaining: 980 })] });
		await expectInvariants(db);
	});

	it('says what of an allocation expires when, names each use’s model, and streams the whole summary (uses, purchases) with each change', async () => {
		const a = await member(db, 1000);
		const soon = new Date(Date.now() + 10 * 86_400_000);
		await grant(db.orm, { accountId: a.accountId, tokens: 200, source: 'bonus', expiresAt: soon });
		await grant(db.orm, { accountId: a.accountId, tokens: 500, source: 'bonus', model: 'gpt-5-nano' });
		const { json } = await mint(site, { user: a.id });
		const s = await summary(json.token);
		// The general balance's expires_at is its soonest part's; its parts say how many tokens that is, and that the rest never expire.
		const general = s.json.allocations.find((x: { model: string | null }) => x.model === null);
		expect(general).toMatchObject({ remaining: 1200, expires_at: soon.toISOString(), parts: [{ remaining: 200, unlimited: false, expires_at: soon.toISOString() }, { remaining: 1000, unlimited: false, expires_at: null }] });
		// One model's unlimited use: said as GET /api/v1/balance says it, not as every model's.
		await grant(db.orm, { accountId: a.accountId, tokens: 0, unlimited: true, source: 'admin', model: 'text-embedding-3-small' });
		const [widget, api] = [await summary(json.token), await callJson(`/api/v1/balance?user=${a.id}`, { method: 'GET', headers: bearer(site) })];
		expect([widget.json.unlimited, widget.json.unlimited_models]).toEqual([false, ['text-embedding-3-small']]);
		expect([widget.json.unlimited, widget.json.unlimited_models]).toEqual([api.json.unlimited, api.json.unlimited_models]);
		const res = await call('/api/v1/embed/stream', { headers: bearer(json.token) });
		const use = () => consume(db.orm, { accountId: a.accountId, feature: 'ai_bots', units: 10, model: 'gpt-5-nano', actor: {}, idempotency: { scope: 'embed', key: crypto.randomUUID() } });
		const got = await events(res, 2, use);
		expect(got[0]!.data).toMatchObject({ usage: [], purchases: [], cap: null });
		// The use comes with the figures it changed, its model named as Allocations names it.
		expect(got[1]!.data.usage).toEqual([expect.objectContaining({ feature: 'ai_bots', model: 'gpt-5-nano', model_name: 'GPT-5 Nano' })]);
		expect((await summary(json.token)).json.usage).toEqual(got[1]!.data.usage);
		// The balance API's expires_at says it is the soonest of a mix.
		const doc = await callJson('/api/v1/openapi.json', {});
		expect(JSON.stringify(doc.json)).toContain(JSON.stringify(EXPIRES_AT_SOONEST).slice(1, -1));
		await expectInvariants(db);
	});
});
