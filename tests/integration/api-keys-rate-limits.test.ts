import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { makeWorld, type World } from '../helpers/world';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import {
	authenticateApiKey,
	createAccountKey,
	createSiteKey,
	ensureSiteKey,
	listAccountKeys,
	listSiteKeys,
	rateLimit,
	revokeApiKey
} from '../../src/lib/server/accounts';
import { DomainError } from '../../src/lib/server/errors';
import { keptKeys } from '../../src/lib/server/accounts/kept-keys';
import { mintEmbedToken, mintStoreTicket } from '../../src/lib/server/embed/tokens';

let db: Db & { url?: string };
let w: World;
beforeAll(async () => {
	db = await freshDb();
	w = await makeWorld(db);
});
afterAll(async () => db?.close());

describe('API keys', () => {
	it('shows the value once, stores only its SHA-256, and lists the prefix', async () => {
		const key = await createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: ' Chatbot ', scopes: ['consume', 'read', 'consume'] });
		expect(key.value).toMatch(/^qk_[A-Za-z0-9_-]{43}$/);
		expect(key).toMatchObject({ name: 'Chatbot', kind: 'account', scopes: ['consume', 'read'], prefix: key.value.slice(0, 11), lastUsedAt: null });
		const [stored] = await db.rows<Record<string, unknown>>(sql`select * from api_keys where id = ${key.id}`);
		expect(JSON.stringify(stored)).not.toContain(key.value.slice(11));
		const listed = await listAccountKeys(db, w.auth.memberA!, w.users.memberA.accountId);
		expect(listed.map((k) => k.id)).toEqual([key.id]);
		expect(listed[0]).not.toHaveProperty('value');
		expect(listed[0]).not.toHaveProperty('hash');
		const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'key.created' and target_id = ${key.id}`);
		expect(audit!.n).toBe(1);
	});

	it('authenticates a key, records last use at most once a minute (when the process looks the key up again)', async () => {
		const key = await createAccountKey(db, w.auth.memberA!, { accountId: w.teamA.accountId, name: 'Forms', scopes: ['consume'] });
		await expect(authenticateApiKey(db, key.value)).resolves.toEqual({ keyId: key.id, kind: 'account', accountId: w.teamA.accountId, scopes: ['consume'] });
		const first = (await db.rows<{ t: string }>(sql`select last_used_at::text as t from api_keys where id = ${key.id}`))[0]!.t;
		expect(first).not.toBeNull();
		await authenticateApiKey(db, key.value);
		expect((await db.rows<{ t: string }>(sql`select last_used_at::text as t from api_keys where id = ${key.id}`))[0]!.t).toBe(first);
		const [old] = await db.rows<{ t: string }>(sql`update api_keys set last_used_at = now() - interval '2 minutes' where id = ${key.id} returning last_used_at::text as t`);
		keptKeys(db).forget(); // as when the kept copy lapses (10 s) or a change notice comes
		await authenticateApiKey(db, key.value);
		// Recorded again: later than the use two minutes ago (no bound on how fast that happened).
		const [moved] = await db.rows<{ later: boolean }>(sql`select last_used_at > ${old!.t}::timestamptz as later from api_keys where id = ${key.id}`);
		expect(moved!.later).toBe(true);
	});

	it('rejects revoked, unknown and malformed keys with one and the same answer', async () => {
		const key = await createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'Old app', scopes: ['read'] });
		await revokeApiKey(db, w.auth.memberA!, key.id);
		const answers = new Set<string>();
		for (const bad of [key.value, `qk_${'A'.repeat(43)}`, key.value.slice(0, -1), 'Bearer ' + key.value, '', null, 'qk_short', `pk_${key.value.slice(3)}`]) {
			const e = await authenticateApiKey(db, bad).then(() => null, (err: DomainError) => err);
			expect(e, `accepted ${bad}`).toBeInstanceOf(DomainError);
			answers.add(`${e!.code}: ${e!.message}`);
		}
		expect([...answers]).toEqual(['unauthorized: Invalid or revoked API key.']);
		const [audit] = await db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'key.revoked' and target_id = ${key.id}`);
		expect(audit!.n).toBe(1);
	});

	it('an embed token or a store ticket sent as an API key is told what it is and where it goes', async () => {
		// As POST /api/v1/embed-tokens and the widget's summary (its store_url) make them.
		const key = await createSiteKey(db, w.auth.siteAdmin!, { name: 'Widget', scopes: ['read'] });
		const grant = { keyId: key.id, accountId: w.users.memberA.accountId, viewerId: null };
		const { token, expiresAt } = mintEmbedToken({ keyId: key.id, kind: 'site' }, grant.accountId, 600);
		const { ticket } = mintStoreTicket({ ...grant, expiresAt });
		const refusal = (value: string) => authenticateApiKey(db, value).then(() => null, (err: DomainError) => `${err.code}: ${err.message}`);
		await expect(refusal(token)).resolves.toBe(
			"unauthorized: This is an embed token (qe_…), which only the <quota-usage> widget's reads take (GET /api/v1/embed/summary and /api/v1/embed/stream): send an API key (qk_…) here."
		);
		await expect(refusal(ticket)).resolves.toBe('unauthorized: This is a store ticket (qs_…), which only the embedded store takes: send an API key (qk_…) here.');
	});

	/** What a key gets now: its id, or the refusal's code. */
	const answer = (on: Db, value: string) => authenticateApiKey(on, value).then((k) => k.keyId, (e: DomainError) => e.code);

	it('stops the keys of a disabled user, even one disabled by hand in SQL, within a moment', async () => {
		const key = await createAccountKey(db, w.auth.memberB!, { accountId: w.users.memberB.accountId, name: 'Personal bot', scopes: ['read'] });
		await expect(answer(db, key.value)).resolves.toBe(key.id); // now kept by this process
		await db.rows(sql`update users set disabled_at = now() where id = ${w.users.memberB.id}`);
		// The trigger's notice empties what the process kept, well before a kept key lapses (10 s).
		await expect.poll(() => answer(db, key.value), { timeout: 3_000, interval: 50 }).toBe('unauthorized');
		await db.rows(sql`update users set disabled_at = null where id = ${w.users.memberB.id}`);
		await expect.poll(() => answer(db, key.value), { timeout: 3_000, interval: 50 }).toBe(key.id);
	});

	it('stops a key revoked by another app process within a moment, and at once in the process that revoked it', async () => {
		const other = db.url ? openPostgres(db.url, { max: 1 }) : db;
		try {
			const key = await createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'Shared bot', scopes: ['consume'] });
			await expect(answer(db, key.value)).resolves.toBe(key.id);
			await expect(answer(other, key.value)).resolves.toBe(key.id);
			await revokeApiKey(other, w.auth.memberA!, key.id);
			await expect(answer(other, key.value)).resolves.toBe('unauthorized');
			await expect.poll(() => answer(db, key.value), { timeout: 3_000, interval: 50 }).toBe('unauthorized');
		} finally {
			if (other !== db) await other.close();
		}
	});

	it('lets only managers of an account create, list and revoke its keys', async () => {
		const teamKey = await createAccountKey(db, w.auth.memberA!, { accountId: w.teamA.accountId, name: 'Team app', scopes: ['read'] });
		for (const who of ['teamMember', 'memberB', 'otherTeamAdmin'] as const) {
			await expect(createAccountKey(db, w.auth[who]!, { accountId: w.teamA.accountId, name: 'Sneaky', scopes: ['read'] })).rejects.toMatchObject({ code: 'forbidden' });
			await expect(listAccountKeys(db, w.auth[who]!, w.teamA.accountId)).rejects.toMatchObject({ code: 'forbidden' });
			await expect(revokeApiKey(db, w.auth[who]!, teamKey.id)).rejects.toMatchObject({ code: 'not_found' });
		}
		await expect(authenticateApiKey(db, teamKey.value)).resolves.toMatchObject({ keyId: teamKey.id });
		await expect(revokeApiKey(db, w.auth.siteAdmin!, teamKey.id)).resolves.toMatchObject({ revokedAt: expect.any(Date) });
	});

	it('keeps site keys to site admins', async () => {
		await expect(createSiteKey(db, w.auth.memberA!, { name: 'Nope', scopes: ['read'] })).rejects.toMatchObject({ code: 'forbidden' });
		const site = await createSiteKey(db, w.auth.siteAdmin!, { name: 'Image generator', scopes: ['consume'] });
		await expect(authenticateApiKey(db, site.value)).resolves.toEqual({ keyId: site.id, kind: 'site', accountId: null, scopes: ['consume'] });
		await expect(listSiteKeys(db, w.auth.memberA!)).rejects.toMatchObject({ code: 'forbidden' });
		expect((await listSiteKeys(db, w.auth.siteAdmin!)).map((k) => k.id)).toContain(site.id);
		await expect(revokeApiKey(db, w.auth.memberA!, site.id)).rejects.toMatchObject({ code: 'not_found' });
	});

	it('refuses bad key input with clear messages and creates nothing', async () => {
		const before = (await db.rows<{ n: number }>(sql`select count(*)::int as n from api_keys`))[0]!.n;
		await expect(createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: '', scopes: ['read'] })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/Name the key/) });
		await expect(createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'x', scopes: [] })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/at least one scope/) });
		await expect(createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'x', scopes: ['admin' as 'read'] })).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(createAccountKey(db, w.auth.memberA!, { accountId: w.users.memberA.accountId, name: 'n'.repeat(81), scopes: ['read'] })).rejects.toMatchObject({ code: 'invalid_input' });
		expect((await db.rows<{ n: number }>(sql`select count(*)::int as n from api_keys`))[0]!.n).toBe(before);
	});

	it('ensureSiteKey creates the demo site key once with the configured value', async () => {
		const value = 'qk_demo_site_key_for_the_seed_1234567890';
		const first = await ensureSiteKey(db, { name: 'Demo site', value, via: 'demo data' });
		const again = await ensureSiteKey(db, { name: 'Demo site', value });
		expect(first.created).toBe(true);
		// No person made it: its entry credits Quota, saying how.
		const [entry] = await db.rows<{ actor_user_id: string | null; via: string }>(sql`select actor_user_id, detail->>'via' as via from audit_log where action = 'key.created' and target_id = ${first.id}`);
		expect(entry).toEqual({ actor_user_id: null, via: 'demo data' });
		expect(again).toMatchObject({ id: first.id, created: false });
		await expect(authenticateApiKey(db, value)).resolves.toMatchObject({ kind: 'site', scopes: ['consume', 'grant', 'read', 'webhooks'] });
		await expect(ensureSiteKey(db, { name: 'Bad', value: 'not-a-key' })).rejects.toMatchObject({ code: 'invalid_input' });
		const generated = await ensureSiteKey(db, { name: 'Generated demo key' });
		expect(generated.value).toMatch(/^qk_[A-Za-z0-9_-]{43}$/);
		await expect(ensureSiteKey(db, { name: 'Generated demo key' })).resolves.toMatchObject({ id: generated.id, value: null, created: false });
	});
});

describe('rate limits', () => {
	it('allows `limit` attempts per window, then refuses with the seconds left', async () => {
		for (let i = 0; i < 3; i++) await rateLimit(db, 'test:basic', 3, 60);
		const e = await rateLimit(db, 'test:basic', 3, 60).then(() => null, (err: DomainError) => err);
		expect(e).toMatchObject({ code: 'rate_limited' });
		expect(e!.retryAfterSeconds).toBeGreaterThanOrEqual(59);
		expect(e!.retryAfterSeconds).toBeLessThanOrEqual(60);
		await rateLimit(db, 'test:other-key', 3, 60);
	});

	it('starts a new window once the old one is over', async () => {
		for (let i = 0; i < 2; i++) await rateLimit(db, 'test:window', 2, 60);
		await expect(rateLimit(db, 'test:window', 2, 60)).rejects.toMatchObject({ code: 'rate_limited' });
		await db.rows(sql`update rate_limits set window_start = now() - interval '61 seconds' where key = 'test:window'`);
		await expect(rateLimit(db, 'test:window', 2, 60)).resolves.toBeUndefined();
	});

	it('counts concurrent attempts exactly', async () => {
		const results = await Promise.allSettled(Array.from({ length: 25 }, () => rateLimit(db, 'test:burst', 10, 60)));
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
	});

	// Only a server has separate connections; on PGlite the test is not defined (rather than skipped).
	if (backend === 'postgres') it('is shared by separate connection pools (several app processes)', async () => {
		const a = openPostgres(db.url!, { max: 5 });
		const b = openPostgres(db.url!, { max: 5 });
		try {
			const results = await Promise.allSettled(
				Array.from({ length: 40 }, (_, i) => rateLimit(i % 2 ? a : b, 'test:shared', 15, 60))
			);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(15);
			expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.code === 'rate_limited')).toBe(true);
		} finally {
			await a.close();
			await b.close();
		}
	});
});
