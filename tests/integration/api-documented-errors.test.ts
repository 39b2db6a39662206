import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { doc, matches, operations } from '../helpers/openapi';
import { ensureSiteKey } from '../../src/lib/server/accounts';
import type { Db } from '../../src/lib/server/db/client';

// Each route documents the refusal codes it can give, as the `error` enum of each error status
// (api-openapi.test.ts checks every generated answer against them). Here: the rules a reader takes
// from that list which random requests rarely reach.

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
}, 120_000);
afterAll(async () => db?.close());

/** Every code a route documents, over all its statuses. */
const codes = (path: string, method: string) =>
	Object.values(doc.paths[path]![method]!.responses).flatMap((r) => {
		const schema = r.content?.['application/json']?.schema;
		return (schema?.allOf?.[1]?.properties?.error?.enum as string[] | undefined) ?? [];
	});
const documented = (path: string, method: string, status: number) => doc.paths[path]![method]!.responses[String(status)]!.content!['application/json']!.schema;

describe(`documented refusals per route on ${backend}`, () => {
	it('a route lists the codes it can answer: an Idempotency-Key is required exactly where idempotency_key_missing is listed, and check, which spends nothing, lists no spending or key refusal', () => {
		for (const { path, method, op } of operations) {
			const required = op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.required) ?? false;
			expect(codes(path, method.toLowerCase()).includes('idempotency_key_missing'), `${method} ${path}`).toBe(required);
		}
		expect(operations.filter(({ op }) => op.parameters?.some((p) => p.name === 'Idempotency-Key' && p.required)).map((o) => o.path)).toEqual([
			'/api/v1/consume',
			'/api/v1/holds',
			'/api/v1/grants'
		]);
		const check = codes('/api/v1/check', 'post');
		for (const code of ['idempotency_key_reused', 'idempotency_key_in_flight', 'insufficient_tokens', 'hold_expired']) expect(check).not.toContain(code);
		expect(codes('/api/v1/holds/{hold_id}/settle', 'post')).toEqual(expect.arrayContaining(['hold_already_settled', 'hold_expired', 'idempotency_key_reused']));
		// The body schema of a status refuses a code the route does not list.
		expect(matches(documented('/api/v1/check', 'post', 422), { error: 'idempotency_key_reused', message: 'x' }).ok).toBe(false);
		expect(matches(documented('/api/v1/check', 'post', 422), { error: 'unknown_feature', message: 'x' }).ok).toBe(true);
	});

	it('every route lists 503 unavailable (the database did not answer in time) and 500 internal_error, as /developers says of each', () => {
		for (const { path, method } of operations) {
			const responses = doc.paths[path]![method.toLowerCase()]!.responses;
			expect(responses['503']?.content?.['application/json']?.schema.allOf?.[1]?.properties?.error?.enum, `${method} ${path}`).toEqual(['unavailable']);
			expect(codes(path, method.toLowerCase()), `${method} ${path}`).toContain('internal_error');
		}
	});

	it('without an Idempotency-Key, consume, holds and grants are refused; a settle needs none, and a second settle of the hold answers 409 hold_already_settled', async () => {
		const m = await member(db, 10_000);
		for (const [path, key, body] of [
			['/api/v1/consume', m.key, { feature: 'ai_bots', units: 1 }],
			['/api/v1/holds', m.key, { feature: 'ai_bots', max_tokens: 10 }],
			['/api/v1/grants', site, { user: `documented-${backend}`, tokens: 1, source: 'bonus' }]
		] as const) {
			const r = await callJson(path, { headers: bearer(key), body });
			expect([r.status, r.json.error], path).toEqual([400, 'idempotency_key_missing']);
			expect(matches(documented(path, 'post', 400), r.json).ok).toBe(true);
		}
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `documented-hold-${backend}` }), body: { feature: 'ai_bots', max_tokens: 10 } });
		const settle = () => callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 4 } });
		expect((await settle()).status).toBe(200);
		const again = await settle();
		expect([again.status, again.json.error]).toEqual([409, 'hold_already_settled']);
		expect(matches(documented('/api/v1/holds/{hold_id}/settle', 'post', 409), again.json).ok).toBe(true);
	});

	it('a paused key is refused with 403 forbidden saying where it is resumed: a site key in Admin → API keys, an account key in Settings → API keys', async () => {
		const siteKey = await ensureSiteKey(db, { name: 'Paused site key', value: `qk_documented_paused_site_${backend}_0001` });
		const m = await member(db, 0);
		await db.rows(sql`update api_keys set paused_at = now() where id = ${siteKey.id} or account_id = ${m.accountId}`);
		for (const [value, place] of [
			[siteKey.value!, 'Admin → API keys'],
			[m.key, 'Settings → API keys']
		] as const) {
			const r = await callJson('/api/v1/key', { headers: bearer(value) });
			expect([r.status, r.json.error]).toEqual([403, 'forbidden']);
			expect(r.json.message).toContain(place);
			expect(r.json.details).toEqual({ reason: 'paused' });
			expect(matches(documented('/api/v1/key', 'get', 403), r.json).ok).toBe(true);
		}
	});
});
