// A key revoked or paused stops the live figures it opened at once: its own event stream
// (GET /api/v1/stream) and the widget streams of the embed tokens it minted end within about a
// second, in every app process, with a last `refused` event saying what the next request gets.
// A newcomer saw a widget keep showing an account's figures 54 s after its site key was revoked.
// So does a signed-in session's stream (the dashboard's) when the session ends (signed out, revoked,
// its user disabled) or its user may no longer read the account (removed from the team).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { call, callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import {
	createSession,
	createSiteKey,
	createTeam,
	createUser,
	invalidateSession,
	removeMember,
	revokeApiKey,
	SESSION_COOKIE,
	setKeyPaused,
	signOutEverywhere,
	watchSiteKeyVouch,
	type Auth
} from '../../src/lib/server/accounts';
import { setUserDisabled } from '../../src/lib/server/admin';
import { teamMembers } from '../../src/lib/server/db/schema';
import { consume, grant } from '../../src/lib/server/ledger';
import { serverSentEvents } from '../../sdk/src/sse';

let db: Db & { url?: string };
/** Another app process: its own connections and LISTEN on the same database (the same handle on PGlite, which one process owns). */
let other: Db;
let admin: Auth;
beforeAll(async () => {
	({ db } = await openRestApi());
	other = db.url ? openPostgres(db.url, { max: 2 }) : db;
	// Its connections open now: a test times from the revocation, and a first query there would time the
	// connection's start (TCP, authentication) too, over a second on a loaded machine.
	await Promise.all([other.rows(sql`select pg_sleep(0.01)`), other.rows(sql`select pg_sleep(0.01)`)]);
	const u = await createUser(db.orm, { email: `streams-admin-${crypto.randomUUID().slice(0, 8)}@example.test`, name: 'Streams Admin', siteRole: 'admin' });
	admin = { sessionId: 'test', user: { id: u.id, accountId: u.accountId, email: u.email, name: u.name, siteRole: u.siteRole, timeZone: null } };
});
afterAll(async () => {
	if (other && other !== db) await other.close();
	await db?.close();
});

/** How soon after the change a stream must have ended: "at once", with room for a loaded test machine. */
const AT_ONCE_MS = 1500;

/** Opens an event stream and reads it as it comes: its events and when it ended; `hangUp` is the client going away. */
async function open(path: string, headers: Record<string, string>) {
	const client = new AbortController();
	const res = await call(path, { headers, signal: client.signal });
	expect(res.status).toBe(200);
	const seen = { events: [] as { event: string; data: Record<string, unknown> }[], endedAt: 0 };
	const ended = (async () => {
		for await (const e of serverSentEvents(res.body!)) if (e.data) seen.events.push({ event: e.event, data: JSON.parse(e.data) });
		seen.endedAt = Date.now();
	})();
	await expect.poll(() => seen.events.length).toBe(1);
	// Waits for the stream to end after the client hangs up, 5 s at most: a test's `finally` hangs up, and
	// a stream that did not end would otherwise hold the test until its timeout and hide why it failed (CI 144).
	const hangUp = () => (client.abort(), Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, 5_000))]));
	return { seen, ended, hangUp };
}
const widgetStream = (token: string) => open('/api/v1/embed/stream', bearer(token));
/** A key's own stream: a site key names the user; an account key reads its own account. */
const keyStream = (key: string, user?: string) => open(user ? `/api/v1/stream?user=${user}` : '/api/v1/stream', bearer(key));
/** The dashboard's stream: a new session of `userId` reading `account` (else the pool it draws from); `sessionId` ends it. */
async function sessionStream(userId: string, account?: string) {
	const s = await createSession(db.orm, userId);
	const stream = await open(account ? `/api/v1/stream?account=${account}` : '/api/v1/stream', { cookie: `${SESSION_COOKIE}=${s.token}` });
	return { ...stream, sessionId: s.sessionId };
}

const spend = (accountId: string) => consume(db.orm, { accountId, feature: 'search_images', units: 1, actor: {}, idempotency: { scope: 'streams', key: crypto.randomUUID() } });

/** A new site key, and an embed token it mints for a new member. */
async function siteKeyWithWidget(name: string) {
	const key = await createSiteKey(db, admin, { name, scopes: ['read', 'consume'] });
	const m = await member(db, 1000);
	const made = await callJson('/api/v1/embed-tokens', { headers: bearer(key.value), body: { user: m.id, ttl_seconds: 600 } });
	expect(made.status).toBe(201);
	return { key, m, token: made.json.token as string };
}

/** Ended with one last `refused` event carrying `refusal`, within AT_ONCE_MS of `since`. */
async function endsRefused(s: Awaited<ReturnType<typeof open>>, since: number, refusal: Record<string, unknown>) {
	await expect.poll(() => s.seen.endedAt, { timeout: 2 * AT_ONCE_MS, interval: 20 }).toBeGreaterThan(0);
	expect(s.seen.endedAt - since).toBeLessThan(AT_ONCE_MS);
	expect(s.seen.events.at(-1)).toEqual({ event: 'refused', data: expect.objectContaining(refusal) });
}

const revokedToken = { error: 'unauthorized', details: { reason: 'revoked' } };

describe(`streams a key opened, on ${backend}`, () => {
	it('end within a second of the site key’s revocation in another process, the widget’s and the key’s own, with a last refused event; others stay open', async () => {
		const { key, m, token } = await siteKeyWithWidget('Revoked streams');
		const kept = await siteKeyWithWidget('Kept streams');
		const streams = [await widgetStream(token), await keyStream(key.value, m.id)];
		const untouched = [await widgetStream(kept.token), await keyStream(kept.key.value, kept.m.id)];
		try {
			const at = Date.now();
			await revokeApiKey(other, admin, key.id);
			await endsRefused(streams[0]!, at, revokedToken);
			await endsRefused(streams[1]!, at, { error: 'unauthorized', message: 'Invalid or revoked API key.' });
			// No figures after the end, nor on a reconnect: the widget's next request is refused as the event said.
			await spend(m.accountId);
			expect(streams.map((s) => s.seen.events.map((e) => e.event))).toEqual([
				['balance', 'refused'],
				['balance', 'refused']
			]);
			expect((await callJson('/api/v1/embed/stream', { headers: bearer(token) })).json).toMatchObject(revokedToken);
			// The other key's streams go on, figures and all.
			await spend(kept.m.accountId);
			await expect.poll(() => untouched.map((s) => s.seen.events.map((e) => e.event).join())).toEqual(['balance,balance', 'balance,balance']);
			expect(untouched.map((s) => s.seen.endedAt)).toEqual([0, 0]);
		} finally {
			await Promise.all([...streams, ...untouched].map((s) => s.hangUp()));
		}
	});

	it('end when the key is paused, also one paused by hand in SQL; a widget loaded after it is resumed shows the figures again', async () => {
		const { key, m, token } = await siteKeyWithWidget('Paused streams');
		let streams = [await widgetStream(token), await keyStream(key.value, m.id)];
		try {
			let at = Date.now();
			await setKeyPaused(other, admin, key.id, true);
			await endsRefused(streams[0]!, at, revokedToken);
			await endsRefused(streams[1]!, at, { error: 'forbidden', details: { reason: 'paused' } });
			// While paused, a widget loaded now is refused too, in the words of a revoked key's.
			expect((await callJson('/api/v1/embed/summary', { headers: bearer(token) })).json).toMatchObject(revokedToken);

			await setKeyPaused(other, admin, key.id, false);
			expect((await callJson('/api/v1/embed/summary', { headers: bearer(token) })).status).toBe(200);
			streams = [await widgetStream(token), await keyStream(key.value, m.id)];
			at = Date.now();
			await other.rows(sql`update api_keys set paused_at = now() where id = ${key.id}::uuid`);
			await endsRefused(streams[0]!, at, revokedToken);
			await endsRefused(streams[1]!, at, { error: 'forbidden', details: { reason: 'paused' } });
		} finally {
			await Promise.all(streams.map((s) => s.hangUp()));
		}
	});

	it('end when an account key is revoked in Settings, and when the user is disabled', async () => {
		const a = await member(db, 1000);
		const stream = await keyStream(a.key);
		const keyId = (await db.rows<{ id: string }>(sql`select id from api_keys where account_id = ${a.accountId}::uuid`))[0]!.id;
		const at = Date.now();
		await revokeApiKey(other, a.auth, keyId);
		await endsRefused(stream, at, { error: 'unauthorized' });

		const { m, token } = await siteKeyWithWidget('Disabled user');
		const streams = [await widgetStream(token), await keyStream(m.key)];
		const disabledAt = Date.now();
		await other.rows(sql`update users set disabled_at = now() where id = ${m.id}::uuid`);
		await endsRefused(streams[0]!, disabledAt, revokedToken);
		await endsRefused(streams[1]!, disabledAt, { error: 'unauthorized' });
	});

	it('a key revoked between its check and its watch (the notice come and gone) still ends the watch at once', async () => {
		const { key, m } = await siteKeyWithWidget('Revoked while opening');
		await revokeApiKey(other, admin, key.id);
		// As a stream opened on a token checked just before: by now this process heard the notice.
		await expect.poll(() => callJson('/api/v1/embed-tokens', { headers: bearer(key.value), body: { user: m.id } }).then((r) => r.status)).toBe(401);
		const ended: string[] = [];
		const unwatch = await watchSiteKeyVouch(db, key.id, m.accountId, null, (state) => ended.push(state));
		expect(ended).toEqual(['revoked']);
		unwatch();
	});
});

const sessionEnded = { error: 'unauthorized', message: 'Sign in, or send Authorization: Bearer <api key>.' };

describe(`streams a signed-in session opened, on ${backend}`, () => {
	it('end within a second of an admin disabling the user in another process, every session’s; another user’s stream goes on', async () => {
		const m = await member(db, 1000);
		const kept = await member(db, 1000);
		const streams = [await sessionStream(m.id), await sessionStream(m.id, m.accountId)];
		const untouched = await sessionStream(kept.id);
		try {
			const at = Date.now();
			await setUserDisabled(other, { userId: admin.user.id, ip: null }, m.id, true);
			for (const s of streams) await endsRefused(s, at, sessionEnded);
			await spend(kept.accountId);
			await expect.poll(() => untouched.seen.events.map((e) => e.event).join()).toBe('balance,balance');
			expect(untouched.seen.endedAt).toBe(0);
		} finally {
			await Promise.all([...streams, untouched].map((s) => s.hangUp()));
		}
	});

	it('end when the session is revoked in Settings (the user’s other session goes on), and when the user signs out everywhere', async () => {
		const m = await member(db, 1000);
		const [revoked, other1] = [await sessionStream(m.id), await sessionStream(m.id)];
		try {
			const at = Date.now();
			await invalidateSession(other.orm, revoked.sessionId);
			await endsRefused(revoked, at, sessionEnded);
			await spend(m.accountId);
			await expect.poll(() => other1.seen.events.map((e) => e.event).join()).toBe('balance,balance');
			expect(other1.seen.endedAt).toBe(0);
			expect(revoked.seen.events.map((e) => e.event)).toEqual(['balance', 'refused']);

			const everywhereAt = Date.now();
			await signOutEverywhere(other, m.id);
			await endsRefused(other1, everywhereAt, sessionEnded);
		} finally {
			await Promise.all([revoked, other1].map((s) => s.hangUp()));
		}
	});

	it('end when the session times out, which no notice says', async () => {
		const m = await member(db, 1000);
		const s = await createSession(db.orm, m.id);
		// As a session last used a moment before its idle timeout: it ends 2 s from now unless used.
		await db.rows(sql`update sessions set expires_at = now() + interval '2 seconds' where id = ${s.sessionId}`);
		const stream = await open(`/api/v1/stream?account=${m.accountId}`, { cookie: `${SESSION_COOKIE}=${s.token}` });
		try {
			const endsAt = Date.now() + 2000;
			await endsRefused(stream, endsAt, sessionEnded);
			// Not before: the session worked until then.
			expect(stream.seen.endedAt).toBeGreaterThan(endsAt - 500);
		} finally {
			await stream.hangUp();
		}
	});

	it('on a team’s account end with 403 when the member is removed from the team; their own account’s stream goes on, told of the removal’s inbox entry', async () => {
		const owner = await member(db, 0);
		const m = await member(db, 1000);
		const team = await createTeam(db.orm, { name: `Streams ${crypto.randomUUID().slice(0, 8)}`, ownerUserId: owner.id });
		await db.orm.insert(teamMembers).values({ teamId: team.id, userId: m.id, role: 'member' });
		const teamStream = await sessionStream(m.id, team.accountId);
		const ownStream = await sessionStream(m.id, m.accountId);
		try {
			const at = Date.now();
			await removeMember(other, { teamId: team.id, userId: m.id }, { userId: owner.id, siteAdmin: false });
			await endsRefused(teamStream, at, { error: 'forbidden', message: 'You do not have access to this account.' });
			await spend(m.accountId);
			// Their own account's page hears of the removal's inbox entry with its commit, then goes on.
			await expect.poll(() => ownStream.seen.events.map((e) => e.event).join()).toBe('balance,inbox,balance');
			expect(ownStream.seen.endedAt).toBe(0);
		} finally {
			await Promise.all([teamStream, ownStream].map((s) => s.hangUp()));
		}
	});

	it('a widget reading a team’s pool as one member ends when that member is removed, with the 401 its next request gets; the pool’s own widget goes on', async () => {
		const owner = await member(db, 0);
		const m = await member(db, 0);
		const team = await createTeam(db.orm, { name: `Widget streams ${crypto.randomUUID().slice(0, 8)}`, ownerUserId: owner.id });
		await db.orm.insert(teamMembers).values({ teamId: team.id, userId: m.id, role: 'member' });
		await grant(db.orm, { accountId: team.accountId, tokens: 1000, source: 'bonus' });
		const key = await createSiteKey(db, admin, { name: 'Member widget', scopes: ['read', 'consume'] });
		const mint = async (body: object) => (await callJson('/api/v1/embed-tokens', { headers: bearer(key.value), body: { team: team.id, ttl_seconds: 600, ...body } })).json.token as string;
		const [asMember, asPool] = [await widgetStream(await mint({ member: m.id })), await widgetStream(await mint({}))];
		try {
			const at = Date.now();
			await removeMember(other, { teamId: team.id, userId: m.id }, { userId: owner.id, siteAdmin: false });
			await endsRefused(asMember, at, { error: 'unauthorized', details: { reason: 'not_member' } });
			await spend(team.accountId);
			await expect.poll(() => asPool.seen.events.map((e) => e.event).join()).toBe('balance,balance');
			expect(asPool.seen.endedAt).toBe(0);
		} finally {
			await Promise.all([asMember, asPool].map((s) => s.hangUp()));
		}
	});
});
