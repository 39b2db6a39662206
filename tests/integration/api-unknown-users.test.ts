// "Create users for unknown ids" (a site setting, on by default): on, a new host-site id gets its
// user from the first request of a site key that needs one and succeeds (consume, hold, grant, embed
// token), while a read of it answers what that user would have and a refused request makes nobody
// (docs/integration-kit.md); off, every REST route that takes `user` answers 404 `unknown_user` for an
// id Quota does not know (the host's own or a Quota id) and changes nothing, so a typo in `user`
// cannot open an account; users Quota knows are served as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { getSiteSettings, setAllowanceRule, updateSiteSettings } from '../../src/lib/server/ledger';
import { createUser } from '../../src/lib/server/accounts';

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	// A new user's first figures are then more than zeros: the reads below must answer them.
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 200, period: 'daily' });
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
		await db.rows<{ users: number; accounts: number; guests: number; lots: number; operations: number; holds: number; audit: number }>(sql`select (select count(*)::int from users) as users,
			(select count(*)::int from accounts) as accounts, (select count(*)::int from guests) as guests, (select count(*)::int from lots) as lots,
			(select count(*)::int from operations) as operations, (select count(*)::int from holds) as holds, (select count(*)::int from audit_log) as audit`)
	)[0]!;

const setting = (createUnknownUsers: boolean) => updateSiteSettings(db.orm, { createUnknownUsers });

describe(`a site key naming an unknown user, on ${backend}`, () => {
	it('is a new user of the site by default: made by the first consume, hold, grant or embed token that succeeds', async () => {
		expect((await getSiteSettings(db.orm)).createUnknownUsers).toBe(true);
		for (const name of ['consume', 'hold', 'grant', 'embedToken'] as const) {
			const user = `new-${name}-${tag}`;
			const before = await counts();
			const r = await routes(user)[name]();
			expect(r.status, `${name}: ${r.text}`).toBeLessThan(300);
			expect(await db.rows(sql`select name from users where external_id = ${user}`), name).toEqual([{ name: `Site user ${user}` }]);
			expect((await counts()).users, name).toBe(before.users + 1);
		}
		await expectInvariants(db);
	});

	it('a read of a new id answers what that new user would have, and makes nobody', async () => {
		const user = `reader-${tag}`;
		const before = await counts();
		const asked = { balance: await routes(user).balance(), check: await routes(user).check(), usage: await routes(user).usage() };
		expect(await counts()).toEqual(before);
		expect(asked.balance.json).toMatchObject({ available: 200, held: 0, allowances: [{ module: 'chat', used: 0, limit: 200, period: 'daily' }] });
		expect(asked.check.json).toMatchObject({ allowed: true, cost: 10, remaining_after: 190 });
		expect(asked.usage.json).toEqual({ data: [], next_cursor: null });
		// Made by an embed token (which needs the account), the user reads exactly as answered before.
		expect((await routes(user).embedToken()).status).toBe(201);
		expect((await counts()).users).toBe(before.users + 1);
		expect((await routes(user).balance()).json).toEqual(asked.balance.json);
		expect((await routes(user).check()).json).toEqual(asked.check.json);
	});

	it('a refused request about a new id makes nobody: an unknown feature, a reused key, more than the user could spend, a member\'s e-mail', async () => {
		const used = randomUUID();
		expect((await callJson('/api/v1/consume', { headers: bearer(site, { 'idempotency-key': used }), body: { user: `first-${tag}`, feature: 'ai_bots', units: 1 } })).status).toBe(200);
		const member = await createUser(db.orm, { email: `member-${tag}@example.test`, name: 'Maya Member', password: null });
		const before = await counts();
		const user = `refused-${tag}`;
		const refused = [
			[await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { user, feature: 'no_such_feature', units: 1 } }), 422, 'unknown_feature'],
			[await callJson('/api/v1/consume', { headers: bearer(site, { 'idempotency-key': used }), body: { user, feature: 'ai_bots', units: 1 } }), 422, 'idempotency_key_reused'],
			[await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { user, feature: 'ai_bots', units: 1_000 } }), 402, 'allowance_exhausted'],
			[await callJson('/api/v1/holds', { headers: bearer(site, idem()), body: { user, feature: 'generate_texts', max_tokens: 10 } }), 402, 'insufficient_tokens'],
			[await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user, tokens: 5, source: 'bonus', model: 'no-such-model' } }), 422, 'unknown_model']
		] as const;
		for (const [r, status, error] of refused) expect({ status: r.status, error: r.json?.error }, r.text).toEqual({ status, error });
		for (const ask of Object.values(routes(member.email!))) {
			const r = await ask();
			const message = `user=${member.email} is the e-mail of Maya Member, a member of this site, not a user id: send user=${member.id} for their account.`;
			expect({ status: r.status, body: r.json }).toEqual({ status: 422, body: { error: 'invalid_input', message, details: { fieldErrors: { user: [message] } } } });
		}
		expect(await counts()).toEqual(before);
		await expectInvariants(db);
	});

	it('first requests racing for one new id make one user, and each spends once', async () => {
		const user = `racing-${tag}`;
		const answers = await Promise.all(Array.from({ length: 6 }, () => routes(user).consume()));
		expect(answers.map((r) => r.status)).toEqual(Array(6).fill(200));
		const [made] = await db.rows<{ n: number; spent: number }>(
			sql`select count(distinct u.id)::int as n, (select count(*)::int from operations o where o.account_id = u.account_id and o.kind = 'consume') as spent
				from users u where u.external_id = ${user} group by u.account_id`
		);
		expect(made).toEqual({ n: 1, spent: 6 });
		await expectInvariants(db);
	});

	it('a guest not seen yet is read without being made, and made by its first consume', async () => {
		const guest = `visitor-${tag}`;
		const before = await counts();
		expect((await callJson(`/api/v1/balance?guest=${guest}`, { headers: bearer(site) })).json).toMatchObject({ success: true, held: 0 });
		expect(await counts()).toEqual(before);
		expect((await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { guest, feature: 'no_such_feature', units: 1 } })).status).toBe(422);
		expect(await counts()).toEqual(before);
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'guest', limitTokens: 50, period: 'daily' });
		expect((await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { guest, feature: 'ai_bots', units: 2 } })).json).toMatchObject({ cost: 5 });
		expect((await counts()).guests).toBe(before.guests + 1);
		await expectInvariants(db);
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
