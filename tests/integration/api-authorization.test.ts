/**
 * Who may call which REST operation — every method of every +server.ts under src/routes/api/v1 (and
 * the seeds' balance path) must have a row here, or this test fails. A row says, for a request about
 * memberA's account, which callers get past authorization: those must succeed (2xx, or the one
 * domain refusal the row lists in `refusals`), the others must be refused with 401, 403 or 404 and a
 * JSON error, and change nothing (users, accounts, lots, operations, webhook endpoints counted before
 * and after; the ledger invariants after each row). A 500, a 400 from a wrong request or an unlisted
 * refusal fails the row, so each row's success path really runs. Site keys come with each one scope
 * (`siteRead`, `siteConsume`, `siteGrant`, `siteWebhooks`) and with all (`siteKey`): exactly the
 * one holding the scope the OpenAPI document names for the operation gets through, so what the
 * document says is what the API does. Each allowed caller of a POST, PATCH or DELETE calls in a world
 * of its own; a GET's callers share one (a read: what it writes is the caller's own key's last use); the
 * refused callers go first, in the first allowed caller's world.
 * Add a route: one entry per method in `matrix` with `allow` and a `request` built from the world `w`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createEndpoint } from '../../src/lib/server/webhooks';
import { backend } from '../helpers/db';
import { callJson, type ApiRequest } from '../helpers/http';
import { member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants, makeTeamWithMember } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { authenticateApiKey, createAccountKey, createSession, createSiteKey, setActiveAccount, type ApiKeyScope, type Auth } from '../../src/lib/server/accounts';
import { openApiDocument } from '../../src/lib/server/rest/openapi';
import { sql } from 'drizzle-orm';
import { mintEmbedToken } from '../../src/lib/server/embed';
import { balances, grant, hold } from '../../src/lib/server/ledger';
import { teamMembers } from '../../src/lib/server/db/schema';

const callers = ['noKey', 'badKey', 'keyA', 'keyB', 'readOnlyKeyA', 'siteKey', 'siteRead', 'siteConsume', 'siteGrant', 'siteWebhooks', 'sessionA', 'embedTokenA'] as const;
/** The site key with only this scope. */
const onlyScope = { read: 'siteRead', consume: 'siteConsume', grant: 'siteGrant', webhooks: 'siteWebhooks' } as const satisfies Record<ApiKeyScope, Caller>;
const anyKey = ['keyA', 'keyB', 'readOnlyKeyA', 'siteKey', 'siteRead', 'siteConsume', 'siteGrant', 'siteWebhooks'] as const;
type Caller = (typeof callers)[number];

interface World {
	a: Awaited<ReturnType<typeof member>>;
	headers: Record<Caller, Record<string, string>>;
	holdId: () => Promise<string>;
	/** A new unlimited lot on memberA's account (each end takes one). */
	unlimitedLotId: () => Promise<string>;
	endpointId: () => Promise<string>;
}

type Row = {
	allow: readonly Caller[];
	/** Per allowed caller: the status and error code it gets instead of success, when that is right. */
	refusals?: Partial<Record<Caller, { status: number; error: string }>>;
	request: (w: World) => Promise<{ path: string } & ApiRequest> | ({ path: string } & ApiRequest);
};

const spenders = ['keyA', 'siteKey', 'siteConsume', 'sessionA'] as const;
const readers = ['keyA', 'readOnlyKeyA', 'siteKey', 'siteRead', 'sessionA'] as const;
const webhookKeys = ['siteKey', 'siteWebhooks'] as const;
let n = 0;
const idem = () => ({ 'idempotency-key': `authz-${backend}-${++n}` });

const matrix: Record<string, Row> = {
	// Any valid key may read what it is, whatever its scopes; a session has no key to describe.
	'GET api/v1/key': { allow: anyKey, request: () => ({ path: '/api/v1/key' }) },
	'GET api/v1/balance': { allow: readers, request: (w) => ({ path: `/api/v1/balance?user=${w.a.id}` }) },
	'GET dashboard/user/token-management/balance': { allow: readers, request: (w) => ({ path: `/dashboard/user/token-management/balance?user=${w.a.id}` }) },
	'GET api/v1/feature-rates': { allow: [...readers, 'keyB'], request: () => ({ path: '/api/v1/feature-rates' }) },
	'GET api/v1/feature-rates/[featureKey]': { allow: [...readers, 'keyB'], request: () => ({ path: '/api/v1/feature-rates/search_images' }) },
	'POST api/v1/check': { allow: readers, request: (w) => ({ path: '/api/v1/check', body: { user: w.a.id, feature: 'search_images', units: 1 } }) },
	'POST api/v1/consume': { allow: spenders, request: (w) => ({ path: '/api/v1/consume', headers: idem(), body: { user: w.a.id, feature: 'search_images', units: 1 } }) },
	'POST api/v1/holds': { allow: spenders, request: (w) => ({ path: '/api/v1/holds', headers: idem(), body: { user: w.a.id, feature: 'search_images', max_tokens: 5 } }) },
	'POST api/v1/holds/[hold_id]/settle': { allow: spenders, request: async (w) => ({ path: `/api/v1/holds/${await w.holdId()}/settle`, body: { tokens: 1 } }) },
	'POST api/v1/holds/[hold_id]/release': { allow: spenders, request: async (w) => ({ path: `/api/v1/holds/${await w.holdId()}/release`, body: {} }) },
	// Granting is its own scope: a metering key (consume) gives nobody tokens.
	'POST api/v1/grants': { allow: ['siteKey', 'siteGrant'], request: (w) => ({ path: '/api/v1/grants', headers: idem(), body: { user: w.a.id, tokens: 5, source: 'bonus' } }) },
	'POST api/v1/grants/[lot_id]/end': { allow: ['siteKey', 'siteGrant'], request: async (w) => ({ path: `/api/v1/grants/${await w.unlimitedLotId()}/end`, headers: idem(), body: {} }) },
	'GET api/v1/usage': { allow: readers, request: (w) => ({ path: `/api/v1/usage?user=${w.a.id}` }) },
	'GET api/v1/stream': { allow: readers, request: (w) => ({ path: `/api/v1/stream?user=${w.a.id}` }) },
	'GET api/v1/openapi.json': { allow: callers, request: () => ({ path: '/api/v1/openapi.json' }) },
	// The site's own endpoints: a site key with the webhooks scope (site admins manage them in the console, over tRPC).
	'GET api/v1/webhook-endpoints': { allow: webhookKeys, request: () => ({ path: '/api/v1/webhook-endpoints' }) },
	'POST api/v1/webhook-endpoints': { allow: webhookKeys, request: () => ({ path: '/api/v1/webhook-endpoints', body: { url: `https://hooks.example.com/authz/${crypto.randomUUID()}`, event_types: ['grant.created'] } }) },
	'GET api/v1/webhook-endpoints/[id]': { allow: webhookKeys, request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}` }) },
	'PATCH api/v1/webhook-endpoints/[id]': { allow: webhookKeys, request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}`, method: 'PATCH', body: { description: 'changed' } }) },
	'DELETE api/v1/webhook-endpoints/[id]': { allow: webhookKeys, request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}`, method: 'DELETE' }) },
	'POST api/v1/webhook-endpoints/[id]/rotate-secret': { allow: webhookKeys, request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}/rotate-secret`, method: 'POST' }) },
	'GET api/v1/webhook-endpoints/[id]/deliveries': { allow: webhookKeys, request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}/deliveries` }) },
	'POST api/v1/webhook-endpoints/[id]/deliveries/[deliveryId]/redeliver': {
		allow: webhookKeys,
		refusals: { siteKey: { status: 404, error: 'not_found' }, siteWebhooks: { status: 404, error: 'not_found' } },
		request: async (w) => ({ path: `/api/v1/webhook-endpoints/${await w.endpointId()}/deliveries/999999999/redeliver`, method: 'POST' })
	},
	// Embed tokens: a site key that reads makes them; the widget's reads take nothing else (an embed token reads memberA's account only).
	'POST api/v1/embed-tokens': { allow: ['siteKey', 'siteRead'], request: (w) => ({ path: '/api/v1/embed-tokens', body: { user: w.a.id } }) },
	'GET api/v1/embed/summary': { allow: ['embedTokenA'], request: () => ({ path: '/api/v1/embed/summary' }) },
	'GET api/v1/embed/stream': { allow: ['embedTokenA'], request: () => ({ path: '/api/v1/embed/stream' }) }
};

/** `METHOD route` for each method a +server.ts exports (OPTIONS, the widget's CORS preflight, aside). */
function operations(routesRoot: string, route: string): string[] {
	const text = readFileSync(join(routesRoot, route, '+server.ts'), 'utf8');
	const methods = [...text.matchAll(/export (?:const (GET|POST|PUT|PATCH|DELETE)\b|\{ (GET|POST|PUT|PATCH|DELETE) \})/g)].map((m) => m[1] ?? m[2]);
	return methods.map((m) => `${m} ${route}`);
}

/** What a refused call must leave as it was. */
type Counts = Record<'users' | 'accounts' | 'lots' | 'operations' | 'endpoints', number>;
async function counts(): Promise<Counts> {
	const [row] = await db.rows<Counts>(sql`select (select count(*) from users)::int as users, (select count(*) from accounts)::int as accounts,
		(select count(*) from lots)::int as lots, (select count(*) from operations)::int as operations, (select count(*) from webhook_endpoints)::int as endpoints`);
	return row!;
}

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
	const admin: Auth = { ...a.auth, user: { ...a.auth.user, siteRole: 'admin' } };
	const only = async (scope: ApiKeyScope) => auth((await createSiteKey(db, admin, { name: `only ${scope}`, scopes: [scope] })).value);
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
			siteRead: await only('read'),
			siteConsume: await only('consume'),
			siteGrant: await only('grant'),
			siteWebhooks: await only('webhooks'),
			sessionA: { cookie: `quota_session=${session.token}` },
			embedTokenA: auth(mintEmbedToken(await authenticateApiKey(db, site), a.accountId, 600).token)
		},
		holdId: async () =>
			(await hold(db.orm, { accountId: a.accountId, feature: 'search_images', maxTokens: 5, ttlSeconds: 60, actor: {}, idempotency: { scope: 'authz', key: `${a.id}-${++k}` } })).holdId,
		unlimitedLotId: async () =>
			(await grant(db.orm, { accountId: a.accountId, tokens: 0, unlimited: true, source: 'bonus', grantKey: `authz-unlimited-${a.id}-${++k}`, actor: {} })).lotId,
		endpointId: async () => (await createEndpoint(db, { url: `https://hooks.example.com/authz/${crypto.randomUUID()}`, event_types: ['grant.created'] }, { ip: null })).id
	};
}

describe(`REST authorization on ${backend}`, () => {
	const routesRoot = join(process.cwd(), 'src/routes');
	const routes = [...routeFiles(join(routesRoot, 'api/v1'), routesRoot), 'dashboard/user/token-management/balance'].flatMap((r) => operations(routesRoot, r)).sort();

	it('has a row for every method of every REST route and none for one that is gone', () => {
		expect(routes.filter((r) => !(r in matrix)), 'operations without a row').toEqual([]);
		expect(Object.keys(matrix).filter((r) => !routes.includes(r)), 'rows without an operation').toEqual([]);
	});

	it('lets through, of the one-scope site keys, exactly the one with the scope the OpenAPI document names', () => {
		const paths = openApiDocument('http://localhost').paths as Record<string, Record<string, { security?: { apiKey?: string[] }[] }>>;
		const said: Record<string, string[]> = {};
		const done: Record<string, string[]> = {};
		for (const [op, row] of Object.entries(matrix)) {
			const [method, route] = op.split(' ') as [string, string];
			if (!route.startsWith('api/v1/') || route.startsWith('api/v1/embed/') || route === 'api/v1/openapi.json') continue;
			const security = paths[`/${route.replace(/\[(\w+)\]/g, '{$1}')}`]?.[method.toLowerCase()]?.security;
			said[op] = (security?.[0]?.apiKey ?? []).map((s) => onlyScope[s as ApiKeyScope]);
			done[op] = Object.values(onlyScope).filter((c) => (row.allow as readonly Caller[]).includes(c));
		}
		// The key's own description needs no scope: every one-scope key gets it.
		said['GET api/v1/key'] = Object.values(onlyScope);
		expect(done).toEqual(said);
	});

	for (const route of Object.keys(matrix).sort()) {
		const row = matrix[route]!;
		it(`${route}: ${row.allow.join(', ')}`, async () => {
			const problems: string[] = [];
			// The refused callers first, on the world (and request) the first allowed caller then gets: a refusal
			// changes nothing, and a call that wrongly gets through is a problem of the row whatever it changed.
			// Each further allowed caller of a write gets a world of its own, as its success may change what the next
			// finds; a GET's share one: 50 worlds instead of 97.
			const ownWorlds = !route.startsWith('GET ');
			const refused = callers.filter((who) => !row.allow.includes(who));
			const allowed = callers.filter((who) => row.allow.includes(who));
			let w: World | undefined;
			let req: Awaited<ReturnType<typeof row.request>> | undefined;
			let before: Counts | undefined;
			for (const [i, who] of [...refused, ...allowed].entries()) {
				if (!w || !req || (i > refused.length && ownWorlds)) {
					w = await world();
					req = await row.request(w);
					before = await counts();
				}
				if (i === refused.length) expect(await counts(), `${route}: what the refused calls changed`).toEqual(before);
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

describe(`What each scope may do, on ${backend}`, () => {
	const siteKeyWith = async (scopes: ApiKeyScope[]) => {
		const a = await member(db, 0);
		return (await createSiteKey(db, { ...a.auth, user: { ...a.auth.user, siteRole: 'admin' } }, { name: `scopes ${scopes.join(' ')}`, scopes })).value;
	};
	const post = (key: string, path: string, body: unknown, headers: Record<string, string> = {}) => callJson(path, { headers: { authorization: `Bearer ${key}`, ...headers }, body });

	it('a consume key grants nobody tokens, of any source, and is told so before its body is read; a grant key does', async () => {
		const consume = await siteKeyWith(['consume', 'read']);
		const before = await counts();
		for (const source of ['bonus', 'admin']) {
			const res = await post(consume, '/api/v1/grants', { user: 'gr-1', tokens: 1_000_000_000_000, source }, idem());
			expect(res).toMatchObject({ status: 403, json: { error: 'forbidden', message: 'This API key lacks the grant scope.' } });
		}
		// Told before the body is read: a body the grant route would refuse (no source; none at all; no Idempotency-Key)
		// is still the scope's 403, so nobody mends a body for a call the key may never make.
		for (const [body, headers] of [[{ user: 'gr-1', tokens: 100 }, idem()], [{}, idem()], [{ user: 'gr-1', tokens: 100, source: 'bonus' }, {}]] as const) {
			expect(await post(consume, '/api/v1/grants', body, headers)).toMatchObject({ status: 403, json: { error: 'forbidden', message: 'This API key lacks the grant scope.' } });
		}
		expect(await post(consume, '/api/v1/webhook-endpoints', {})).toMatchObject({ status: 403, json: { message: 'This API key lacks the webhooks scope.' } });
		expect(await counts()).toEqual(before);
		const granter = await siteKeyWith(['grant']);
		expect(await post(granter, '/api/v1/grants', { user: 'gr-1', tokens: 10, source: 'bonus' }, idem())).toMatchObject({ status: 201, json: { tokens: 10 } });
		await expectInvariants(db);
	});

	it('a read key makes no user for an embed token or a stream: 404, nobody added; a key that consumes does', async () => {
		const read = await siteKeyWith(['read']);
		const both = await siteKeyWith(['consume', 'read']);
		const before = await counts();
		const refused = await post(read, '/api/v1/embed-tokens', { user: 'ro-made-me' });
		expect(refused).toMatchObject({ status: 404, json: { error: 'not_found', message: 'No such user yet: a key without the consume scope makes no new users.' } });
		expect(await streamStatus('/api/v1/stream?guest=ro-guest', { authorization: `Bearer ${read}` })).toMatchObject({ status: 404, json: { error: 'not_found' } });
		expect(await counts()).toEqual(before);
		expect(await post(both, '/api/v1/embed-tokens', { user: 'ro-made-me' })).toMatchObject({ status: 201 });
		expect((await counts()).users).toBe(before.users + 1);
		// Now the site has named that user, the read key makes their embed token.
		expect(await post(read, '/api/v1/embed-tokens', { user: 'ro-made-me' })).toMatchObject({ status: 201 });
	});

	it('a read key neither makes nor deletes webhook endpoints', async () => {
		const read = await siteKeyWith(['read']);
		const id = (await createEndpoint(db, { url: `https://hooks.example.com/scopes/${crypto.randomUUID()}`, event_types: ['grant.created'] }, { ip: null })).id;
		const before = await counts();
		expect(await post(read, '/api/v1/webhook-endpoints', { url: 'https://hooks.example.com/ro', event_types: ['grant.created'] })).toMatchObject({ status: 403, json: { message: 'This API key lacks the webhooks scope.' } });
		expect(await callJson(`/api/v1/webhook-endpoints/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${read}` } })).toMatchObject({ status: 403 });
		expect(await counts()).toEqual(before);
	});

	it('an account key may not be given a site key’s scopes', async () => {
		const a = await member(db, 0);
		for (const scope of ['grant', 'webhooks'] as const) {
			await expect(createAccountKey(db, a.auth, { accountId: a.accountId, name: 'mint', scopes: ['read', scope] })).rejects.toMatchObject({ code: 'invalid_input' });
		}
	});

	it('on upgrade, a site key keeps granting or managing webhooks only where it did so before (migration 0045)', async () => {
		const used = await siteKeyWith(['consume', 'read']);
		const unused = await siteKeyWith(['consume', 'read']);
		const usedKey = await authenticateApiKey(db, used);
		// What the key did before the upgrade: a grant and a webhook change, in the audit log.
		await db.orm.execute(sql`insert into audit_log (action, actor_key_id, target_type) values ('ledger.grant', ${usedKey.keyId}::uuid, 'lot'), ('webhook_endpoint.create', ${usedKey.keyId}::uuid, 'webhook_endpoint')`);
		const migration = readFileSync(join(process.cwd(), 'drizzle/0045_key_scopes_grant_webhooks.sql'), 'utf8');
		for (const statement of migration.split('--> statement-breakpoint')) await db.orm.execute(sql.raw(statement));
		// Read from the table: a process keeps the keys it has seen (kept-keys.ts) until told of a change.
		const scopes = async (value: string) => {
			const [row] = await db.rows<{ scopes: string[] }>(sql`select to_jsonb(scopes) as scopes from api_keys where prefix = ${value.slice(0, 11)}`);
			return [...row!.scopes].sort();
		};
		expect(await scopes(used)).toEqual(['consume', 'grant', 'read', 'webhooks']);
		expect(await scopes(unused)).toEqual(['consume', 'read']);
	});
});

describe(`A signed-in member's REST call acts on the account it names, or is refused, on ${backend}`, () => {
	/** An account's figures and its operations, but when they were read. */
	const figures = async (accountId: string) => ({
		...(await balances(db.orm, accountId)),
		asOf: undefined,
		operations: (await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${accountId}::uuid`))[0]!.n
	});
	type Answer = Awaited<ReturnType<typeof callJson>>['json'];
	/** Member A, signed in, in a team with tokens of its own; `as(path, body?)` calls as A (a body: a POST with an Idempotency-Key). */
	async function signedInTeamMember() {
		const a = await member(db, 1000);
		const { team } = await makeTeamWithMember(db, 5000);
		await db.orm.insert(teamMembers).values({ teamId: team.teamId, userId: a.id, role: 'member' });
		const cookie = { cookie: `quota_session=${(await createSession(db.orm, a.id)).token}` };
		const as = async (path: string, body?: Record<string, unknown>): Promise<{ status: number; json: Answer }> => {
			if (!path.startsWith('/api/v1/stream')) return callJson(path, body ? { headers: { ...cookie, ...idem() }, body } : { headers: cookie });
			const { status, json } = await streamStatus(path, cookie);
			return { status, json: (json ?? {}) as Answer };
		};
		return { a, team, as };
	}
	const spend = { feature: 'search_images', units: 1 };
	const available = async (path: string) => (await callJson(path, { headers: { authorization: `Bearer ${site}` } })).json.available as number;

	it('spends from a team pool they are in by `team`, from their own tokens by their own `user` id, and from the pool they draw from when naming nothing', async () => {
		const { a, team, as } = await signedInTeamMember();
		const [own, pool] = [await figures(a.accountId), await figures(team.accountId)];
		const byTeam = await as('/api/v1/consume', { team: team.teamId, ...spend });
		expect(byTeam.status, JSON.stringify(byTeam.json)).toBe(200);
		expect(await figures(a.accountId), 'their own tokens').toEqual(own);
		expect((await figures(team.accountId)).operations, "the team's operations").toBe(pool.operations + 1);
		expect((await figures(team.accountId)).available).toBe(pool.available - (byTeam.json.cost as number));
		// Reads by `team` answer the team's figures, as a site key reads them; so does its stream.
		const read = await as(`/api/v1/balance?team=${team.teamId}`);
		expect({ status: read.status, available: read.json.available }).toEqual({ status: 200, available: await available(`/api/v1/balance?team=${team.teamId}`) });
		expect((await as(`/api/v1/stream?team=${team.teamId}`)).status).toBe(200);

		// Drawing from the team now, their own id names their personal tokens, not the pool.
		await setActiveAccount(db, a.id, team.accountId);
		const [own1, pool1] = [await figures(a.accountId), await figures(team.accountId)];
		const bySelf = await as('/api/v1/consume', { user: a.id, ...spend });
		expect(bySelf.status, JSON.stringify(bySelf.json)).toBe(200);
		expect(await figures(team.accountId), "the team's pool").toEqual(pool1);
		expect((await figures(a.accountId)).operations).toBe(own1.operations + 1);
		const mine = await as(`/api/v1/balance?user=${a.id}`);
		expect({ status: mine.status, available: mine.json.available }).toEqual({ status: 200, available: await available(`/api/v1/balance?user=${a.id}`) });
		expect((await as(`/api/v1/stream?user=${a.id}`)).status).toBe(200);

		// Naming nothing: the pool they draw from now, as before.
		const own2 = await figures(a.accountId);
		expect((await as('/api/v1/consume', spend)).status).toBe(200);
		expect(await figures(a.accountId)).toEqual(own2);
		expect((await figures(team.accountId)).operations).toBe(pool1.operations + 1);
		await expectInvariants(db);
	});

	it("is refused for a team they are not in, another user, a guest, or several names, and nothing changes", async () => {
		const { a, team, as } = await signedInTeamMember();
		const b = await member(db, 1000);
		const { team: other } = await makeTeamWithMember(db, 5000);
		const notTheirs = { status: 403, error: 'forbidden', message: 'You do not have access to this account.' };
		const selfOnly = { status: 403, error: 'forbidden', message: 'Signed in, you act for yourself or your teams; to act for other users use a site key.' };
		const guestWords = 'guest is for site keys: signed in, you are not a guest. Leave it out for your active pool, or name your "team".';
		const guest = { status: 422, error: 'invalid_input', message: guestWords, fields: { guest: [guestWords] } };
		const accountIdWords = `team=${team.accountId} is an account id, not a team id: send team=${team.teamId} for that account.`;
		const severalWords = 'Name one of "account", "user", "team" or "guest", not several.';
		const cases: [string, Record<string, unknown> | undefined, Record<string, unknown>][] = [
			['/api/v1/consume', { team: other.teamId, ...spend }, notTheirs],
			// A team that is not there is refused as one they are not in: the answer says nothing of which teams exist.
			['/api/v1/consume', { team: crypto.randomUUID(), ...spend }, notTheirs],
			['/api/v1/consume', { team: other.accountId, ...spend }, notTheirs],
			['/api/v1/consume', { team: team.accountId, ...spend }, { status: 422, error: 'invalid_input', message: accountIdWords, fields: { team: [accountIdWords] } }],
			['/api/v1/consume', { user: b.id, ...spend }, selfOnly],
			['/api/v1/consume', { user: 'wp-user-42', ...spend }, selfOnly],
			['/api/v1/consume', { guest: 'visitor-7f3a', ...spend }, guest],
			['/api/v1/holds', { team: other.teamId, feature: 'search_images', max_tokens: 5 }, notTheirs],
			['/api/v1/holds', { user: b.id, feature: 'search_images', max_tokens: 5 }, selfOnly],
			['/api/v1/check', { user: b.id, ...spend }, selfOnly],
			['/api/v1/check', { guest: 'visitor-7f3a', ...spend }, guest],
			[`/api/v1/balance?user=${b.id}`, undefined, selfOnly],
			[`/api/v1/balance?team=${other.teamId}`, undefined, notTheirs],
			['/api/v1/balance?guest=visitor-7f3a', undefined, guest],
			[`/api/v1/usage?team=${other.teamId}`, undefined, notTheirs],
			[`/api/v1/stream?user=${b.id}`, undefined, selfOnly],
			[`/api/v1/stream?team=${other.teamId}`, undefined, notTheirs],
			['/api/v1/stream?guest=visitor-7f3a', undefined, guest],
			[`/api/v1/stream?account=${a.accountId}&team=${team.teamId}`, undefined, { status: 422, error: 'invalid_input', message: severalWords, fields: { account: [severalWords], team: [severalWords] } }]
		];
		const accounts = [a.accountId, b.accountId, team.accountId, other.accountId];
		const everything = async () => ({ counts: await counts(), figures: await Promise.all(accounts.map(figures)) });
		const before = await everything();
		for (const [path, body, want] of cases) {
			const r = await as(path, body);
			const got = { status: r.status, error: r.json.error, message: r.json.message, ...('fields' in want ? { fields: r.json.details?.fieldErrors } : {}) };
			expect(got, `${path} ${JSON.stringify(body ?? '')}`).toEqual(want);
		}
		expect(await everything()).toEqual(before);
		await expectInvariants(db);
	});
});
