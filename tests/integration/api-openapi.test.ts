import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { backend } from '../helpers/db';
import { call } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { grant } from '../../src/lib/server/ledger';
import { createEndpoint, startWebhookOutbox } from '../../src/lib/server/webhooks';
import { hasUnstorable, invalid, matches, mutated, operations, record, valid, type Operation, type Parameter, type Schema } from '../helpers/openapi';
import type { Db } from '../../src/lib/server/db/client';
import { authenticateApiKey } from '../../src/lib/server/accounts';
import { mintEmbedToken } from '../../src/lib/server/embed';
import { hostNameFits } from '../../src/lib/webhook-url';

// The OpenAPI document is the contract both ways: requests generated from its schemas (valid ones,
// and ones just outside them: a limit passed, a wrong type, NUL and unpaired surrogates, an unknown
// field, a non-JSON body) get a status the document lists for that route, a body matching the
// schema it gives for that status, 400 exactly when the request breaks the schema, and never a 5xx.

let db: Db;
const keys: Record<string, string | null> = { site: '', member: '', embed: '', none: null, bad: 'qk_not_a_real_key_00000000000000' };
/** The widget's routes take an embed token (security `embedToken`), every other route an API key. */
const embedOnly = (op: Operation) => op.security?.some((s) => 'embedToken' in s) ?? false;
/** The scope an operation's `security` says a key needs, or null (any key). */
const scopeOf = (op: Operation): string | null => op.security?.find((s) => 'apiKey' in s)?.apiKey?.[0] ?? null;
/** The member's key's scopes (beforeAll): a route needing another refuses it before reading the request. */
let memberScopes: string[] = [];
/** Path values that exist, so generated requests also reach the success paths. */
const existing: Record<string, string[]> = { featureKey: ['ai_bots', 'generate_texts'], id: [], hold_id: [], deliveryId: [], lot_id: [] };
const holdIds: string[] = [];
/** An open hold made before each test, for the plain example of the hold routes: the generated settles and releases of the tests before may have closed every hold in holdIds. */
let exampleHold = '';
let holdsMade = 0;
/** Opens a hold on the member's own tokens through the API; returns its id. */
async function openHold(): Promise<string> {
	const h = await call('/api/v1/holds', { headers: bearer(keys.member!, { 'idempotency-key': `openapi-hold-${++holdsMade}` }), body: { feature: 'generate_texts', max_tokens: 100 } });
	return ((await h.json()) as { hold_id: string }).hold_id;
}
let stopOutbox: () => void;
/** A delivery of each webhook endpoint, by endpoint id. */
const deliveryOf = new Map<string, string>();
beforeAll(async () => {
	({ db, site: keys.site } = await openRestApi());
	const m = await member(db, 100_000);
	keys.member = m.key;
	memberScopes = [...(await authenticateApiKey(db, m.key)).scopes];
	keys.embed = mintEmbedToken(await authenticateApiKey(db, keys.site), m.accountId, 3600).token;
	for (let i = 0; i < 8; i++) holdIds.push(await openHold());
	stopOutbox = startWebhookOutbox();
}, 300_000);
afterAll(async () => {
	stopOutbox?.();
	await db?.close();
});

/**
 * Webhook endpoints that are on, each with a delivery, for the {id} and {deliveryId} routes (the
 * generated DELETE and PATCH requests of the routes before may have removed or turned them off).
 */
beforeEach(async () => {
	await db.rows(sql`update webhook_endpoints set enabled = true`);
	// Counted among those that take grant.created: generated POSTs add endpoints of other types, which the grant below gives no delivery.
	for (let i = (await db.rows(sql`select id from webhook_endpoints where 'grant.created' = any(event_types)`)).length; i < 4; i++) {
		await createEndpoint(db, { url: `http://127.0.0.1:39/openapi-${crypto.randomUUID()}`, event_types: ['grant.created'] }, { ip: null });
	}
	const u = await makeUser(db);
	await grant(db.orm, { accountId: u.accountId, tokens: 10, source: 'bonus', grantKey: `openapi-${u.accountId}` });
	// An unlimited lot in force for the end route's plain example (the generated requests may have ended the ones before).
	existing.lot_id!.push((await grant(db.orm, { accountId: u.accountId, tokens: 0, unlimited: true, source: 'admin' })).lotId);
	exampleHold = await openHold();
	existing.hold_id = [...holdIds];
	existing.id = (await db.rows<{ id: string }>(sql`select id from webhook_endpoints`)).map((r) => r.id);
	// Newest last, and only endpoints that still exist: a generated DELETE may have removed one, and
	// Postgres returns rows in no set order, so a stale or deleted endpoint could otherwise come last.
	const deliveries = await db.rows<{ id: number; endpoint_id: string }>(
		sql`select d.id, d.endpoint_id from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id order by d.id`
	);
	existing.deliveryId = deliveries.map((r) => String(r.id));
	deliveryOf.clear();
	for (const d of deliveries) deliveryOf.set(d.endpoint_id, String(d.id));
});

/** A query or path value is text; a number in the schema is read from its digits, as the server does. */
const asParameter = (s: Schema, text: string): unknown =>
	(s.type === 'integer' || s.type === 'number') && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;

/** Whether a URL can carry the text (an unpaired surrogate is not UTF-8: clients send U+FFFD instead). */
const inUrl = (v: string) => {
	try {
		encodeURIComponent(v);
		return true;
	} catch {
		return false;
	}
};

/** A query or path value; a path segment cannot be empty (that is another route). */
const parameterValue = (p: Parameter) =>
	fc
		.oneof(
			{ weight: 4, arbitrary: valid(p.schema) },
			{ weight: 1, arbitrary: invalid(p.schema) },
			...(existing[p.name]?.length ? [{ weight: 3, arbitrary: fc.constantFrom(...existing[p.name]!) }] : [])
		)
		.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
		.filter((v) => inUrl(v) && (p.in !== 'path' || v !== ''));

const headerValue = (p: Parameter) =>
	fc.oneof(
		(valid(p.schema) as fc.Arbitrary<string>).filter((v) => v.trim() === v && v !== ''),
		fc.constantFrom('', 'k'.repeat((p.schema.maxLength ?? 255) + 1))
	);

const rawBodies = fc.constantFrom('{', '[]', '1', 'null', 'feature=ai_bots&units=1', '{"units":1e999}', '');

interface Generated {
	key: string;
	params: Record<string, string>;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: { json: unknown } | { raw: string } | null;
	contentType: string;
}

function request(op: Operation): fc.Arbitrary<Generated> {
	const ps = op.parameters ?? [];
	const pick = (where: Parameter['in'], value: (p: Parameter) => fc.Arbitrary<string>) => {
		const inHere = ps.filter((p) => p.in === where);
		const asSchema = { properties: Object.fromEntries(inHere.map((p) => [p.name, p])), required: inHere.filter((p) => p.required).map((p) => p.name) };
		return record(asSchema, (p) => value(p as Parameter)) as fc.Arbitrary<Record<string, string>>;
	};
	const schema = op.requestBody?.content['application/json'].schema;
	const body = schema
		? fc.oneof(
				{ weight: 5, arbitrary: valid(schema).map((json) => ({ json })) },
				{ weight: 3, arbitrary: mutated(schema).map((json) => ({ json })) },
				{ weight: 1, arbitrary: rawBodies.map((raw) => ({ raw })) },
				...(op.requestBody!.required ? [] : [{ weight: 1, arbitrary: fc.constant(null) }])
			)
		: fc.constant(null);
	return fc.record({
		key: embedOnly(op) ? fc.constantFrom('embed', 'embed', 'embed', 'site', 'none', 'bad') : fc.constantFrom('site', 'site', 'site', 'member', 'member', 'none', 'bad'),
		params: pick('path', parameterValue),
		query: pick('query', parameterValue),
		headers: pick('header', headerValue),
		body,
		contentType: fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain')
	});
}

/** Whether the request's parameters `in` those places keep the document's rules, the described ones included. */
function parametersKeepTheContract(op: Operation, g: Generated, places: Parameter['in'][]): boolean {
	for (const p of (op.parameters ?? []).filter((p) => places.includes(p.in))) {
		const v = (p.in === 'path' ? g.params : p.in === 'query' ? g.query : g.headers)[p.name];
		if (v === undefined) {
			if (p.required) return false;
			continue;
		}
		if (hasUnstorable(v) || !matches(p.schema, asParameter(p.schema, v)).ok) return false;
	}
	// "Name at most one of user, team or guest": in the body's schema, in each parameter's description.
	return !places.includes('query') || ['user', 'team', 'guest'].filter((t) => g.query[t] !== undefined).length <= 1;
}

/** Whether the request keeps every rule of the document, the described ones included. */
function keepsTheContract(path: string, op: Operation, g: Generated): boolean {
	if (!parametersKeepTheContract(op, g, ['path', 'query', 'header'])) return false;
	if (!op.requestBody || g.body === null) return !op.requestBody?.required || g.body !== null;
	let json: unknown;
	if ('raw' in g.body) {
		if (g.body.raw === '') json = {};
		else {
			try {
				json = JSON.parse(g.body.raw);
			} catch {
				return false;
			}
		}
	} else json = g.body.json;
	const schema = op.requestBody.content['application/json'].schema;
	// metadata's size, in its description.
	const meta = (json as { metadata?: unknown } | null)?.metadata;
	if (meta !== undefined && JSON.stringify(meta).length > 4096) return false;
	// A webhook URL's host name lengths, in its description.
	const url = path === '/api/v1/webhook-endpoints' || path === '/api/v1/webhook-endpoints/{id}' ? (json as { url?: unknown } | null)?.url : undefined;
	if (typeof url === 'string' && !hostNameFits(url)) return false;
	return !hasUnstorable(json) && matches(schema, json).ok;
}

function send(path: string, method: string, g: Generated, signal: AbortSignal) {
	const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(g.params[name] ?? 'missing')) + (Object.keys(g.query).length ? `?${new URLSearchParams(g.query)}` : '');
	const headers: Record<string, string> = { ...g.headers };
	const key = keys[g.key];
	if (key !== null && key !== undefined) headers.authorization = `Bearer ${key}`;
	let body: string | undefined;
	if (g.body !== null) {
		body = 'raw' in g.body ? g.body.raw : JSON.stringify(g.body.json);
		headers['content-type'] = g.contentType;
	}
	return call(url, { method, headers, body, signal });
}

/** One plainly valid request per route, run first, so every route's success path is checked too. */
/** A path's {id}, and for a delivery's route that endpoint's delivery. */
const withDelivery = (path: string, id: string): Record<string, string> => {
	if (!path.includes('{deliveryId}')) return { id };
	const [endpoint, delivery] = [...deliveryOf].at(-1)!;
	return { id: endpoint, deliveryId: delivery };
};

function example(path: string, op: Operation): Generated {
	const user = `openapi-${backend}-user`;
	const bodies: Record<string, Generated['body']> = {
		'/api/v1/check': { json: { user, feature: 'ai_bots', units: 1 } },
		'/api/v1/consume': { json: { feature: 'ai_bots', units: 1 } },
		'/api/v1/holds': { json: { feature: 'ai_bots', max_tokens: 10 } },
		'/api/v1/holds/{hold_id}/settle': { json: { tokens: 1 } },
		'/api/v1/grants': { json: { user, tokens: 10, source: 'bonus' } },
		'/api/v1/embed-tokens': { json: { user } },
		// A new URL each time: the API keeps one endpoint per URL.
		'/api/v1/webhook-endpoints': { json: { url: `https://hooks.example.com/openapi/${crypto.randomUUID()}`, event_types: ['grant.created'] } }
	};
	// The member's key spends from its own tokens; the site key names a host site's user, who has none.
	const ownAccount = path.startsWith('/api/v1/holds') || path === '/api/v1/consume';
	return {
		key: embedOnly(op) ? 'embed' : ownAccount ? 'member' : 'site',
		params: { featureKey: 'ai_bots', lot_id: existing.lot_id!.at(-1)!, hold_id: exampleHold, ...(path.includes('{id}') ? withDelivery(path, existing.id!.pop()!) : {}) },
		// Only a route whose query names the account takes one: any other refuses a parameter it does not take.
		query: !ownAccount && op.parameters?.some((p) => p.in === 'query' && p.name === 'user') ? { user } : {},
		headers: op.parameters?.some((p) => p.name === 'Idempotency-Key') ? { 'Idempotency-Key': `openapi-example-${path}` } : {},
		// The path's other method (GET beside POST) takes no body.
		body: op.requestBody ? (bodies[path] ?? null) : null,
		contentType: 'application/json'
	};
}

/**
 * Generated requests per route. What decides an answer's status and shape (authentication, scopes, the
 * schemas, the order of refusals) is the same code on both backends, and 60 runs on PGlite, the backend
 * every developer's run has, walk it. On PostgreSQL, where CI runs the file again, 15 runs after the
 * route's plain example (which succeeds on every route) still take each route through its own SQL, for
 * 4.6 fewer core-seconds there (the file: 18.1 → 13.5, node and server).
 */
const runsPerRoute = backend === 'postgres' ? 15 : 60;

describe(`REST v1 against its OpenAPI document on ${backend}`, () => {
	for (const { path, method, op } of operations) {
		it(`${method} ${path}: listed statuses, documented bodies, 400 exactly when the schema is broken`, async () => {
			const statuses = new Set<number>();
			await fc.assert(
				fc.asyncProperty(request(op), async (g) => {
					const controller = new AbortController();
					const res = await send(path, method, g, controller.signal);
					const type = res.headers.get('content-type') ?? '';
					const text = type.startsWith('text/event-stream') ? '' : await res.text();
					controller.abort();
					await res.body?.cancel().catch(() => {});
					const what = `${method} ${path} ${JSON.stringify(g)} → ${res.status} ${text}`;
					statuses.add(res.status);
					expect(Object.keys(op.responses), what).toContain(String(res.status));
					const documented = op.responses[String(res.status)]!.content ?? {};
					const mediaType = Object.keys(documented).find((m) => type.startsWith(m));
					expect(mediaType, what).toBeDefined();
					if (mediaType === 'application/json') {
						const check = matches(documented[mediaType]!.schema, JSON.parse(text));
						expect(check.ok, `${what}\n${check.errors}`).toBe(true);
					}
					const known = embedOnly(op) ? g.key === 'embed' : g.key === 'site' || g.key === 'member';
					const scope = scopeOf(op);
					// Refusals in the order a client can act on (docs/integration-kit.md): an unknown key is told so whatever it sent,
					// a key without the route's scope is told so before its body, query or path is read, then the path and query, then the body's type.
					if (!known) expect(res.status, what).toBe(401);
					else if (g.key === 'member' && scope && !memberScopes.includes(scope)) expect(res.status, what).toBe(403);
					else if (g.body !== null && !g.contentType.startsWith('application/json')) expect(res.status, what).toBe(parametersKeepTheContract(op, g, ['path', 'query']) ? 415 : 400);
					else expect(res.status === 400, what).toBe(!keepsTheContract(path, op, g));
				}),
				{ numRuns: runsPerRoute, examples: [[example(path, op)]] }
			);
			// The runs reached the route's success path, not only its refusals.
			expect([...statuses].some((s) => s < 300), [...statuses].join(' ')).toBe(true);
			await expectInvariants(db);
		});
	}

	it("a webhook URL the pattern matches but the API refuses (a host name's part over 63 characters) is refused by a rule the document states", async () => {
		const url = `https://${'a'.repeat(64)}.example.com/hooks`;
		for (const { path, method, op } of operations.filter((o) => o.path.startsWith('/api/v1/webhook-endpoints') && o.op.requestBody)) {
			const schema = op.requestBody!.content['application/json'].schema as { properties: Record<string, { pattern: string; description: string }> };
			const property = schema.properties.url!;
			expect(new RegExp(property.pattern).test(url), `${method} ${path}`).toBe(true);
			expect(property.description, `${method} ${path}`).toMatch(/host name is at most 253 characters, each part between dots at most 63 characters/);
		}
		const res = await call('/api/v1/webhook-endpoints', { headers: bearer(keys.site!), body: { url, event_types: ['grant.created'] } });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { message: string }).message).toMatch(/each part between dots at most 63/);
	});

	it('text the database cannot store is refused in every body field, query and path parameter, naming the field', async () => {
		for (const { path, method, op } of operations) {
			const schema = op.requestBody?.content['application/json'].schema;
			// A valid request of this route, then one field at a time made unstorable. Random requests that keep
			// a route's whole contract can be rare (the embed-token body needs exactly one of user or team),
			// so the search is bounded and the route's plain example, sent with the site key, is the fallback.
			const valid = (g: Generated) => g.key === 'site' && keepsTheContract(path, op, g) && (g.body === null || 'json' in g.body);
			const base = fc.sample(request(op), { numRuns: 2000, seed: 12 }).find(valid) ?? { ...example(path, op), key: 'site' as const };
			const fields = [
				...(op.parameters ?? []).filter((p) => p.in !== 'header').map((p) => ({ where: p.in, name: p.name })),
				...Object.keys(schema?.properties ?? {}).map((name) => ({ where: 'body' as const, name }))
			];
			for (const { where, name } of fields) {
				// A URL cannot carry an unpaired surrogate (it is not UTF-8), so path and query get NUL only.
				for (const bad of where === 'body' ? ['a\u0000b', '\ud800', 'x\udfff'] : ['a\u0000b', '\u0000']) {
					const g: Generated = structuredClone(base);
					g.contentType = 'application/json';
					if (where === 'path') g.params[name] = bad;
					else if (where === 'query') g.query[name] = bad;
					else g.body = { json: { ...((g.body as { json: object } | null)?.json ?? {}), [name]: bad } };
					const res = await send(path, method, g, new AbortController().signal);
					const answer = (await res.json()) as { error: string; message: string; details?: { fieldErrors?: Record<string, unknown> } };
					expect(res.status, `${method} ${path} ${where} ${name} ${JSON.stringify(bad)}`).toBe(400);
					expect(answer.error).toBe('invalid_input');
					expect(answer.message).toContain(name);
					expect(Object.keys(answer.details?.fieldErrors ?? {})).toContain(name);
				}
			}
		}
	});
});
