import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { sql } from 'drizzle-orm';
import { gunzipSync } from 'node:zlib';
import { backend } from '../helpers/db';
import { call, callJson } from '../helpers/http';
import { bearer, member, MEMBER_PASSWORD, siteKey, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import { nextMidnightWords } from '../helpers/refusal';
import type { Db } from '../../src/lib/server/db/client';
import { openApiDocument } from '../../src/lib/server/rest/openapi';
import { availableOf, balances, setAllowanceRule } from '../../src/lib/server/ledger';

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi({ poolSize: 20, demo: true }));
}, 300_000);
afterAll(async () => db?.close());

let k = 0;
const idem = () => ({ 'idempotency-key': `contract-${backend}-${++k}` });
/** What the lots hold (the checks below are about purchased tokens; `available` also counts allowances). */
const lotTokens = async (accountId: string) => availableOf((await balances(db.orm, accountId)).allocations);
/** A member's free allowances in the demo data: chat 10,000 a day and forms 5,000 a week. */
const MEMBER_ALLOWANCES = 15_000;

/** `request` with one more header, `name: value`, which a Headers object would refuse (a NUL). */
const withHeader =
	(name: string, value: string) =>
	(request: Request): Request => {
		const headers = new Headers(request.headers);
		const entries = [...request.headers, [name, value] as [string, string]];
		Object.defineProperty(headers, Symbol.iterator, { value: () => entries[Symbol.iterator]() });
		return Object.defineProperty(request, 'headers', { value: headers });
	};

describe(`REST v1 contract on ${backend}`, () => {
	it('GET /api/v1/balance answers the seeds’ shape plus allowances, available and held', async () => {
		const m = await member(db, 5000);
		const r = await callJson('/api/v1/balance', { headers: bearer(m.key) });
		expect(r.status).toBe(200);
		expect(r.headers.get('cache-control')).toBe('no-store');
		expect(r.json).toEqual({
			success: true,
			data: { general: { credit: 5000, isUnlimited: false, entity_key: 'general', engine: null, expires_at: null, expiring_tokens: null } },
			allowances: expect.arrayContaining([expect.objectContaining({ module: 'chat', used: 0, limit: 10000, period: 'daily', resets_at: expect.any(String) })]),
			unlimited: false,
			unlimited_models: [],
			available: 5000 + MEMBER_ALLOWANCES,
			held: 0
		});
		const bySite = await callJson(`/api/v1/balance?user=${m.id}`, { headers: bearer(site) });
		expect(bySite.json).toEqual(r.json);
		// No lots: no key in data, as the seeds' shape lists only what there is, and the document says to read a missing one as 0.
		const none = await member(db, 0);
		expect((await callJson('/api/v1/balance', { headers: bearer(none.key) })).json).toMatchObject({ data: {}, available: MEMBER_ALLOWANCES });
		const documented = JSON.stringify(openApiDocument('').paths['/api/v1/balance']);
		expect(documented).toContain('read a missing key as 0 `credit`');
	});

	it('GET /api/v1/feature-rates/{key} answers the seeds’ shape; unknown is 404; the list has them all', async () => {
		const m = await member(db, 0);
		const one = await callJson('/api/v1/feature-rates/ai_bots', { headers: bearer(m.key) });
		expect(one.status).toBe(200);
		expect(one.json).toMatchObject({ success: true, data: { feature_key: 'ai_bots', feature_name: 'Chatbot reply', tokens_per_unit: 2.5, token_type: 'word' } });
		expect((await callJson('/api/v1/feature-rates/nope', { headers: bearer(m.key) })).status).toBe(404);
		const all = await callJson('/api/v1/feature-rates', { headers: bearer(m.key) });
		expect(all.json.data.map((f: { feature_key: string }) => f.feature_key)).toEqual(
			expect.arrayContaining(['ai_bots', 'training', 'generate_texts', 'search_images', 'search_prices', 'generate_all'])
		);
		expect(all.json.data.find((f: { feature_key: string }) => f.feature_key === 'generate_all').breakdown).toHaveLength(3);
		expect(all.json.data.every((f: { enabled: boolean }) => f.enabled)).toBe(true);
	});

	it('GET /api/v1/feature-rates/{key} says a feature the site turned off is off, as a consume with it is refused', async () => {
		const m = await member(db, 1000);
		await db.rows(sql`update features set enabled = false where key = 'search_prices'`);
		try {
			const one = await callJson('/api/v1/feature-rates/search_prices', { headers: bearer(m.key) });
			expect(one.json).toMatchObject({ success: true, data: { feature_key: 'search_prices', enabled: false } });
			const spent = await callJson('/api/v1/consume', { headers: { ...bearer(m.key), ...idem() }, body: { feature: 'search_prices', units: 1 } });
			expect([spent.status, spent.json.error]).toEqual([403, 'feature_disabled']);
			expect(await lotTokens(m.accountId)).toBe(1000);
		} finally {
			await db.rows(sql`update features set enabled = true where key = 'search_prices'`);
		}
		await expectInvariants(db);
	});

	it('POST /api/v1/check prices and previews without changing anything', async () => {
		const m = await member(db, 100);
		const r = await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'generate_texts', units: 2 } });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ allowed: true, cost: 90, level: 'low', remaining_after: 10, spendable: 100, details: null, active: true, reason: null });
		const no = await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'generate_all', units: 2 } });
		// Refused, it spends nothing: what is spendable stays (`remaining_after` is `spendable`, not 100 − 130), and its
		// figures are a consume's 402 `details`; no model named, so the words name none.
		expect(no.json).toEqual({
			allowed: false, cost: 130, level: 'empty', paid_by: [], remaining_after: 100, spendable: 100, active: true, reason: 'insufficient_tokens',
			message: 'This costs 130 tokens, more than the 100 spendable on this feature.',
			details: { operation: 'check', cost: 130, available: 100, model: null }
		});
		const consumed = await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'generate_all', units: 2 } });
		expect(consumed.json).toEqual({ error: 'insufficient_tokens', message: no.json.message, details: { ...no.json.details, operation: 'consume' } });
		expect(await lotTokens(m.accountId)).toBe(100);
	});

	it('POST /api/v1/consume spends once per key, replays byte for byte, refuses reuse with another body', async () => {
		const m = await member(db, 1000);
		const headers = bearer(m.key, idem());
		const first = await callJson('/api/v1/consume', { headers, body: { feature: 'generate_texts', units: 1, metadata: { product: 42 } } });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({ operation_id: expect.any(String), cost: 45, paid_by: [expect.objectContaining({ type: 'lot', tokens: 45 })], remaining: 955, level: 'ok' });
		const again = await callJson('/api/v1/consume', { headers, body: { feature: 'generate_texts', units: 1, metadata: { product: 42 } } });
		expect(again.status).toBe(200);
		expect(again.text).toBe(first.text);
		const other = await callJson('/api/v1/consume', { headers, body: { feature: 'generate_texts', units: 2 } });
		expect(other.status).toBe(422);
		expect(other.json.error).toBe('idempotency_key_reused');
		expect(await lotTokens(m.accountId)).toBe(955);
		await expectInvariants(db);
	});

	it('POST /api/v1/consume: 402 with the module’s message, 403 feature_disabled, replayed refusals', async () => {
		const m = await member(db, 10);
		const headers = bearer(m.key, idem());
		const short = await callJson('/api/v1/consume', { headers, body: { feature: 'generate_texts', units: 1 } });
		expect(short.status).toBe(402);
		expect(short.json).toEqual({ error: 'insufficient_tokens', message: 'This costs 45 tokens, more than the 10 spendable on this feature.', details: { operation: 'consume', cost: 45, available: 10, model: null } });
		expect((await callJson('/api/v1/consume', { headers, body: { feature: 'generate_texts', units: 1 } })).text).toBe(short.text);
		// Guests: chat is free up to 2,000 a day; no guest rule names images, so they need an account.
		const guest = `guest-${backend}-${k}`;
		const g = (body: object) => callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { guest, ...body } });
		expect((await g({ feature: 'ai_bots', units: 800 })).status).toBe(200);
		const exhausted = await g({ feature: 'ai_bots', units: 1 });
		expect(exhausted.status).toBe(402);
		expect(exhausted.json).toMatchObject({
			error: 'allowance_exhausted',
			message: `You have used your free chat tokens for today. Buy tokens to keep chatting. It resets ${nextMidnightWords()}.`,
			details: { cost: 3, limit: 2000, used: 2000, left: 0, period: 'daily', time_zone: 'UTC' }
		});
		const disabled = await g({ feature: 'image_generation', units: 1 });
		expect(disabled.status).toBe(403);
		expect(disabled.json).toEqual({ error: 'feature_disabled', message: 'Image generator needs an account: sign in or sign up to use it.' });
		await expectInvariants(db);
	});

	it('a guest on a module no guest rule names (AI Forms) is told it needs an account, the same in /check, /consume and /balance', async () => {
		const guest = `guest-forms-${backend}-${++k}`;
		const needsAccount = 'AI Forms needs an account: sign in or sign up to use it.';
		const checked = await callJson('/api/v1/check', { headers: bearer(site), body: { guest, feature: 'form_answer', units: 10 } });
		expect(checked.json).toMatchObject({ allowed: false, active: false, reason: 'feature_disabled', message: needsAccount });
		const consumed = await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { guest, feature: 'form_answer', units: 10 } });
		expect(consumed.status).toBe(403);
		expect(consumed.json).toEqual({ error: 'feature_disabled', message: needsAccount });
		const balance = await callJson(`/api/v1/balance?guest=${guest}`, { headers: bearer(site) });
		expect(balance.json.allowances).toEqual(
			expect.arrayContaining([
				{ module: 'forms', used: 0, limit: 0, period: 'never', resets_at: null, message: needsAccount },
				// Chat has a guest limit: its line keeps the module's own words.
				expect.objectContaining({ module: 'chat', limit: 2000, message: 'You have used your free chat tokens for today. Buy tokens to keep chatting.' })
			])
		);
	});

	it('POST /api/v1/consume with one key sent concurrently: one effect; the others replay it or get 409', async () => {
		const m = await member(db, 1000);
		const headers = bearer(m.key, idem());
		const results = await Promise.all(
			Array.from({ length: 12 }, () => callJson('/api/v1/consume', { headers, body: { feature: 'search_images', units: 1 } }))
		);
		expect(results.every((r) => r.status === 200 || (r.status === 409 && r.json.error === 'idempotency_key_in_flight'))).toBe(true);
		expect(results.some((r) => r.status === 200)).toBe(true);
		expect(new Set(results.filter((r) => r.status === 200).map((r) => r.text)).size).toBe(1);
		expect(await lotTokens(m.accountId)).toBe(990);
		await expectInvariants(db);
	});

	it('POST /api/v1/consume needs an Idempotency-Key (400) of 1–255 characters', async () => {
		const m = await member(db, 100);
		const missing = await callJson('/api/v1/consume', { headers: bearer(m.key), body: { feature: 'search_images', units: 1 } });
		expect(missing.status).toBe(400);
		expect(missing.json.error).toBe('idempotency_key_missing');
		const long = await callJson('/api/v1/consume', { headers: bearer(m.key, { 'idempotency-key': 'x'.repeat(256) }), body: { feature: 'search_images', units: 1 } });
		expect(long.status).toBe(400);
		expect(await lotTokens(m.accountId)).toBe(100);
	});

	it('holds: 201, settle 200 with the rest released, a second settle 409, release 200, expired 409', async () => {
		const m = await member(db, 1000);
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'generate_texts', max_tokens: 600, ttl_seconds: 60 } });
		expect(h.status).toBe(201);
		expect(h.json).toEqual({
			hold_id: expect.any(String),
			held: 600,
			expires_at: expect.any(String),
			paid_by: [expect.objectContaining({ type: 'lot', tokens: 600 })],
			remaining: 400,
			level: 'ok'
		});
		const s = await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 250 } });
		expect(s.status).toBe(200);
		expect(s.json).toMatchObject({ cost: 250, released: 350 });
		const twice = await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 250 } });
		expect(twice.status).toBe(409);
		expect(twice.json.error).toBe('hold_already_settled');
		// More than is held: refused with the held figure written as every figure is (thousands separated).
		const big = await member(db, 5000);
		const hb = await callJson('/api/v1/holds', { headers: bearer(big.key, idem()), body: { feature: 'generate_texts', max_tokens: 1297 } });
		const over = await callJson(`/api/v1/holds/${hb.json.hold_id}/settle`, { headers: bearer(big.key), body: { tokens: 1298 } });
		expect(over.status).toBe(422);
		expect(over.json).toMatchObject({ error: 'invalid_input', message: 'tokens must be between 0 and the 1,297 held.', details: { fieldErrors: { tokens: ['tokens must be between 0 and the 1,297 held.'] } } });
		const h2 = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'generate_texts', max_tokens: 100 } });
		expect((await callJson(`/api/v1/holds/${h2.json.hold_id}/release`, { headers: bearer(m.key), body: {} })).status).toBe(200);
		const h3 = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'generate_texts', max_tokens: 100, ttl_seconds: 1 } });
		await new Promise((r) => setTimeout(r, 1100));
		const expired = await callJson(`/api/v1/holds/${h3.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 1 } });
		expect(expired.status).toBe(409);
		expect(expired.json.error).toBe('hold_expired');
		const other = await member(db, 0);
		// Someone else's hold: 404, as for an unknown id (no existence oracle).
		expect((await callJson(`/api/v1/holds/${h.json.hold_id}/release`, { headers: bearer(other.key), body: {} })).status).toBe(404);
		// A path that is no hold id names the parameter as the documents do (hold_id, what a hold answered).
		const notId = await callJson('/api/v1/holds/not-a-uuid/settle', { headers: bearer(m.key), body: { tokens: 1 } });
		expect([notId.status, notId.json.error, notId.json.message]).toEqual([400, 'invalid_input', expect.stringMatching(/^hold_id must be a UUID/)]);
		expect(await lotTokens(m.accountId)).toBe(750);
		await expectInvariants(db);
	});

	it('POST /api/v1/grants: site keys grant once per key (201), account keys may not (403)', async () => {
		const m = await member(db, 0);
		const headers = bearer(site, idem());
		const body = { user: m.id, tokens: 500, source: 'referral', expires_at: new Date(Date.now() + 86_400_000).toISOString(), note: 'Invited a friend' };
		const g = await callJson('/api/v1/grants', { headers, body });
		expect(g.status).toBe(201);
		expect(g.json).toMatchObject({ tokens: 500 });
		const again = await callJson('/api/v1/grants', { headers, body });
		expect(again.json).toEqual(g.json);
		expect(again.headers.get('idempotent-replayed')).toBe('true');
		expect((await callJson('/api/v1/grants', { headers: bearer(m.key, idem()), body })).status).toBe(403);
		expect(await lotTokens(m.accountId)).toBe(500);
		await expectInvariants(db);
	});

	it('a site key may address a host site’s user id never seen before: made by its first consume, with the site’s free allowances and no tokens', async () => {
		const external = `wp-user-${backend}-${Date.now()}`;
		const r = await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { user: external, feature: 'ai_bots', units: 10 } });
		expect(r.status).toBe(200);
		expect(r.json.paid_by).toEqual([expect.objectContaining({ type: 'allowance', tokens: 25 })]);
		const b = await callJson(`/api/v1/balance?user=${external}`, { headers: bearer(site) });
		expect(b.json).toMatchObject({ available: MEMBER_ALLOWANCES - 25, data: {} });
	});

	it('GET /api/v1/usage pages newest first with remaining after each use', async () => {
		const m = await member(db, 1000);
		for (let i = 0; i < 3; i++) await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'search_prices', units: 1 } });
		const r = await callJson('/api/v1/usage?limit=2', { headers: bearer(m.key) });
		expect(r.status).toBe(200);
		expect(r.json.data).toEqual([
			// `generator`, v1's first field, is the model when there is one, else the feature's key (kept as it was); `model` says none.
			expect.objectContaining({ generator: 'search_prices', feature: 'search_prices', model: null, tokens_used: 10, remaining: 970 }),
			expect.objectContaining({ remaining: 980 })
		]);
		const next = await callJson(`/api/v1/usage?limit=2&cursor=${r.json.next_cursor}`, { headers: bearer(m.key) });
		expect(next.json.data).toEqual([expect.objectContaining({ remaining: 990 })]);
		expect(next.json.next_cursor).toBeNull();
	});

	it('errors: 401 without or with a bad key, 403 on another account, 413, 415, 400 for bad JSON', async () => {
		const a = await member(db, 100);
		const b = await member(db, 100);
		expect((await callJson('/api/v1/balance')).json).toEqual({ error: 'unauthorized', message: expect.any(String) });
		expect((await callJson('/api/v1/balance')).status).toBe(401);
		expect((await callJson('/api/v1/balance', { headers: bearer('qk_not_a_real_key_00000000000000') })).status).toBe(401);
		expect((await callJson('/api/v1/balance', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
		expect((await callJson(`/api/v1/balance?user=${b.id}`, { headers: bearer(a.key) })).status).toBe(403);
		const spend = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: { user: b.id, feature: 'search_images', units: 1 } });
		expect(spend.status).toBe(403);
		const big = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: { feature: 'search_images', units: 1, metadata: { x: 'y'.repeat(70_000) } } });
		expect(big.status).toBe(413);
		const form = await callJson('/api/v1/consume', { headers: bearer(a.key, { ...idem(), 'content-type': 'application/x-www-form-urlencoded' }), body: 'feature=x' });
		expect(form.status).toBe(415);
		expect(form.json.error).toBe('unsupported_media_type');
		const bad = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: '{"feature":' });
		expect(bad.status).toBe(400);
		expect(bad.json.error).toBe('invalid_json');
		const units = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: { feature: 'search_images', units: 1.5 } });
		expect(units.status).toBe(400);
		expect(units.json).toMatchObject({ error: 'invalid_input', details: { fieldErrors: { units: expect.any(Array) } } });
		const unknown = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: { feature: 'teleport', units: 1 } });
		expect(unknown.status).toBe(422);
		expect(unknown.json.error).toBe('unknown_feature');
		expect(await lotTokens(a.accountId)).toBe(100);
		expect(await lotTokens(b.accountId)).toBe(100);
	});

	it('refuses in the order a client can act on: the key (401), its scope (403), then what was sent (415, 413, 400)', async () => {
		const { createAccountKey, signIn } = await import('../../src/lib/server/accounts');
		const m = await member(db, 100);
		const wrongKey = bearer('qk_not_a_real_key_00000000000000', idem());
		// A bad key is told so whatever it sent: no word about the body, its size or an unstorable query.
		for (const sent of [
			{ headers: { ...wrongKey, 'content-type': 'text/plain' }, body: 'feature=x' },
			{ headers: { ...wrongKey, 'content-type': 'application/x-www-form-urlencoded' }, body: 'x'.repeat(70_000) },
			{ headers: wrongKey, body: '{"feature":' }
		]) {
			const r = await callJson('/api/v1/consume', sent);
			expect([r.status, r.json.error]).toEqual([401, 'unauthorized']);
		}
		expect((await callJson('/api/v1/consume', { body: 'feature=x', headers: { 'content-type': 'text/plain' } })).status).toBe(401);
		expect((await callJson('/api/v1/balance?user=a%00b', { headers: bearer('qk_not_a_real_key_00000000000000') })).status).toBe(401);
		expect((await callJson('/api/v1/holds/a%00b/settle', { headers: wrongKey, body: { tokens: 1 } })).status).toBe(401);
		// A key without the route's scope learns that before anything about its body.
		const readOnly = await createAccountKey(db, m.auth, { accountId: m.accountId, name: 'read only', scopes: ['read'] });
		const unscoped = await callJson('/api/v1/consume', { headers: bearer(readOnly.value, { ...idem(), 'content-type': 'text/plain' }), body: 'feature=x' });
		expect([unscoped.status, unscoped.json.error]).toEqual([403, 'forbidden']);
		// A signed-in session (a browser's cookie) still gets 415 for a form's body, before anything is read or done.
		const session = await signIn(db, { email: m.email!, password: MEMBER_PASSWORD });
		const form = await callJson('/api/v1/consume', { headers: { cookie: `quota_session=${session.token}`, ...idem(), 'content-type': 'text/plain' }, body: '{"feature":"search_images","units":1}' });
		expect([form.status, form.json.error]).toEqual([415, 'unsupported_media_type']);
		// The caller known, the media type comes before the size and the JSON.
		const big = await callJson('/api/v1/consume', { headers: bearer(m.key, { ...idem(), 'content-type': 'text/plain' }), body: 'x'.repeat(70_000) });
		expect([big.status, big.json.error]).toEqual([415, 'unsupported_media_type']);
		const query = await callJson('/api/v1/balance?user=a%00b', { headers: bearer(m.key) });
		expect([query.status, query.json.error]).toEqual([400, 'invalid_input']);
		// A header holding a NUL, as a Request made in the process could (no HTTP client can: Node's parser refuses
		// it): a bad key is told 401, the key known the header is named (400).
		const nulHeader = { rewrite: withHeader('x-note', 'a\u0000b') };
		expect((await callJson('/api/v1/consume', { ...nulHeader, headers: wrongKey, body: { feature: 'search_images', units: 1 } })).status).toBe(401);
		expect((await callJson('/api/v1/embed/summary', { ...nulHeader, headers: bearer('qe_not_a_real_token') })).status).toBe(401);
		const header = await callJson('/api/v1/consume', { ...nulHeader, headers: bearer(m.key, idem()), body: { feature: 'search_images', units: 1 } });
		expect([header.status, header.json.error, header.json.message]).toEqual([400, 'invalid_input', 'x-note cannot hold a NUL character or an unpaired surrogate: neither can be stored.']);
		expect(await lotTokens(m.accountId)).toBe(100);
	});

	it('a key without the consume scope cannot spend (403) and a revoked key is refused (401)', async () => {
		const { createAccountKey, revokeApiKey } = await import('../../src/lib/server/accounts');
		const m = await member(db, 100);
		const readOnly = await createAccountKey(db, m.auth, { accountId: m.accountId, name: 'read only', scopes: ['read'] });
		expect((await callJson('/api/v1/balance', { headers: bearer(readOnly.value) })).status).toBe(200);
		expect((await callJson('/api/v1/consume', { headers: bearer(readOnly.value, idem()), body: { feature: 'search_images', units: 1 } })).status).toBe(403);
		await revokeApiKey(db, m.auth, readOnly.id);
		expect((await callJson('/api/v1/balance', { headers: bearer(readOnly.value) })).status).toBe(401);
		expect(await lotTokens(m.accountId)).toBe(100);
	});

	it('the seeds’ path /dashboard/user/token-management/balance answers for a signed-in session', async () => {
		const { signIn } = await import('../../src/lib/server/accounts');
		const m = await member(db, 321);
		const session = await signIn(db, { email: m.email!, password: MEMBER_PASSWORD });
		const r = await callJson('/dashboard/user/token-management/balance', { headers: { cookie: `quota_session=${session.token}` } });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ success: true, available: 321 + MEMBER_ALLOWANCES });
		expect((await callJson('/dashboard/user/token-management/balance')).status).toBe(401);
	});

	it('GET /api/v1/openapi.json is a valid OpenAPI 3.1 document covering every route', async () => {
		const r = await callJson('/api/v1/openapi.json');
		expect(r.status).toBe(200);
		expect(r.json.openapi).toBe('3.1.0');
		await SwaggerParser.validate(structuredClone(r.json) as never);
		expect(Object.keys(r.json.paths)).toEqual(
			expect.arrayContaining(['/api/v1/balance', '/api/v1/consume', '/api/v1/holds', '/api/v1/holds/{hold_id}/settle', '/api/v1/grants', '/api/v1/usage', '/api/v1/stream'])
		);
	});

	it('GET /api/v1/openapi.json is the same document gzipped, and unchanged documents revalidate with 304', async () => {
		const plain = await call('/api/v1/openapi.json');
		const text = await plain.text();
		const etag = plain.headers.get('etag');
		expect(etag).toMatch(/^"[\w-]+"$/);
		const zipped = await call('/api/v1/openapi.json', { headers: { 'accept-encoding': 'br, gzip' } });
		expect(zipped.headers.get('content-encoding')).toBe('gzip');
		expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8')).toBe(text);
		const again = await call('/api/v1/openapi.json', { headers: { 'if-none-match': etag! } });
		expect(again.status).toBe(304);
		expect(await again.text()).toBe('');
	});

	it('GET /api/v1/key describes the key it is sent with: kind, account and scopes, never its value', async () => {
		const m = await member(db, 0);
		const own = await callJson('/api/v1/key', { headers: bearer(m.key) });
		expect(own.status).toBe(200);
		expect(own.json).toEqual({ id: expect.any(String), kind: 'account', account_id: m.accountId, scopes: ['consume', 'read'] });
		const site = await callJson('/api/v1/key', { headers: bearer(await siteKey(db)) });
		expect(site.json).toMatchObject({ kind: 'site', account_id: null });
		expect(site.text).not.toContain('qk_');
		expect((await callJson('/api/v1/key', { headers: bearer('qk_forged_key_aaaaaaaaaaaaaaaaaaaa') })).status).toBe(401);
	});

	it('GET /api/v1/stream sends the balance at once and again after a consume', async () => {
		const m = await member(db, 1000);
		const controller = new AbortController();
		const res = await call('/api/v1/stream', { headers: { ...bearer(m.key) } });
		expect(res.headers.get('content-type')).toContain('text/event-stream');
		const reader = res.body!.getReader();
		const decoder = new TextDecoder();
		let buffer = '';
		const nextBalance = async () => {
			for (;;) {
				const events = buffer.split('\n\n');
				const idx = events.findIndex((e) => e.startsWith('event: balance'));
				if (idx >= 0) {
					buffer = events.slice(idx + 1).join('\n\n');
					return JSON.parse(events[idx]!.split('\ndata: ')[1]!);
				}
				const { value, done } = await reader.read();
				if (done) throw new Error('stream ended');
				buffer += decoder.decode(value);
			}
		};
		expect((await nextBalance()).available).toBe(1000 + MEMBER_ALLOWANCES);
		await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'search_images', units: 1 } });
		expect((await nextBalance()).available).toBe(990 + MEMBER_ALLOWANCES);
		controller.abort();
		await reader.cancel();
	});

	it('a team pool: a site key names the team; the member cap and team limit apply', async () => {
		const [team] = await db.rows<{ id: string; account_id: string }>((await import('drizzle-orm')).sql`select id, account_id from teams where name = 'Acme Studio'`);
		const before = await lotTokens(team!.account_id);
		const r = await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { team: team!.id, feature: 'search_prices', units: 1 } });
		expect(r.status).toBe(200);
		expect(await lotTokens(team!.account_id)).toBe(before - 10);
		await setAllowanceRule(db.orm, { module: 'product', audience: 'team', teamId: team!.id, limitTokens: 0, period: 'daily' });
		const off = await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { team: team!.id, feature: 'search_prices', units: 1 } });
		expect(off.status).toBe(403);
		await expectInvariants(db);
	});
	it('POST /api/v1/holds/{hold_id}/release works with no body and no Content-Type, as documented', async () => {
		const m = await member(db, 1000);
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'generate_texts', max_tokens: 300 } });
		const r = await callJson(`/api/v1/holds/${h.json.hold_id}/release`, { method: 'POST', headers: bearer(m.key) });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ cost: 0, released: 300 });
		expect(await lotTokens(m.accountId)).toBe(1000);
		await expectInvariants(db);
	});

	it('a site key naming no account is 422 on balance, usage and stream; naming several is 400 on every route', async () => {
		for (const path of ['/api/v1/balance', '/api/v1/usage', '/api/v1/stream']) {
			const none = await callJson(path, { headers: bearer(site) });
			expect(none.status, path).toBe(422);
			const words = 'A site key must name "user", "team" or "guest".';
			expect(none.json).toEqual({ error: 'invalid_input', message: words, details: { formErrors: [], fieldErrors: { user: [words] } } });
			const several = await callJson(`${path}?user=a&guest=b`, { headers: bearer(site) });
			expect(several.status, path).toBe(400);
			expect(several.json).toMatchObject({ error: 'invalid_input', details: { fieldErrors: { user: [expect.stringContaining('at most one')] } } });
		}
		const body = await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { user: 'a', team: '00000000-0000-4000-8000-000000000000', feature: 'ai_bots', units: 1 } });
		expect(body.status).toBe(400);
	});

	it('a body key a route does not take, beside the field it meant, is said in the message on every route: "did you mean"', async () => {
		const m = await member(db, 100);
		const hold = '00000000-0000-4000-8000-0000000000aa';
		const cases: [string, string, Record<string, unknown>, string][] = [
			['/api/v1/consume', m.key, { feature: 'ai_bots', unit: 10 }, 'units is required (the body has "unit": did you mean "units"?)'],
			['/api/v1/check', m.key, { feature: 'ai_bots', Units: 10 }, 'units is required (the body has "Units": did you mean "units"?)'],
			['/api/v1/holds', m.key, { feature: 'ai_bots', max_token: 50 }, 'max_tokens is required (the body has "max_token": did you mean "max_tokens"?)'],
			[`/api/v1/holds/${hold}/settle`, m.key, { token: 5 }, 'tokens is required (the body has "token": did you mean "tokens"?)'],
			['/api/v1/grants', site, { user: m.id, tokens: 5, sorce: 'bonus' }, 'source is required: one of "bonus", "referral", "event", "admin" (the body has "sorce": did you mean "source"?)'],
			['/api/v1/consume', m.key, { feature: 'ai_bots', count: 10 }, 'units is required (the body has "count": did you mean "units"?)'],
			['/api/v1/consume', m.key, { feature: 'ai_bots', extra: 10 }, 'units is required (the body also has the field "extra", which it does not take).']
		];
		for (const [path, key, body, message] of cases) {
			const r = await callJson(path, { headers: bearer(key, idem()), body });
			expect(r.status, path).toBe(400);
			expect(r.json, path).toMatchObject({ error: 'invalid_input', message });
		}
		const query = await callJson(`/api/v1/usage?limit=5&limt=5`, { headers: bearer(m.key) });
		expect(query.status).toBe(400);
		expect(query.json.message).toContain('"limt"');
		expect(await lotTokens(m.accountId)).toBe(100);
	});

	it('a team that does not exist is 404 "No such team" wherever a team can be named', async () => {
		const team = '00000000-0000-4000-8000-00000000beef';
		const answers = await Promise.all([
			callJson(`/api/v1/balance?team=${team}`, { headers: bearer(site) }),
			callJson(`/api/v1/usage?team=${team}`, { headers: bearer(site) }),
			callJson(`/api/v1/stream?team=${team}`, { headers: bearer(site) }),
			callJson('/api/v1/check', { headers: bearer(site), body: { team, feature: 'ai_bots', units: 1 } }),
			callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { team, feature: 'ai_bots', units: 1 } }),
			callJson('/api/v1/holds', { headers: bearer(site, idem()), body: { team, feature: 'ai_bots', max_tokens: 10 } }),
			callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { team, tokens: 10, source: 'bonus' } })
		]);
		for (const a of answers) expect(a.json).toEqual({ error: 'not_found', message: 'No such team.' });
		expect(answers.map((a) => a.status)).toEqual(answers.map(() => 404));
	});

	it('a grant that would expire in the past is refused (400, naming expires_at) and grants nothing', async () => {
		const m = await member(db, 0);
		const r = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: m.id, tokens: 500, source: 'bonus', expires_at: new Date(Date.now() - 60_000).toISOString() } });
		expect(r.status).toBe(400);
		expect(r.json).toMatchObject({ error: 'invalid_input', message: 'expires_at must be in the future.', details: { fieldErrors: { expires_at: expect.any(Array) } } });
		expect(await lotTokens(m.accountId)).toBe(0);
	});

	it('every API answer is JSON: a wrong method is 405 with Allow, an unknown route 404, a text/plain POST without Origin 415', async () => {
		const m = await member(db, 100);
		const wrong = await callJson('/api/v1/consume', { method: 'GET', headers: bearer(m.key) });
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('POST');
		expect(wrong.json).toEqual({ error: 'method_not_allowed', message: 'GET is not allowed here; use POST.' });
		const put = await callJson('/api/v1/balance', { method: 'PUT', headers: bearer(m.key, { 'content-type': 'application/json' }), body: '{}' });
		expect(put.status).toBe(405);
		expect(put.headers.get('allow')).toBe('GET, HEAD');
		expect(put.json.error).toBe('method_not_allowed');
		// A path without its v1/ (or misspelt) is told where the routes are listed.
		for (const path of ['/api/v1/no-such-route', '/api/balance']) {
			const missing = await callJson(path, { headers: bearer(m.key) });
			expect(missing.status).toBe(404);
			expect(missing.json).toEqual({ error: 'not_found', message: 'No such API route: GET /api/v1/openapi.json lists them.' });
		}
		// A server-to-server caller sends no Origin; its text/plain body is refused as a media type, in JSON.
		const plain = await callJson('/api/v1/consume', { headers: bearer(m.key, { ...idem(), 'content-type': 'text/plain' }), body: '{"feature":"search_images","units":1}' });
		expect(plain.status).toBe(415);
		expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
		expect(plain.json).toEqual({ error: 'unsupported_media_type', message: expect.any(String) });
		expect(await lotTokens(m.accountId)).toBe(100);
	});

	it('a host site’s user id of any documented length is a user (91 and 128 characters), 129 is 400 naming "user"', async () => {
		for (const length of [91, 128]) {
			const user = `${backend}-`.padEnd(length, 'u');
			const r = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user, tokens: 10, source: 'bonus' } });
			expect(r.status, `${length} characters`).toBe(201);
			const b = await callJson(`/api/v1/balance?user=${user}`, { headers: bearer(site) });
			// The 10 granted tokens are the user's general credit (available also counts free allowances).
			expect(b.json.data.general.credit).toBe(10);
		}
		const long = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: 'u'.repeat(129), tokens: 10, source: 'bonus' } });
		expect(long.status).toBe(400);
		expect(Object.keys(long.json.details.fieldErrors)).toEqual(['user']);
		await expectInvariants(db);
	});

	it('a failure inside logs ids and codes, never the request’s values, and answers 500 with a reference', async () => {
		const { sql } = await import('drizzle-orm');
		const m = await member(db, 100);
		const key = `secret-idempotency-${backend}-${Date.now()}`;
		const host = `host-user-secret-${Date.now()}`;
		const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
		// A real database fault with the request's values in its query: the table of operations is gone.
		await db.orm.execute(sql`alter table operations rename to operations_away`);
		try {
			const r = await callJson('/api/v1/consume', { headers: bearer(site, { 'idempotency-key': key }), body: { user: host, feature: 'search_images', units: 1, metadata: { note: host } } });
			expect(r.status).toBe(500);
			expect(r.json).toEqual({ error: 'internal_error', message: expect.stringMatching(/ref [0-9a-f]{8}/) });
			const lines = logged.mock.calls.map((c) => c.map(String).join(' ')).join('\n');
			expect(lines).toContain(`[api] POST /api/v1/consume failed (ref ${/ref ([0-9a-f]{8})/.exec(r.json.message)![1]})`);
			expect(lines).toMatch(/42P01/);
			expect(lines).not.toContain(host);
			expect(lines).not.toContain(key);
			expect(lines).not.toMatch(/select|params/i);
		} finally {
			await db.orm.execute(sql`alter table operations_away rename to operations`);
			logged.mockRestore();
		}
		expect(await lotTokens(m.accountId)).toBe(100);
	});
});
