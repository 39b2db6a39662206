import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend, tableDigests } from '../helpers/db';
import { call } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import { operations, type Schema } from '../helpers/openapi';
import type { Db } from '../../src/lib/server/db/client';

// Every limit the OpenAPI document states (maxLength, minLength, maximum, minimum) is the limit
// validation enforces: a value at the limit is taken (whatever the domain then answers, never 400),
// one past it is 400 naming that field. Walked from the served document, per route. So is every
// route's refusal of a key it does not take: in the query of each, in the body of each with one.
// Both sets of requests change nothing they refuse.

let db: Db;
let site: string;
const holds: string[] = [];
let endpointId: string;
/** The widget's reads (/api/v1/embed/*) take an embed token, not a site key. */
let embedToken: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	const m = await member(db, 1_000_000);
	for (let i = 0; i < 18; i++) {
		const r = await call('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `limits-hold-${i}` }), body: { feature: 'ai_bots', max_tokens: 10 } });
		holds.push(((await r.json()) as { hold_id: string }).hold_id);
	}
	const endpoint = await call('/api/v1/webhook-endpoints', { headers: bearer(site), body: { url: 'https://hooks.example.com/quota', event_types: ['grant.created'] } });
	endpointId = ((await endpoint.json()) as { id: string }).id;
	const embed = await call('/api/v1/embed-tokens', { headers: bearer(site), body: { user: 'limits-user', ttl_seconds: 3600 } });
	embedToken = ((await embed.json()) as { token: string }).token;
}, 300_000);
afterAll(async () => db?.close());

interface Request {
	params: Record<string, string>;
	query: Record<string, string>;
	headers: Record<string, string>;
	body?: Record<string, unknown>;
}

/** Whether a route's query names the account (`user`, `team` or `guest`), as the document says. */
const namesAccountInQuery = (path: string) => operations.some((o) => o.path === path && o.op.parameters?.some((p) => p.in === 'query' && p.name === 'user'));

let n = 0;
/** A request each route takes, naming a host site's user (limits then change one field at a time). */
function base(path: string): Request {
	const headers = { 'Idempotency-Key': `limits-${backend}-${++n}` };
	const user = 'limits-user';
	const bodies: Record<string, Record<string, unknown>> = {
		'/api/v1/check': { user, feature: 'ai_bots', units: 1 },
		'/api/v1/consume': { user, feature: 'ai_bots', units: 1 },
		'/api/v1/holds': { user, feature: 'ai_bots', max_tokens: 10 },
		'/api/v1/holds/{hold_id}/settle': { tokens: 1 },
		'/api/v1/grants': { user, tokens: 1, source: 'bonus' },
		'/api/v1/webhook-endpoints': { url: 'https://hooks.example.com/quota', event_types: ['grant.created'] },
		'/api/v1/webhook-endpoints/{id}': { enabled: true },
		'/api/v1/embed-tokens': { user, ttl_seconds: 600 }
	};
	const endpoints = path.startsWith('/api/v1/webhook-endpoints') || path.startsWith('/api/v1/embed');
	const id = path.includes('{id}') && endpoints ? endpointId : '';
	const hold_id = path.includes('{hold_id}') ? holds.pop()! : '';
	// Only a route whose query names the account takes one (the webhook routes name none; a body names it).
	const query: Record<string, string> = namesAccountInQuery(path) ? { user } : {};
	// An unknown lot: the end route answers 404 past its limits' checks.
	return { params: { featureKey: 'ai_bots', id, hold_id, lot_id: randomUUID(), deliveryId: '999999999' }, query, headers, body: bodies[path] };
}

/** Each limit of a schema (one of anyOf's branches counts) with a value at it and one past it. */
function limits(s: Schema): { keyword: string; at: string | number; past: string | number }[] {
	return (s.anyOf ?? [s]).flatMap((b: Schema) => {
		// A value of length k that the field's pattern takes (a URL field takes only a URL).
		const fill = (k: number) => {
			const candidates = ['x'.repeat(k), 'a'.repeat(k), `https://example.com/${'x'.repeat(Math.max(0, k - 20))}`];
			return candidates.find((c) => c.length === k && (!b.pattern || new RegExp(b.pattern, 'u').test(c))) ?? candidates[0]!;
		};
		const out = [];
		if (b.maxLength !== undefined) out.push({ keyword: 'maxLength', at: fill(b.maxLength), past: fill(b.maxLength + 1) });
		if (b.minLength) out.push({ keyword: 'minLength', at: fill(b.minLength), past: fill(b.minLength - 1) });
		if (b.maximum !== undefined && b.maximum < Number.MAX_SAFE_INTEGER) out.push({ keyword: 'maximum', at: b.maximum, past: b.maximum + 1 });
		if (b.minimum !== undefined && b.minimum > Number.MIN_SAFE_INTEGER) out.push({ keyword: 'minimum', at: b.minimum, past: b.minimum - 1 });
		return out;
	});
}

async function send(path: string, method: string, r: Request) {
	const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(r.params[name]!)) + (Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : '');
	const controller = new AbortController();
	const key = path.startsWith('/api/v1/embed/') ? embedToken : site;
	const res = await call(url, { method, headers: bearer(key, r.headers), body: r.body, signal: controller.signal });
	const json = res.headers.get('content-type')?.startsWith('application/json') ? ((await res.json()) as { error: string; details?: { fieldErrors?: Record<string, unknown> } }) : null;
	controller.abort();
	return { status: res.status, json };
}

const TARGETS = ['user', 'team', 'guest'];

describe(`REST v1 limits walked from the OpenAPI document on ${backend}`, () => {
	for (const { path, method, op } of operations) {
		const fields = [
			...(op.parameters ?? []).map((p) => ({ where: p.in, name: p.name, schema: p.schema })),
			...Object.entries((op.requestBody?.content['application/json'].schema.properties ?? {}) as Record<string, Schema>).map(([name, schema]) => ({ where: 'body' as const, name, schema }))
		].flatMap((f) => limits(f.schema).map((l) => ({ ...f, ...l })));
		if (!fields.length) continue;
		it(`${method} ${path}: ${fields.map((f) => `${f.name} ${f.keyword}`).join(', ')}`, async () => {
			for (const f of fields) {
				if (f.where === 'path' && f.past === '') continue; // an empty path segment is another route
				for (const [value, refused] of [[f.at, false], [f.past, true]] as const) {
					const r = base(path);
					// Naming a target replaces the base's one: at most one may be named.
					if (TARGETS.includes(f.name)) for (const t of TARGETS) (delete r.query[t], r.body && delete r.body[t]);
					// `member` goes with `team` (the member viewing a team pool's widget): the base names a team instead.
					if (f.name === 'member' && r.body) (delete r.body.user, (r.body.team = randomUUID()));
					if (f.where === 'body') r.body = { ...r.body, [f.name]: value };
					else (f.where === 'path' ? r.params : f.where === 'query' ? r.query : r.headers)[f.name] = String(value);
					const res = await send(path, method, r);
					const what = `${f.name} ${f.keyword} ${refused ? 'past' : 'at'} the limit: ${res.status} ${JSON.stringify(res.json)}`;
					expect(res.status, what).toBeLessThan(500);
					if (refused) {
						expect(res.status, what).toBe(400);
						expect(Object.keys(res.json?.details?.fieldErrors ?? {}), what).toContain(f.name);
					} else expect(res.status, what).not.toBe(400);
				}
			}
			await expectInvariants(db);
		});
	}
});

describe(`REST v1 refuses a key it does not take, on every route of the OpenAPI document, on ${backend}`, () => {
	for (const { path, method, op } of operations) {
		const hasBody = Boolean(op.requestBody);
		it(`${method} ${path}: "extra" in the query${hasBody ? ' and in the body' : ''} is 400 naming it, and changes nothing`, async () => {
			const before = await tableDigests(db);
			const places = hasBody ? (['query', 'body'] as const) : (['query'] as const);
			for (const where of places) {
				const r = base(path);
				// A path's other method takes the base's body (GET beside POST or PATCH): this one takes none.
				if (!hasBody) delete r.body;
				if (where === 'query') r.query = { ...r.query, extra: '1' };
				else r.body = { ...r.body, extra: 1 };
				const res = await send(path, method, r);
				const said = JSON.stringify(res.json);
				expect({ where, status: res.status, error: res.json?.error }, said).toEqual({ where, status: 400, error: 'invalid_input' });
				expect(said, where).toContain('\\"extra\\"');
			}
			const after = await tableDigests(db);
			expect(Object.keys(after).filter((t) => after[t] !== before[t]), 'tables changed').toEqual([]);
			await expectInvariants(db);
		});
	}
});
