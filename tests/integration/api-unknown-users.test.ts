// "Create users for unknown ids" (a site setting, on by default): on, the first request of a site key
// naming a new host-site id creates that user, as README says; off, every REST route that takes
// `user` answers 404 `unknown_user` for an id Quota does not know (the host's own or a Quota id) and
// changes nothing, so a typo in `user` cannot open an account; users Quota knows are served as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { getSiteSettings, updateSiteSettings } from '../../src/lib/server/ledger';

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
}, 120_000);
afterAll(async () => db?.close());

const tag = `${backend}-${randomUUID().slice(0, 8)}`;
const idem = () => ({ 'idempotency-key': randomUUID() });

/** Each REST route that takes `user`, asked about `user` with the site key. */
const routes = (user: string) => ({
	consume: () => callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { user, feature: 'ai_bots', units: 4 } }),
	check: () => callJson('/api/v1/check', { headers: bearer(site), body: { user, feature: 'ai_bots', units: 4 } }),
	hold: () => callJson('/api/v1/holds', { headers: bearer(site, idem()), body: { user, feature: 'ai_bots', max_tokens: 10 } }),
	grant: () => callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user, tokens: 500, source: 'bonus' } }),
	balance: () => callJson(`/api/v1/balance?user=${encodeURIComponent(user)}`, { headers: bearer(site) }),
	usage: () => callJson(`/api/v1/usage?user=${encodeURIComponent(user)}`, { headers: bearer(site) }),
	embedToken: () => callJson('/api/v1/embed-tokens', { headers: bearer(site), body: { user } })
});

/** What a refused request must leave as it was. */
const counts = async () =>
	(
		await db.rows<{ users: number; accounts: number; lots: number; operations: number; holds: number }>(sql`select (select count(*)::int from users) as users, (select count(*)::int from accounts) as accounts,
			(select count(*)::int from lots) as lots, (select count(*)::int from operations) as operations, (select count(*)::int from holds) as holds`)
	)[0]!;

const setting = (createUnknownUsers: boolean) => updateSiteSettings(db.orm, { createUnknownUsers });

describe(`a site key naming an unknown user, on ${backend}`, () => {
	it('is a new user of the site by default: each route creates it on first sight', async () => {
		expect((await getSiteSettings(db.orm)).createUnknownUsers).toBe(true);
		for (const name of Object.keys(routes('')) as (keyof ReturnType<typeof routes>)[]) {
			const user = `new-${name}-${tag}`;
			const before = await counts();
			const r = await routes(user)[name]();
			expect(r.status, `${name}: ${r.text}`).not.toBe(404);
			expect((await counts()).users, name).toBe(before.users + 1);
		}
	});

	it('with the setting off, every route answers 404 unknown_user for an unknown host id or Quota id, and changes nothing', async () => {
		await setting(false);
		for (const user of [`typo-${tag}`, randomUUID()]) {
			const before = await counts();
			for (const [name, ask] of Object.entries(routes(user))) {
				const r = await ask();
				expect({ name, status: r.status, body: r.json }).toEqual({
					name,
					status: 404,
					body: { error: 'unknown_user', message: `No user "${user}" on this site: check the id. (This site does not create users for unknown ids.)` }
				});
			}
			expect(await counts()).toEqual(before);
		}
		const stream = await callJson(`/api/v1/stream?user=typo-${tag}`, { headers: bearer(site) });
		expect(stream).toMatchObject({ status: 404, json: { error: 'unknown_user' } });
		await setting(true);
	});

	it('with the setting off, users Quota knows (by host id or Quota id) are served as before', async () => {
		const host = `known-${tag}`;
		expect((await routes(host).grant()).status).toBe(201);
		const [known] = await db.rows<{ id: string }>(sql`select id from users where external_id = ${host}`);
		await setting(false);
		for (const user of [host, known!.id]) {
			const r = routes(user);
			expect((await r.grant()).status).toBe(201);
			expect((await r.consume()).json).toMatchObject({ cost: 10 });
			expect((await r.check()).status).toBe(200);
			expect((await r.hold()).status).toBe(201);
			expect((await r.balance()).json).toMatchObject({ success: true });
		}
		await setting(true);
		await expectInvariants(db);
	});

	it('turned on again, the id refused before creates its user', async () => {
		const user = `later-${tag}`;
		await setting(false);
		expect((await routes(user).consume()).status).toBe(404);
		await setting(true);
		const r = await routes(user).grant();
		expect(r.status).toBe(201);
		expect(await db.rows(sql`select 1 from users where external_id = ${user}`)).toHaveLength(1);
	});
	it('a user named twice in a query (?user=a&user=b) is a malformed request, 400, naming the field, and creates nobody', async () => {
		const before = await counts();
		for (const path of ['/api/v1/balance', '/api/v1/usage']) {
			const r = await callJson(`${path}?user=twice-a-${tag}&user=twice-b-${tag}`, { headers: bearer(site) });
			expect(r.status, r.text).toBe(400);
			expect(r.json).toMatchObject({ error: 'invalid_input', message: 'Send "user" once: the query names it 2 times.', details: { fieldErrors: { user: [expect.any(String)] } } });
		}
		expect(await counts()).toEqual(before);
	});
});
