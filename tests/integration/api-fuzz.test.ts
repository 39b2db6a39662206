import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { call, callJson, type ApiRequest } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { z } from 'zod';
import { TRPCError } from '@trpc/server';
import { appRouter } from '../../src/lib/server/trpc/router';
import { DomainError } from '../../src/lib/server/errors';
import { createUser, type Auth } from '../../src/lib/server/accounts';
import { hasUnstorable, invalid, mutated, unstorable, valid, type Schema } from '../helpers/openapi';
import { openApiDocument } from '../../src/lib/server/rest/openapi';

// Random and malformed bodies, headers and keys against every REST route: never a 5xx, always a
// JSON error body, and no change to any balance. The same for every tRPC procedure's input: NUL
// and unpaired surrogates are a BAD_REQUEST naming the field, nothing is an unexpected 500. No
// refusal of invalid input passes on zod's own words: every one is Quota's sentence naming the field.

/** zod's wording ("Too small: expected number to be >=1", "Invalid input", "Unrecognized key"), never a caller's. */
const ZOD_WORDS = /\bexpected\b|\breceived\b|Invalid (input|option|string|UUID|ISO|email|URL|key|element)|Too (small|big)|Unrecognized key|>=|<=/;

/** A message without what it quotes of the input (a generated field named "unexpected" is the caller's word). */
const ownWords = (message: string): string => message.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');

/** Every message a 400 carries: the sentence and each field's, in `details`. */
function invalidInputMessages(body: { message?: unknown; details?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> } }): string[] {
	return [String(body.message), ...(body.details?.formErrors ?? []), ...Object.values(body.details?.fieldErrors ?? {}).flat()];
}

let db: Db;
let keys: string[];
beforeAll(async () => {
	let site: string;
	({ db, site } = await openRestApi());
	const m = await member(db, 0);
	keys = [m.key, site, 'qk_forged_key_aaaaaaaaaaaaaaaaaaaa', 'not-a-key', '', `qe_${'a'.repeat(40)}.${'b'.repeat(43)}`];
});
afterAll(async () => db?.close());

const paths = [
	'/api/v1/key',
	'/api/v1/balance',
	'/api/v1/feature-rates',
	'/api/v1/feature-rates/%00%ff',
	'/api/v1/feature-rates/ai_bots%00',
	'/api/v1/check',
	'/api/v1/consume',
	'/api/v1/holds',
	'/api/v1/holds/not-a-uuid/settle',
	'/api/v1/holds/00000000-0000-0000-0000-000000000000/release',
	'/api/v1/grants',
	'/api/v1/grants/not-a-uuid/end',
	'/api/v1/grants/00000000-0000-0000-0000-000000000000/end',
	'/api/v1/usage',
	'/api/v1/stream',
	'/api/v1/openapi.json',
	'/api/v1/webhook-endpoints',
	'/api/v1/webhook-endpoints/not-a-uuid',
	'/api/v1/webhook-endpoints/00000000-0000-0000-0000-000000000000/rotate-secret',
	'/api/v1/webhook-endpoints/00000000-0000-0000-0000-000000000000/deliveries',
	'/api/v1/webhook-endpoints/00000000-0000-0000-0000-000000000000/deliveries/%00/redeliver',
	'/api/v1/embed-tokens',
	'/api/v1/embed/summary',
	'/api/v1/embed/stream'
];

/**
 * Routes under src/routes/api that are not Quota's REST API, so not in `paths`: each with where its
 * malformed requests are tested. A new route goes in `paths` or here, with its reason.
 */
const notRest: Record<string, string> = {
	'api/webhooks/paddle': "Paddle's webhook, signed by Paddle: store-webhook-rejects sends it what is unsigned, stale or unusable",
	'api/paddle-simulator/subscriptions/[id]/decline-charges': "the Paddle simulator's own (not_found unless it is the store's provider), tested in the store's tests",
	'api/paddle-simulator/subscriptions/[id]/renew': "the Paddle simulator's own (not_found unless it is the store's provider), tested in the store's tests",
	'api/paddle-simulator/transactions/[id]': "the Paddle simulator's own (not_found unless it is the store's provider), tested in the store's tests",
	'api/paddle-simulator/transactions/[id]/[action]': "the Paddle simulator's own (not_found unless it is the store's provider), tested in the store's tests"
};

/** Each folder under `dir` (relative to `root`) with a +server.ts: a route, as `api/v1/holds/[hold_id]/settle`. */
function routeFiles(dir: string, root: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return routeFiles(path, root);
		return name === '+server.ts' ? [relative(root, dir)] : [];
	});
}

/** A route's path as a pattern: `[id]` (a file's) or `{id}` (the OpenAPI document's) is any one segment. */
const routePattern = (route: string) => new RegExp(`^/${route.replace(/^\//, '').replace(/\[\w+\]|\{\w+\}/g, '[^/]+').replace(/\./g, '\\.')}$`);

const jsonValue = fc.jsonValue({ maxDepth: 3 });
/** `levels` arrays as JSON, one inside the other: 10,000 fit in a 20 KB body and once overflowed the stack (a 500). */
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
/** A plausible spend whose `field` is nested `levels` deep. */
const deepBody = (field: string, levels: number) => JSON.stringify({ user: 'deep', feature: 'ai_bots', units: 1, [field]: 0 }).replace('0}', `${deep(levels)}}`);
/** Text at and past the documented lengths, and text the database cannot store. */
const edgeText = fc.oneof(fc.string(), unstorable, fc.constantFrom(...[1, 64, 65, 100, 128, 129, 255, 256, 500, 501].map((n) => 'x'.repeat(n))));
const plausible = fc.record(
	{
		feature: fc.oneof(fc.constantFrom('ai_bots', 'generate_texts', 'nope', ''), edgeText),
		units: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, '5', null)),
		model: fc.oneof(fc.constantFrom('gpt-5-nano', 'x'), edgeText, fc.constant(null)),
		user: fc.oneof(fc.uuid(), edgeText),
		team: fc.oneof(fc.string(), unstorable),
		guest: edgeText,
		max_tokens: fc.oneof(fc.integer(), fc.double()),
		ttl_seconds: fc.integer(),
		tokens: fc.oneof(fc.integer(), fc.double(), fc.string()),
		unlimited: fc.oneof(fc.boolean(), edgeText, fc.constant(null)),
		source: fc.constantFrom('bonus', 'purchase', 'hack'),
		metadata: fc.oneof(jsonValue, fc.dictionary(edgeText, edgeText, { maxKeys: 2 })),
		note: edgeText,
		cursor: edgeText,
		url: fc.oneof(fc.constantFrom('http://127.0.0.1:9/hooks', 'ftp://example.com', 'http://a:99999'), edgeText),
		event_types: fc.oneof(fc.constant(['grant.created']), fc.array(edgeText, { maxLength: 3 }), jsonValue),
		enabled: fc.oneof(fc.boolean(), edgeText)
	},
	{ requiredKeys: [] }
);
const body = fc.oneof(
	plausible.map((b) => JSON.stringify(b)),
	jsonValue.map((v) => JSON.stringify(v)),
	fc.string({ maxLength: 200 }),
	fc.constantFrom('{', '[]', 'null', '1', '', '{"units":1e999}', '{"__proto__":{"x":1}}', '{"feature":"ai_bots\\u0000","units":1}', '{"user":"\\ud800","feature":"ai_bots","units":1}'),
	fc.constantFrom(deepBody('metadata', 10_000), deepBody('user', 20_000), deep(20_000))
);

/** callJson's answer, or null for an event stream it opened: that never ends, so it hangs up as a client does. */
async function answer(url: string, req: ApiRequest) {
	const res = await call(url, req);
	if (res.status === 200 && res.headers.get('content-type')?.startsWith('text/event-stream')) {
		await res.body?.cancel();
		return null;
	}
	const text = await res.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON: a 4xx then fails the test below
	}
	return { status: res.status, text, json };
}

describe(`REST fuzz on ${backend}`, () => {
	it('sends its requests to every route of src/routes/api and of the OpenAPI document', () => {
		const routesRoot = join(process.cwd(), 'src/routes');
		const files = routeFiles(join(routesRoot, 'api'), routesRoot);
		const documented = Object.keys(openApiDocument('http://localhost').paths as object);
		const fuzzed = (route: string) => paths.some((p) => routePattern(route).test(p));
		expect(files.filter((r) => !(r in notRest) && !fuzzed(r)), 'route files no fuzzed path reaches').toEqual([]);
		expect(documented.filter((r) => !fuzzed(r)), 'documented paths no fuzzed path reaches').toEqual([]);
		expect(Object.keys(notRest).filter((r) => !files.includes(r)), 'exemptions for routes that are gone').toEqual([]);
	});

	it('answers every malformed request with a 4xx JSON error and changes nothing', async () => {
		const snapshot = async () =>
			db.rows(sql`select (select count(*) from operations where status = 'ok')::int as ops, (select coalesce(sum(remaining), 0)::int8 from lots) as tokens, (select count(*) from lots)::int as lots`);
		const before = await snapshot();
		await fc.assert(
			fc.asyncProperty(
				fc.constantFrom(...paths),
				fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
				body,
				fc.option(fc.constantFrom(...keys.map((_, i) => i)), { nil: null }),
				fc.option(fc.oneof(fc.string({ maxLength: 300 }), fc.constant('')), { nil: null }),
				fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-8', ''),
				fc.oneof(fc.string({ maxLength: 40 }), unstorable),
				async (path, method, payload, keyIndex, idemKey, contentType, query) => {
					const headers: Record<string, string> = {};
					if (keyIndex !== null) Object.assign(headers, bearer(keys[keyIndex]!));
					if (idemKey !== null) headers['idempotency-key'] = idemKey;
					if (contentType) headers['content-type'] = contentType;
					const sep = path.includes('?') ? '&' : '?';
					const url = `${path}${query ? `${sep}${new URLSearchParams({ [query]: query })}` : ''}`;
					let res;
					try {
						res = await answer(url, { method, headers, body: method === 'GET' ? undefined : payload });
						if (res === null) return;
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
					if (res.status === 400 && res.json?.error === 'invalid_input') {
						for (const message of invalidInputMessages(res.json)) expect(ownWords(message), `${method} ${url} ${payload}`).not.toMatch(ZOD_WORDS);
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

describe(`REST input nested too deep on ${backend}`, () => {
	it('is refused on every route that takes a body, 400 naming the field, and changes nothing', async () => {
		const before = await db.rows(sql`select count(*)::int as ops, (select count(*) from lots)::int as lots from operations`);
		const site = bearer(keys[1]!);
		const routes = ['/api/v1/check', '/api/v1/consume', '/api/v1/holds', '/api/v1/grants', '/api/v1/holds/00000000-0000-0000-0000-000000000000/settle', '/api/v1/webhook-endpoints', '/api/v1/embed-tokens'];
		for (const route of routes) {
			const res = await callJson(route, { method: 'POST', headers: { ...site, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body: deepBody('metadata', 10_000) });
			expect(res.status, `${route}: ${res.text}`).toBe(400);
			expect(res.json, route).toMatchObject({ error: 'invalid_input', details: { fieldErrors: { metadata: [expect.stringContaining('cannot nest arrays and objects more than 64 levels deep.')] } } });
		}
		expect(await db.rows(sql`select count(*)::int as ops, (select count(*) from lots)::int as lots from operations`)).toEqual(before);
		await expectInvariants(db);
	});
});

/** A procedure's input as JSON Schema (its `.input()` objects merged), for the generator. */
function inputSchema(inputs: z.ZodType[]): Schema {
	const parts = inputs.map((i) => z.toJSONSchema(i, { io: 'input', unrepresentable: 'any' }) as Schema);
	if (parts.length === 1) return parts[0]!;
	return { type: 'object', properties: Object.assign({}, ...parts.map((p) => p.properties)), required: parts.flatMap((p) => p.required ?? []) };
}

describe(`tRPC fuzz on ${backend}`, () => {
	it('every procedure answers generated and malformed input without an unexpected 500; unstorable text is BAD_REQUEST', async () => {
		const admin = await createUser(db.orm, { email: `fuzz-admin-${Date.now()}@example.test`, name: 'Fuzz admin', password: 'correct-horse-battery-9', siteRole: 'admin' });
		const auth: Auth = { sessionId: 'fuzz', user: { id: admin.id, accountId: admin.accountId, email: admin.email, name: admin.name, siteRole: 'admin', timeZone: null } };
		const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { inputs: z.ZodType[]; mutation?: boolean; subscription?: boolean } }>);
		expect(procedures.length).toBeGreaterThan(20);
		const caller = appRouter.createCaller({ db, auth, guestId: null, ip: '127.0.0.1' });
		for (const [path, procedure] of procedures) {
			if (procedure._def.subscription) continue;
			const schema = procedure._def.inputs.length ? inputSchema(procedure._def.inputs) : { type: 'object', properties: {} };
			const call = path.split('.').reduce<any>((o, k) => o[k], caller) as (input: unknown) => Promise<unknown>;
			await fc.assert(
				fc.asyncProperty(fc.oneof(valid(schema), mutated(schema), invalid(schema)), async (input) => {
					let error: unknown = null;
					try {
						await Promise.race([call(input), new Promise((_, reject) => setTimeout(() => reject(new Error(`${path} took over 10 s`)), 10_000))]);
					} catch (e) {
						error = e;
					}
					const what = `${path}(${JSON.stringify(input)}): ${String(error)}`;
					if (!(error instanceof TRPCError)) return void expect(error, what).toBeNull();
					expect(error.code === 'INTERNAL_SERVER_ERROR' && !(error.cause instanceof DomainError), what).toBe(false);
					if (hasUnstorable(input)) expect(error.code, what).toBe('BAD_REQUEST');
					if (error.code === 'BAD_REQUEST') expect(ownWords(error.message), what).not.toMatch(ZOD_WORDS);
				}),
				{ numRuns: 6 }
			);
			// Nested past the limit, in any field: refused before any schema walks it (it once overflowed the stack).
			const deepError = await call({ x: JSON.parse(deep(20_000)) }).then(() => null, (e: unknown) => e);
			expect(deepError instanceof TRPCError && deepError.code, `${path}: ${String(deepError)}`).toBe('BAD_REQUEST');
		}
		await expectInvariants(db);
	});
});
