/**
 * Who may call which REST route — every +server.ts under src/routes/api/v1 (and the seeds' balance
 * path) must have a row here, or this test fails. A row says, for a request about memberA's
 * account, which callers get past authorization: those must succeed (2xx, or the one domain
 * refusal the row lists in `refusals`), the others must be refused with 401, 403 or 404 and a JSON
 * error. A 500, a 400 from a wrong request or an unlisted refusal fails the row, so each row's
 * success path really runs; the ledger invariants are checked after each row. Each allowed caller
 * calls in a world of its own; the refused callers go first, in the first allowed caller's world.
 * Add a route: one entry in `matrix` with `allow` and a `request` built from the world `w`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createEndpoint } from '../../src/lib/server/webhooks';
import { backend } from '../helpers/db';
import { callJson, type ApiRequest } from '../helpers/http';
import { member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { authenticateApiKey, createAccountKey, createSession } from '../../src/lib/server/accounts';
import { mintEmbedToken } from '../../src/lib/server/embed';
import { hold } from '../../src/lib/server/ledger';

const callers = ['noKey', 'badKey', 'keyA', 'keyB', 'readOnlyKeyA', 'siteKey', 'sessionA', 'embedTokenA'] as const;
type Caller = (typeof callers)[number];

interface World {
	a: Awaited<ReturnType<typeof member>>;
	headers: Record<Caller, Record<string, string>>;
	holdId: () => Promise<string>;
	endpointId: () => Promise<string>;
}

type Row = {
	allow: readonly Caller[];
	/** Per allowed caller: the status and error code it gets instead of success, when that is right. */
	refusals?: Partial<Record<Caller, { status: number; error: string }>>;
	request: (w: World) => Promise<{ path: string } & ApiRequest> | ({ path: string } & ApiRequest);
};

const keyed = ['keyA', 'siteKey', 'sessionA'] as const;
const readers = ['keyA', 'readOnlyKeyA', 'siteKey', 'sessionA'] as const;
let n = 0;
const idem = () => ({ 'idempotency-key': `authz-${backend}-${++n}` });

const matrix: Record<string, Row> = {
	// Any valid key may read what it is; a session has no key to describe.
	'api/v1/key': { allow: ['keyA', 'keyB', 'readOnlyKeyA', 'siteKey'], request: () => ({ path: '/api/v1/key' }) },
	'api/v1/balance': { allow: readers, request: (w) => ({ path: `/api/v1/balance?user=${w.a.id}` }) },
	'dashboard/user/token-management/balance': { allow: readers, request: (w) => ({ path: `/dashboard/user/token-management/balance?user=${w.a.id}` }) },
	'api/v1/feature-rates': { allow: ['keyA', 'keyB', 'readOnlyKeyA', 'siteKey', 'sessionA'], request: () => ({ path: '/api/v1/feature-rates' }) },
	'api/v1/feature-rates/[featureKey]': { allow: ['keyA', 'keyB', 'readOnlyKeyA', 'siteKey', 'sessionA'], request: () => ({ path: '/api/v1/feature-rates/search_images' }) },
	'api/v1/check': { allow: readers, request: (w) => ({ path: '/api/v1/check', body: { user: w.a.id, feature: 'search_images', units: 1 } }) },
	'api/v1/consume': { allow: keyed, request: (w) => ({ path: '/api/v1/consume', headers: idem(), body: { user: w.a.id, feature: 'search_images', units: 1 } }) },
	'api/v1/holds': { allow: keyed, request: (w) => ({ path: '/api/v1/holds', headers: idem(), body: { user: w.a.id, feature: 'search_images', max_tokens: 5 } }) },
	'api/v1/holds/[id]/settle': { allow: keyed, request: async (w) => ({ path: `/api/v1/holds/${await w.holdId()}/settle`, body: { tokens: 1 } }) },
	'api/v1/holds/[id]/release': { allow: keyed, request: async (w) => ({ path: `/api/v1/holds/${await w.holdId()}/release`, body: {} }) },
	'api/v1/grants': { allow: ['siteKey'], request: (w) => ({ path: '/api/v1/grants', headers: idem(), body: { user: w.a.id, tokens: 5, source: 'bonus' } }) },
	'api/v1/usage': { allow: readers, request: (w) => ({ path: `/api/v1/usage?user=${w.a.id}` }) },
	'api/v1/stream': { allow: readers, request: (w) => ({ path: `/api/v1/stream?user=${w.a.id}` }) },
	'api/v1/openapi.json': { allow: callers, request: () => ({ path: '/api/v1/openapi.json' }) },
	// The site's own endpoints: its key only (site admins manage them in the console, over tRPC).
	'api/v1/webhook-endpoints': { allow: ['siteKey'], request: () => ({ path: '/api/v1/webhook-endpoints', body: { url: `https://hooks.example.com/authz/${crypto.randomUUID()}`, event_types: ['grant.created'] } }) },
	'api/v1/webhook-endpoints/[id]': { allow: ['siteKey'], request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}` }) },
	'api/v1/webhook-endpoints/[id]/deliveries': { allow: ['siteKey'], request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}/deliveries` }) },
	'api/v1/webhook-endpoints/[id]/deliveries/[deliveryId]/redeliver': {
		allow: ['siteKey'],
		refusals: { siteKey: { status: 404, error: 'not_found' } },
		request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}/deliveries/999999999/redeliver`, method: 'POST' })
	},
	// Embed tokens: a site key makes them; the widget's reads take nothing else (an embed token reads memberA's account only).
	'api/v1/embed-tokens': { allow: ['siteKey'], request: (w) => ({ path: '/api/v1/embed-tokens', body: { user: w.a.id } }) },
	'api/v1/embed/summary': { allow: ['embedTokenA'], request: () => ({ path: '/api/v1/embed/summary' }) },
	'api/v1/embed/stream': { allow: ['embedTokenA'], request: () => ({ path: '/api/v1/embed/stream' }) }
};

function routeFiles(dir: string, root: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return routeFiles(path, root);
		return name === '+server.ts' ? [relative(root, dir)] : [];
	});
}

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
});
afterAll(async () => db?.close());

async function world(): Promise<World> {
	const a = await member(db, 1000);
	const b = await member(db, 1000);
	const readOnly = await createAccountKey(db, a.auth, { accountId: a.accountId, name: 'read only', scopes: ['read'] });
	const session = await createSession(db.orm, a.id);
	const auth = (key: string) => ({ authorization: `Bearer ${key}` });
	let k = 0;
	return {
		a,
		headers: {
			noKey: {},
			badKey: auth('qk_this_key_does_not_exist_0000000000'),
			keyA: auth(a.key),
			keyB: auth(b.key),
			readOnlyKeyA: auth(readOnly.value),
			siteKey: auth(site),
			sessionA: { cookie: `quota_session=${session.token}` },
			embedTokenA: auth(mintEmbedToken(await authenticateApiKey(db, site), a.accountId, 600).token)
		},
		holdId: async () =>
			(await hold(db.orm, { accountId: a.accountId, feature: 'search_images', maxTokens: 5, ttlSeconds: 60, actor: {}, idempotency: { scope: 'authz', key: `${a.id}-${++k}` } })).holdId,
		endpointId: async () => (await createEndpoint(db, { url: `https://hooks.example.com/authz/${crypto.randomUUID()}`, event_types: ['grant.created'] }, { ip: null })).id
	};
}

describe(`REST authorization on ${backend}`, () => {
	const routesRoot = join(process.cwd(), 'src/routes');
	const routes = [...routeFiles(join(routesRoot, 'api/v1'), routesRoot), 'dashboard/user/token-management/balance'].sort();

	it('has a row for every REST route and none for a route that is gone', () => {
		expect(routes.filter((r) => !(r in matrix)), 'routes without a row').toEqual([]);
		expect(Object.keys(matrix).filter((r) => !routes.includes(r)), 'rows without a route').toEqual([]);
	});

	for (const route of Object.keys(matrix).sort()) {
		const row = matrix[route]!;
		it(`${route}: ${row.allow.join(', ')}`, async () => {
			const problems: string[] = [];
			// The refused callers first, on the world (and request) the first allowed caller then gets: a refusal
			// changes nothing, and a call that wrongly gets through is a problem of the row whatever it changed.
			// Each further allowed caller gets a world of its own, as its success may change what the next finds.
			const refused = callers.filter((who) => !row.allow.includes(who));
			const allowed = callers.filter((who) => row.allow.includes(who));
			let w: World | undefined;
			let req: Awaited<ReturnType<typeof row.request>> | undefined;
			for (const [i, who] of [...refused, ...allowed].entries()) {
				if (!w || !req || i > refused.length) {
					w = await world();
					req = await row.request(w);
				}
				const res = route.endsWith('/stream') ? await streamStatus(req.path, w.headers[who]) : await callJson(req.path, { ...req, headers: { ...req.headers, ...w.headers[who] } });
				const error = res.json?.error;
				const got = `${res.status}${error ? ` ${error}` : ''}`;
				if (!row.allow.includes(who)) {
					const refused = [401, 403, 404].includes(res.status) && typeof error === 'string';
					if (!refused) problems.push(`${who}: expected 401/403/404 with a JSON error, got ${got}`);
					continue;
				}
				const listed = row.refusals?.[who];
				const ok = (res.status >= 200 && res.status < 300) || (listed !== undefined && res.status === listed.status && error === listed.error);
				if (!ok) problems.push(`${who}: expected success${listed ? ` or ${listed.status} ${listed.error}` : ''}, got ${got}`);
			}
			expect(problems, route).toEqual([]);
			await expectInvariants(db);
		});
	}
});

/** The stream stays open when allowed: read its status, then close it. */
async function streamStatus(path: string, headers: Record<string, string>) {
	const { call } = await import('../helpers/http');
	const res = await call(path, { headers });
	const json = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as Record<string, unknown>) : undefined;
	await res.body?.cancel().catch(() => {});
	return { status: res.status, json };
}
