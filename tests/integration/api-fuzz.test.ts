import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { callJson, useDb } from '../helpers/http';
import { bearer, member, siteKey } from '../helpers/api-fixture';
import { configureRates, expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';

// Random and malformed bodies, headers and keys against every REST route: never a 5xx, always a
// JSON error body, and no change to any balance.

let db: Db;
let keys: string[];
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	await useDb(db);
	const m = await member(db, 0);
	keys = [m.key, await siteKey(db), 'qk_forged_key_aaaaaaaaaaaaaaaaaaaa', 'not-a-key', ''];
});
afterAll(async () => db?.close());

const paths = [
	'/api/v1/balance',
	'/api/v1/feature-rates',
	'/api/v1/feature-rates/%00%ff',
	'/api/v1/check',
	'/api/v1/consume',
	'/api/v1/holds',
	'/api/v1/holds/not-a-uuid/settle',
	'/api/v1/holds/00000000-0000-0000-0000-000000000000/release',
	'/api/v1/grants',
	'/api/v1/usage'
];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const plausible = fc.record(
	{
		feature: fc.oneof(fc.constantFrom('ai_bots', 'generate_texts', 'nope', ''), fc.string()),
		units: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, '5', null)),
		model: fc.oneof(fc.constantFrom('gpt-5-nano', 'x'), fc.string(), fc.constant(null)),
		user: fc.oneof(fc.uuid(), fc.string({ maxLength: 300 })),
		team: fc.string(),
		guest: fc.string({ maxLength: 200 }),
		max_tokens: fc.oneof(fc.integer(), fc.double()),
		ttl_seconds: fc.integer(),
		tokens: fc.oneof(fc.integer(), fc.double(), fc.string()),
		source: fc.constantFrom('bonus', 'purchase', 'hack'),
		metadata: jsonValue
	},
	{ requiredKeys: [] }
);
const body = fc.oneof(
	plausible.map((b) => JSON.stringify(b)),
	jsonValue.map((v) => JSON.stringify(v)),
	fc.string({ maxLength: 200 }),
	fc.constantFrom('{', '[]', 'null', '{"units":1e999}', '{"__proto__":{"x":1}}')
);

describe(`REST fuzz on ${backend}`, () => {
	it('answers every malformed request with a 4xx JSON error and changes nothing', async () => {
		const snapshot = async () =>
			db.rows(sql`select (select count(*) from operations where status = 'ok')::int as ops, (select coalesce(sum(remaining), 0)::int8 from lots) as tokens, (select count(*) from lots)::int as lots`);
		const before = await snapshot();
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...paths),
				fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
				body,
				fc.option(fc.constantFrom(...keys.map((_, i) => i)), { nil: null }),
				fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.constant('')), { nil: null }),
				fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
				fc.string({ maxLength: 40 }),
				async (path, method, payload, keyIndex, idemKey, contentType, query) => {
					const headers: Record<string, string> = {};
					if (keyIndex !== null) Object.assign(headers, bearer(keys[keyIndex]!));
					if (idemKey !== null) headers['idempotency-key'] = idemKey;
					if (contentType) headers['content-type'] = contentType;
					const sep = path.includes('?') ? '&' : '?';
					const url = `${path}${query ? `${sep}${encodeURIComponent(query)}=${encodeURIComponent(query)}` : ''}`;
					let res;
					try {
						res = await callJson(url, { method, headers, body: method === 'GET' ? undefined : payload });
					} catch (e) {
						// new Request() refuses some header values before anything reaches the app.
						if (e instanceof TypeError) return;
						throw e;
					}
					expect(res.status, `${method} ${url} ${payload}`).toBeLessThan(500);
					if (res.status >= 400 && res.status !== 405) {
						expect(res.json, res.text).toMatchObject({ error: expect.any(String), message: expect.any(String) });
						expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
					}
				}
			),
			{ numRuns: 400 }
		);
		// The member has no tokens: nothing random could spend or grant without a valid body and key.
		expect(await snapshot()).toEqual(before);
		await expectInvariants(db);
	});
});
