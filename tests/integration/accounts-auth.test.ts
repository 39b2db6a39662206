import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '../helpers/db';
import { refusal } from '../helpers/refusal';
import type { Db } from '../../src/lib/server/db';
import {
	authenticateApiKey,
	createUser,
	ensureSiteKey,
	targetAccount,
	findOrCreateExternalUser,
	guestAccountFor,
	newGuestCookie,
	readGuestCookie,
	signIn,
	signOut,
	signOutEverywhere,
	setSiteRole,
	signUp,
	updateProfile,
	validateSessionToken,
	promoteToSiteAdmin,
	saveSiteRole
} from '../../src/lib/server/accounts';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

const limits = { idleMinutes: 60, absoluteDays: 30 };
let n = 0;
const email = () => `person${++n}@example.com`;
const ip = () => `10.0.${Math.floor(n / 200)}.${n % 200}`; // a fresh address per test: rate limits stay out of the way

/** A database error's message with its causes (drizzle wraps the driver's error). */
const causes = (e: unknown): string => (e instanceof Error ? `${e.message} ${causes(e.cause)}` : '');

const count = async (table: string) => Number((await db.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n);

describe('sign up', () => {
	it('creates a subscriber with a personal account and signs them in', async () => {
		const address = email();
		const s = await signUp(db, { email: `  ${address.toUpperCase()} `, name: 'Ada', password: 'correct horse 9' }, { ip: ip() });
		expect(s.user).toMatchObject({ email: address, name: 'Ada', siteRole: 'subscriber' });
		const [account] = await db.rows<{ kind: string }>(sql`select kind from accounts where id = ${s.user.accountId}`);
		expect(account?.kind).toBe('user');
		const valid = await validateSessionToken(db, s.token, limits);
		expect(valid?.auth.user).toMatchObject({ id: s.user.id, email: address, siteRole: 'subscriber' });
	});

	it('refuses a duplicate email whatever its case, leaving no account behind', async () => {
		const address = email();
		await signUp(db, { email: address, name: 'First', password: 'first pass 1' }, { ip: ip() });
		const [accountsBefore, usersBefore] = [await count('accounts'), await count('users')];
		const e = await refusal(signUp(db, { email: address.toUpperCase(), name: 'Second', password: 'second pass 2' }, { ip: ip() }));
		expect(e.code).toBe('conflict');
		expect(e.message).toMatch(/already exists/);
		expect([await count('accounts'), await count('users')]).toEqual([accountsBefore, usersBefore]);
	});

	it('takes 10 sign-ups an hour from one address (SIGNUPS_PER_IP_HOUR), then refuses with a retry time and creates nothing; another address is not held up', async () => {
		const crowded = '198.51.100.7';
		for (let i = 0; i < 10; i++) await signUp(db, { email: email(), name: `Crowd ${i}`, password: 'crowd pass 1' }, { ip: crowded });
		const before = await count('users');
		const limited = await refusal(signUp(db, { email: email(), name: 'One more', password: 'crowd pass 1' }, { ip: crowded }));
		expect(limited.code).toBe('rate_limited');
		expect(limited.retryAfterSeconds).toBeGreaterThan(0);
		expect(limited.retryAfterSeconds).toBeLessThanOrEqual(3600);
		expect(await count('users')).toBe(before);
		await signUp(db, { email: email(), name: 'Elsewhere', password: 'crowd pass 1' }, { ip: ip() });
		expect(await count('users')).toBe(before + 1);
	});

	it.each([
		['malformed email', { email: 'not-an-email', name: 'X', password: 'good pass 12' }, /valid email/],
		['overlong email', { email: `${'a'.repeat(250)}@example.com`, name: 'X', password: 'good pass 12' }, /at most 254 characters/],
		['empty name', { email: 'ok@example.com', name: '   ', password: 'good pass 12' }, /Enter your name/],
		['overlong name', { email: 'ok@example.com', name: 'n'.repeat(101), password: 'good pass 12' }, /at most 100 characters/],
		['short password', { email: 'ok@example.com', name: 'X', password: 'short1' }, /at least 10/],
		['letters-only password', { email: 'ok@example.com', name: 'X', password: 'onlyletters here' }, /digit or a symbol/],
		['repetitive password', { email: 'ok@example.com', name: 'X', password: '1111111111' }, /too few/]
	])('refuses a %s with a clear message and creates nothing', async (_, input, message) => {
		const before = await count('users');
		const e = await refusal(signUp(db, input, { ip: ip() }));
		expect(e.code).toBe('invalid_input');
		expect(e.message).toMatch(message);
		expect(await count('users')).toBe(before);
	});
});

describe('sign in and sessions', () => {
	it('gives a new session id on every sign-in and keeps earlier sessions apart', async () => {
		const address = email();
		const first = await signUp(db, { email: address, name: 'Rotor', password: 'rotate me 42' }, { ip: ip() });
		const second = await signIn(db, { email: address, password: 'rotate me 42' }, { ip: ip() });
		expect(second.sessionId).not.toBe(first.sessionId);
		expect(second.token).not.toBe(first.token);
		expect(await validateSessionToken(db, second.token, limits)).not.toBeNull();
	});

	it('rejects the old cookie after sign-out, and every cookie after sign-out everywhere', async () => {
		const address = email();
		const a = await signUp(db, { email: address, name: 'Leaver', password: 'leave now 77' }, { ip: ip() });
		const b = await signIn(db, { email: address, password: 'leave now 77' }, { ip: ip() });
		const c = await signIn(db, { email: address, password: 'leave now 77' }, { ip: ip() });
		await signOut(db, { sessionId: a.sessionId, user: { id: a.user.id } });
		expect(await validateSessionToken(db, a.token, limits)).toBeNull();
		expect(await validateSessionToken(db, b.token, limits)).not.toBeNull();
		expect(await signOutEverywhere(db, a.user.id)).toBe(2);
		expect(await validateSessionToken(db, b.token, limits)).toBeNull();
		expect(await validateSessionToken(db, c.token, limits)).toBeNull();
	});

	it('rejects a session idle for longer than the idle timeout', async () => {
		const s = await signUp(db, { email: email(), name: 'Idle', password: 'idle hands 3' }, { ip: ip() });
		await db.rows(sql`update sessions set last_seen_at = now() - interval '61 minutes' where id = ${s.sessionId}`);
		expect(await validateSessionToken(db, s.token, limits)).toBeNull();
	});

	it('rejects a session past its absolute lifetime even when used recently', async () => {
		const s = await signUp(db, { email: email(), name: 'Old', password: 'old timer 55' }, { ip: ip() });
		await db.rows(sql`update sessions set created_at = now() - interval '31 days', last_seen_at = now() where id = ${s.sessionId}`);
		expect(await validateSessionToken(db, s.token, limits)).toBeNull();
	});

	it('pushes the idle deadline forward when used, never past the absolute one', async () => {
		const s = await signUp(db, { email: email(), name: 'Busy', password: 'busy bee 808' }, { ip: ip() });
		await db.rows(sql`update sessions set created_at = now() - interval '29 days 23 hours 30 minutes', last_seen_at = now() - interval '5 minutes' where id = ${s.sessionId}`);
		const v = await validateSessionToken(db, s.token, limits);
		expect(v?.renewedExpiresAt).toBeInstanceOf(Date);
		const [row] = await db.rows<{ left: number }>(sql`select extract(epoch from expires_at - now())::int as left from sessions where id = ${s.sessionId}`);
		expect(row!.left).toBeLessThanOrEqual(30 * 60);
		expect(row!.left).toBeGreaterThan(25 * 60);
	});

	it('rejects forged and tampered session cookies', async () => {
		const s = await signUp(db, { email: email(), name: 'Target', password: 'target 12345' }, { ip: ip() });
		const flipped = (s.token[0] === 'a' ? 'b' : 'a') + s.token.slice(1);
		for (const forged of [flipped, s.sessionId, s.token + 'a', '', "' or 1=1 --", 'A'.repeat(32)]) {
			expect(await validateSessionToken(db, forged, limits)).toBeNull();
		}
		expect(await validateSessionToken(db, s.token, limits)).not.toBeNull();
	});

	it('refuses wrong passwords and unknown emails alike, and audits each failure', async () => {
		const address = email();
		await signUp(db, { email: address, name: 'Careful', password: 'careful 2024' }, { ip: ip() });
		const before = await count('sessions');
		const wrong = await refusal(signIn(db, { email: address, password: 'careful 2025' }, { ip: '192.0.2.7' }));
		const unknown = await refusal(signIn(db, { email: `nobody-${address}`, password: 'careful 2024' }, { ip: '192.0.2.7' }));
		expect(wrong.code).toBe('unauthorized');
		expect(unknown.code).toBe('unauthorized');
		expect(wrong.message).toBe(unknown.message);
		expect(await count('sessions')).toBe(before);
		const audits = await db.rows<{ action: string; ip: string; reason: string }>(
			sql`select action, host(ip) as ip, detail->>'reason' as reason from audit_log where action = 'auth.signin_failed' and detail->>'email' in (${address}, ${'nobody-' + address}) order by id`
		);
		expect(audits).toEqual([
			{ action: 'auth.signin_failed', ip: '192.0.2.7', reason: 'wrong_password' },
			{ action: 'auth.signin_failed', ip: '192.0.2.7', reason: 'unknown_email' }
		]);
	});

	it('audits successful sign-ins with the address', async () => {
		const address = email();
		const s = await signUp(db, { email: address, name: 'Audited', password: 'audited 9876' }, { ip: ip() });
		await signIn(db, { email: address, password: 'audited 9876' }, { ip: '198.51.100.4' });
		const [row] = await db.rows<{ ip: string }>(sql`select host(ip) as ip from audit_log where action = 'auth.signin' and actor_user_id = ${s.user.id}`);
		expect(row?.ip).toBe('198.51.100.4');
	});

	it('refuses disabled users at sign-in and ends their sessions', async () => {
		const address = email();
		const s = await signUp(db, { email: address, name: 'Gone', password: 'gone away 11' }, { ip: ip() });
		await db.rows(sql`update users set disabled_at = now() where id = ${s.user.id}`);
		expect(await validateSessionToken(db, s.token, limits)).toBeNull();
		const sessionsBefore = await count('sessions');
		// The right password: told the account is disabled and whom to ask, not sent into password resets.
		const right = await refusal(signIn(db, { email: address, password: 'gone away 11' }, { ip: ip() }));
		const [admin] = await db.rows<{ email: string }>(sql`select email from users where site_role = 'admin' and disabled_at is null and email is not null order by created_at limit 1`);
		expect(right.code).toBe('forbidden');
		expect(right.message).toBe(
			`This account is disabled, so it cannot sign in. To use it again, ask ${admin ? `the site's admin (${admin.email})` : "the site's admin"} to enable it.`
		);
		// A wrong password: the one answer an unknown address gets, so nobody learns the account exists or is disabled.
		const wrong = await refusal(signIn(db, { email: address, password: 'gone away 12' }, { ip: ip() }));
		const unknown = await refusal(signIn(db, { email: `nobody-${address}`, password: 'gone away 11' }, { ip: ip() }));
		expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);
		expect(wrong.code).toBe('unauthorized');
		expect(await count('sessions')).toBe(sessionsBefore);
	});

	it('rate limits sign-in attempts per email with a retry time', async () => {
		const address = email();
		await signUp(db, { email: address, name: 'Hammered', password: 'hammer time 1' }, { ip: ip() });
		for (let i = 0; i < 8; i++) {
			expect((await refusal(signIn(db, { email: address, password: `wrong guess ${i}` }, { ip: `203.0.113.${i}` }))).code).toBe('unauthorized');
		}
		const limited = await refusal(signIn(db, { email: address, password: 'hammer time 1' }, { ip: '203.0.113.99' }));
		expect(limited.code).toBe('rate_limited');
		expect(limited.retryAfterSeconds).toBeGreaterThan(0);
		expect(limited.retryAfterSeconds).toBeLessThanOrEqual(900);
	});

	it('counts only failed sign-ins: a person who signs in often is never locked out', async () => {
		const address = email();
		await signUp(db, { email: address, name: 'Frequent', password: 'frequent flyer 1' }, { ip: ip() });
		const from = { ip: '203.0.113.200' };
		for (let i = 0; i < 12; i++) {
			const session = await signIn(db, { email: address, password: 'frequent flyer 1' }, from);
			expect(session.token).toBeTruthy();
		}
		// The limit still holds for guesses made between the good sign-ins: 8 failures, then refused.
		for (let i = 0; i < 8; i++) {
			expect((await refusal(signIn(db, { email: address, password: `typo ${i}` }, from))).code).toBe('unauthorized');
		}
		expect((await refusal(signIn(db, { email: address, password: 'frequent flyer 1' }, from))).code).toBe('rate_limited');
	});
});

describe('the audit log', () => {
	it('accepts new rows but rejects UPDATE, DELETE and TRUNCATE', async () => {
		await signUp(db, { email: email(), name: 'Auditor', password: 'auditor 4321' }, { ip: ip() });
		const before = await count('audit_log');
		expect(before).toBeGreaterThan(0);
		for (const statement of [sql`update audit_log set action = 'tampered'`, sql`delete from audit_log`, sql`truncate audit_log`]) {
			const error = await db.rows(statement).then(() => null, (e: unknown) => e);
			expect(causes(error)).toMatch(/audit_log is append-only/);
		}
		expect(await count('audit_log')).toBe(before);
		expect(await db.rows(sql`select 1 from audit_log where action = 'tampered'`)).toEqual([]);
	});
});

describe('users created by the seed and the metering API', () => {
	it('createUser makes an admin with no password when asked', async () => {
		const u = await createUser(db.orm, { email: 'Admin@Example.com', name: 'Site Admin', siteRole: 'admin' });
		expect(u).toMatchObject({ email: 'admin@example.com', siteRole: 'admin' });
		expect((await refusal(signIn(db, { email: 'admin@example.com', password: 'anything 123' }, { ip: ip() }))).code).toBe('unauthorized');
	});

	it('findOrCreateExternalUser creates one user per external id, even when asked concurrently', async () => {
		const results = await Promise.all(Array.from({ length: 6 }, () => findOrCreateExternalUser(db, 'wp-user-42')));
		expect(new Set(results.map((r) => r.id)).size).toBe(1);
		expect(results[0]).toMatchObject({ email: null, siteRole: 'subscriber' });
		const [n] = await db.rows<{ n: number }>(sql`select count(*)::int as n from users where external_id = 'wp-user-42'`);
		expect(n!.n).toBe(1);
		expect((await refusal(findOrCreateExternalUser(db, ''))).code).toBe('invalid_input');
	});

	it('a site key’s users named at once (those by Quota id looked up together) each get their own account, a new one created once', async () => {
		const site = await authenticateApiKey(db, (await ensureSiteKey(db, { name: 'batch', value: 'qk_batch_lookup_key_000000000000' })).value);
		const byEmail = await createUser(db.orm, { email: email(), name: 'Known by id', password: 'correct-horse-battery-9' });
		const byHost = await findOrCreateExternalUser(db, 'host-user-7');
		const unseenUuid = crypto.randomUUID(); // a host id that happens to look like a Quota id
		const names = [byEmail.id, byEmail.id.toUpperCase(), 'host-user-7', 'host-user-new', unseenUuid];
		const asked = Array.from({ length: 30 }, (_, i) => names[i % names.length]!);
		const accounts = await Promise.all(asked.map((user) => targetAccount(db, site, { user }, 'spend')));
		const of = (user: string) => new Set(accounts.filter((_, i) => asked[i] === user));
		expect(of(byEmail.id)).toEqual(new Set([byEmail.accountId]));
		expect(of(byEmail.id.toUpperCase())).toEqual(new Set([byEmail.accountId]));
		expect(of('host-user-7')).toEqual(new Set([byHost.accountId]));
		for (const created of ['host-user-new', unseenUuid]) {
			const rows = await db.rows<{ account_id: string }>(sql`select account_id from users where external_id = ${created}`);
			expect(rows).toHaveLength(1);
			expect(of(created)).toEqual(new Set([rows[0]!.account_id]));
		}
		expect(new Set(accounts).size).toBe(4);
	});
});

describe('profile and site roles', () => {
	it('updates name and time zone, refusing unknown zones and empty names, changing nothing then', async () => {
		const u = await createUser(db.orm, { email: email(), name: 'Profiled' });
		await expect(updateProfile(db, u.id, { name: '  Pro Filed ', timeZone: 'Europe/Berlin' })).resolves.toEqual({ id: u.id, name: 'Pro Filed', timeZone: 'Europe/Berlin' });
		await expect(updateProfile(db, u.id, { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/Unknown time zone/) });
		await expect(updateProfile(db, u.id, { name: '' })).rejects.toMatchObject({ code: 'invalid_input' });
		await expect(updateProfile(db, u.id, {})).resolves.toEqual({ id: u.id, name: 'Pro Filed', timeZone: 'Europe/Berlin' });
	});

	it('lets only site admins change site roles, audits each change, and keeps one admin', async () => {
		const admin = await createUser(db.orm, { email: email(), name: 'Only Admin', siteRole: 'admin' });
		const member = await createUser(db.orm, { email: email(), name: 'Climber' });
		const asAdmin = { userId: admin.id, siteRole: 'admin' };
		await expect(setSiteRole(db, { userId: member.id, siteRole: 'subscriber' }, member.id, 'admin')).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setSiteRole(db, asAdmin, member.id, 'Not A Role!')).rejects.toMatchObject({ code: 'invalid_input' });
		// A role must be on the site's list (the admin console's Roles page) before anyone gets it.
		await expect(setSiteRole(db, asAdmin, member.id, 'author')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/not one of the site's roles/) });
		await saveSiteRole(db, { userId: admin.id, ip: null }, { key: 'author', name: 'Author', isNew: true });
		await expect(setSiteRole(db, asAdmin, member.id, 'author')).resolves.toEqual({ userId: member.id, siteRole: 'author', changed: true });
		const [rec] = await db.rows<{ before: unknown; after: unknown; actor: string }>(
			sql`select before, after, actor_user_id as actor from audit_log where action = 'user.role_changed' and target_id = ${member.id}`
		);
		expect(rec).toEqual({ before: { siteRole: 'subscriber' }, after: { siteRole: 'author' }, actor: admin.id });
		// Demoting admins is fine while another admin remains; the last one stays.
		const admins = await db.rows<{ id: string }>(sql`select id from users where site_role = 'admin' and disabled_at is null`);
		for (const a of admins.filter((x) => x.id !== admin.id)) await setSiteRole(db, asAdmin, a.id, 'subscriber');
		await expect(setSiteRole(db, asAdmin, admin.id, 'subscriber')).rejects.toMatchObject({ code: 'conflict' });
	});

	it('refuses a second role of the same name, whatever its case, or an add under a key in use, and changes nothing; a role keeps its own name', async () => {
		const admin = { userId: (await createUser(db.orm, { email: email(), name: 'Namer', siteRole: 'admin' })).id, ip: null };
		await saveSiteRole(db, admin, { key: 'testers-a', name: 'Beta testers', isNew: true });
		const before = await db.rows(sql`select key, name from site_roles order by key`);
		// The Limits page, the pickers and the bonus form show roles by name: two of one name could not be told apart.
		await expect(saveSiteRole(db, admin, { key: 'testers-b', name: ' beta TESTERS ', isNew: true })).rejects.toMatchObject({
			code: 'conflict',
			message: 'Another role is already called “Beta testers”: give this one another name.'
		});
		// Adding under a key already on the list is refused; it never renames that role.
		await expect(saveSiteRole(db, admin, { key: 'testers-a', name: 'Writers', isNew: true })).rejects.toMatchObject({
			code: 'conflict',
			message: 'The key “testers-a” is already the role “Beta testers”: pick another key, or edit that role in the list.'
		});
		await expect(db.rows(sql`select key, name from site_roles order by key`)).resolves.toEqual(before);
		// Saving a role again under its own name (a new description) is no clash.
		await expect(saveSiteRole(db, admin, { key: 'testers-a', name: 'Beta testers', description: 'Early access', isNew: false })).resolves.toMatchObject({ key: 'testers-a', description: 'Early access' });
	});
});

describe('guests', () => {
	it('signs the anonymous id and rejects tampered cookies', () => {
		const secret = 'x'.repeat(40);
		const { guestId, value } = newGuestCookie(secret);
		expect(readGuestCookie(value, secret)).toBe(guestId);
		const [id, mac] = value.split('.') as [string, string];
		const otherId = (id[0] === 'A' ? 'B' : 'A') + id.slice(1);
		expect(readGuestCookie(`${otherId}.${mac}`, secret)).toBeNull();
		expect(readGuestCookie(`${id}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, secret)).toBeNull();
		expect(readGuestCookie(value, 'y'.repeat(40))).toBeNull();
		expect(readGuestCookie('garbage', secret)).toBeNull();
		expect(readGuestCookie(undefined, secret)).toBeNull();
	});

	it('creates a guest account lazily, once per guest, even under concurrent first use', async () => {
		const { guestId } = newGuestCookie('z'.repeat(40));
		expect(await db.rows(sql`select 1 from guests where id = ${guestId}`)).toEqual([]);
		const ids = await Promise.all(Array.from({ length: 5 }, () => guestAccountFor(db, guestId)));
		expect(new Set(ids).size).toBe(1);
		const [row] = await db.rows<{ kind: string; n: number }>(
			sql`select a.kind, (select count(*)::int from guests where id = ${guestId}) as n from accounts a where a.id = ${ids[0]!}`
		);
		expect(row).toEqual({ kind: 'guest', n: 1 });
		expect((await refusal(guestAccountFor(db, 'bad id with spaces'))).code).toBe('invalid_input');
	});
});

describe('the first site admin, from the command line', () => {
	it('promotes a signed-up user by e-mail, once, audited without an actor', async () => {
		const address = email();
		const s = await signUp(db, { email: address, name: 'Owner', password: 'correct horse 9' }, { ip: ip() });
		const auditRows = () =>
			db.rows<{ before: unknown; after: unknown; detail: unknown; actor_user_id: string | null }>(
				sql`select before, after, detail, actor_user_id from audit_log where action = 'user.role_changed' and target_id = ${s.user.id}`
			);
		// The operator vouches for the address: the first promotion confirms it too, the second has nothing to do.
		expect(await promoteToSiteAdmin(db, ` ${address.toUpperCase()} `)).toEqual({ userId: s.user.id, changed: true, confirmed: true });
		expect(await promoteToSiteAdmin(db, address)).toEqual({ userId: s.user.id, changed: false, confirmed: false });
		const [role] = await db.rows<{ site_role: string }>(sql`select site_role from users where id = ${s.user.id}`);
		expect(role!.site_role).toBe('admin');
		expect(await auditRows()).toEqual([
			{ before: { siteRole: 'subscriber' }, after: { siteRole: 'admin' }, detail: { via: 'command line' }, actor_user_id: null }
		]);
	});

	it('refuses an unknown or malformed e-mail and changes nothing', async () => {
		const admins = () => count(`users where site_role = 'admin'`);
		const before = await admins();
		expect((await refusal(promoteToSiteAdmin(db, 'nobody@example.com'))).code).toBe('not_found');
		expect((await refusal(promoteToSiteAdmin(db, 'not an e-mail'))).code).toBe('invalid_input');
		expect(await admins()).toBe(before);
	});
});
