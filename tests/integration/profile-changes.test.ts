import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '../helpers/db';
import { refusal } from '../helpers/refusal';
import type { Db } from '../../src/lib/server/db';
import { changeEmail, changePassword, confirmAddress, createSession, signIn, signUp, updateProfile, validateSessionToken } from '../../src/lib/server/accounts';
import type { DomainError } from '../../src/lib/server/errors';

// A signed-in member changes their own name, sign-in address and password (Settings → Profile):
// each change is audited, the address and password need the current password, and a refusal
// changes nothing and says which field it is about.

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

const PASSWORD = 'first secret 1';
let n = 0;
const CONFIRM = 'Confirm your email address for Quota';
/** A member signed up with PASSWORD who opened the link mailed to confirm their address, their session, and the self a change is made as. */
async function member(name = 'Ada Lovelace') {
	const email = `profile${++n}-${Date.now()}@example.com`;
	const s = await signUp(db, { email, name, password: PASSWORD }, { ip: `10.9.${n % 250}.1` });
	const [link] = await confirmationLinks(email);
	await confirmAddress(db, link!.split('/confirm/')[1]!);
	return { email, user: s.user, token: s.token, self: { userId: s.user.id, sessionId: s.sessionId } };
}

const fieldsOf = (e: DomainError) => Object.keys((e.details as { fieldErrors?: object } | undefined)?.fieldErrors ?? {});

async function row(userId: string) {
	const [u] = await db.rows<{ name: string; email: string; password_hash: string; account_name: string }>(
		sql`select u.name, u.email, u.password_hash, a.name as account_name from users u join accounts a on a.id = u.account_id where u.id = ${userId}`
	);
	return u!;
}
const auditOf = (userId: string, action: string) =>
	db.rows<{ before: unknown; after: unknown; detail: unknown; actor_user_id: string; ip: string | null }>(
		sql`select before, after, detail, actor_user_id, host(ip) as ip from audit_log where target_id = ${userId} and action = ${action} order by at`
	);
/** The mails queued to `to`, but the links that confirm an address (`confirmationLinks`). */
const mailsTo = async (to: string) =>
	(await db.rows<{ payload: { to: string; subject: string; text: string } }>(sql`select payload from scheduled_jobs where name = 'mail.send' and payload->>'to' = ${to} and payload->>'subject' <> ${CONFIRM} order by id`)).map((r) => r.payload);
/** The links mailed to `to` to confirm it, in the order sent. */
const confirmationLinks = async (to: string) =>
	(await db.rows<{ link: string }>(sql`select payload->>'link' as link from scheduled_jobs where name = 'mail.send' and payload->>'to' = ${to} and payload->>'subject' = ${CONFIRM} order by id`)).map((r) => r.link);
const sessionsOf = async (userId: string) => Number((await db.rows<{ n: number }>(sql`select count(*)::int as n from sessions where user_id = ${userId}`))[0]!.n);
const limits = { idleMinutes: 60, absoluteDays: 30 };

describe('changing the display name', () => {
	it('stores it trimmed, names the personal account after it, and audits before and after', async () => {
		const m = await member();
		await expect(updateProfile(db, m.user.id, { name: '  Ada King  ' }, { ip: '10.9.0.7' })).resolves.toMatchObject({ name: 'Ada King' });
		expect(await row(m.user.id)).toMatchObject({ name: 'Ada King', account_name: 'Ada King' });
		expect((await validateSessionToken(db, m.token, limits))?.auth.user.name).toBe('Ada King');
		expect(await auditOf(m.user.id, 'user.name_changed')).toEqual([{ before: { name: 'Ada Lovelace' }, after: { name: 'Ada King' }, detail: null, actor_user_id: m.user.id, ip: '10.9.0.7' }]);
		// Saved as it was: nothing to audit.
		await updateProfile(db, m.user.id, { name: 'Ada King ' });
		expect(await auditOf(m.user.id, 'user.name_changed')).toHaveLength(1);
	});

	it('refuses an empty, too long or control-character name under the name field, and changes nothing', async () => {
		const m = await member();
		for (const name of ['   ', 'x'.repeat(101), 'Ada\u0007']) {
			const e = await refusal(updateProfile(db, m.user.id, { name }));
			expect(e.code).toBe('invalid_input');
			expect(fieldsOf(e)).toEqual(['name']);
		}
		expect((await refusal(updateProfile(db, m.user.id, { name: '' }))).forPeople).toMatch(/Enter your name/);
		expect(await row(m.user.id)).toMatchObject({ name: 'Ada Lovelace', account_name: 'Ada Lovelace' });
		expect(await auditOf(m.user.id, 'user.name_changed')).toEqual([]);
	});
});

describe('changing the email address', () => {
	it('normalises it as sign-up does, signs in with it (not the old one), audits it and tells the old address', async () => {
		const m = await member();
		const next = `moved${n}@example.com`;
		await expect(changeEmail(db, m.self, { email: `  ${next.toUpperCase()} `, currentPassword: PASSWORD }, { ip: '10.9.0.8' })).resolves.toEqual({ email: next });
		expect((await row(m.user.id)).email).toBe(next);
		await expect(signIn(db, { email: next, password: PASSWORD }, { ip: '10.9.1.1' })).resolves.toMatchObject({ userId: m.user.id });
		expect((await refusal(signIn(db, { email: m.email, password: PASSWORD }, { ip: '10.9.1.1' }))).code).toBe('unauthorized');
		expect(await auditOf(m.user.id, 'user.email_changed')).toEqual([{ before: { email: m.email }, after: { email: next }, detail: null, actor_user_id: m.user.id, ip: '10.9.0.8' }]);
		const [mail] = await mailsTo(m.email);
		expect(mail?.subject).toBe('The email address of your Quota account was changed');
		expect(mail?.text).toContain(`from ${m.email} to ${next}`);
		// The new address is sent a link to confirm it, and nothing else until it is opened.
		expect(await confirmationLinks(next)).toEqual([expect.stringMatching(/\/confirm\/[A-Za-z0-9_-]{16,}$/)]);
		expect(await mailsTo(next)).toEqual([]);
		expect((await db.rows<{ confirmed: boolean }>(sql`select email_confirmed_at is not null as confirmed from users where id = ${m.user.id}`))[0]).toEqual({ confirmed: false });
		// The session goes on, with the new address.
		expect((await validateSessionToken(db, m.token, limits))?.auth.user.email).toBe(next);
	});

	it('a wrong current password changes nothing and is said under the current-password field', async () => {
		const m = await member();
		const e = await refusal(changeEmail(db, m.self, { email: `elsewhere${n}@example.com`, currentPassword: 'not my password 1' }));
		expect(e).toMatchObject({ code: 'forbidden', message: 'That is not your current password.' });
		expect(fieldsOf(e)).toEqual(['currentPassword']);
		expect((await row(m.user.id)).email).toBe(m.email);
		expect(await auditOf(m.user.id, 'user.email_changed')).toEqual([]);
		expect(await mailsTo(m.email)).toEqual([]);
		// The guess is in the log, as a refused sign-in is; never the password tried.
		const failed = await auditOf(m.user.id, 'auth.current_password_failed');
		expect(failed).toEqual([{ before: null, after: null, detail: { change: 'email' }, actor_user_id: m.user.id, ip: null }]);
	});

	it('a taken address changes nothing and is said under the email field in sign-up’s words', async () => {
		const other = await member('Someone Else');
		const m = await member();
		const e = await refusal(changeEmail(db, m.self, { email: other.email.toUpperCase(), currentPassword: PASSWORD }));
		expect(e).toMatchObject({ code: 'conflict', message: 'An account with this email already exists.' });
		expect(fieldsOf(e)).toEqual(['email']);
		expect((await row(m.user.id)).email).toBe(m.email);
		expect((await row(other.user.id)).email).toBe(other.email);
		expect(await auditOf(m.user.id, 'user.email_changed')).toEqual([]);
		expect(await mailsTo(m.email)).toEqual([]);
	});

	it('refuses an invalid address, the address they have, and a missing password, each under its field', async () => {
		const m = await member();
		const cases: [{ email: string; currentPassword: string }, string, RegExp][] = [
			[{ email: 'not an address', currentPassword: PASSWORD }, 'email', /valid email address/],
			[{ email: ` ${m.email.toUpperCase()}`, currentPassword: PASSWORD }, 'email', /already your email address/],
			[{ email: `fresh${n}@example.com`, currentPassword: '' }, 'currentPassword', /Enter your password/]
		];
		for (const [input, field, words] of cases) {
			const e = await refusal(changeEmail(db, m.self, input));
			expect(e.code, field).toBe('invalid_input');
			expect(fieldsOf(e)).toEqual([field]);
			expect(e.forPeople).toMatch(words);
		}
		expect((await row(m.user.id)).email).toBe(m.email);
	});
});

describe('changing the password', () => {
	it('signs out the other sessions and keeps this one; the new password signs in, the old does not; audited and mailed', async () => {
		const m = await member();
		const phone = await createSession(db.orm, m.user.id);
		const laptop = await createSession(db.orm, m.user.id);
		await expect(changePassword(db, m.self, { currentPassword: PASSWORD, newPassword: 'second secret 2' }, { ip: '10.9.0.9' })).resolves.toEqual({ otherSessionsEnded: 2 });
		expect(await validateSessionToken(db, m.token, limits)).not.toBeNull();
		expect(await validateSessionToken(db, phone.token, limits)).toBeNull();
		expect(await validateSessionToken(db, laptop.token, limits)).toBeNull();
		await expect(signIn(db, { email: m.email, password: 'second secret 2' }, { ip: '10.9.2.1' })).resolves.toMatchObject({ userId: m.user.id });
		expect((await refusal(signIn(db, { email: m.email, password: PASSWORD }, { ip: '10.9.2.1' }))).code).toBe('unauthorized');
		const entries = await auditOf(m.user.id, 'user.password_changed');
		expect(entries).toEqual([{ before: null, after: null, detail: { otherSessionsEnded: 2 }, actor_user_id: m.user.id, ip: '10.9.0.9' }]);
		expect(JSON.stringify(entries)).not.toContain('second secret');
		expect((await mailsTo(m.email)).map((mail) => mail.subject)).toEqual(['The password of your Quota account was changed']);
	});

	it('a wrong current password changes nothing: the old password still works and no session ends', async () => {
		const m = await member();
		await createSession(db.orm, m.user.id);
		const hash = (await row(m.user.id)).password_hash;
		const e = await refusal(changePassword(db, m.self, { currentPassword: 'first secret 2', newPassword: 'second secret 2' }));
		expect(e).toMatchObject({ code: 'forbidden', message: 'That is not your current password.' });
		expect(fieldsOf(e)).toEqual(['currentPassword']);
		expect((await row(m.user.id)).password_hash).toBe(hash);
		expect(await sessionsOf(m.user.id)).toBe(2);
		expect(await auditOf(m.user.id, 'user.password_changed')).toEqual([]);
	});

	it('refuses the current password as the new one, under the new-password field, changing nothing and ending no session', async () => {
		const m = await member();
		await createSession(db.orm, m.user.id);
		const hash = (await row(m.user.id)).password_hash;
		const e = await refusal(changePassword(db, m.self, { currentPassword: PASSWORD, newPassword: PASSWORD }));
		expect(e).toMatchObject({ code: 'invalid_input', message: 'The new password is the one you have now: choose another.' });
		expect(fieldsOf(e)).toEqual(['newPassword']);
		expect([(await row(m.user.id)).password_hash, await sessionsOf(m.user.id), await auditOf(m.user.id, 'user.password_changed')]).toEqual([hash, 2, []]);
		expect(await mailsTo(m.email)).toEqual([]);
	});

	it('holds a new password to sign-up’s rule, in its words, under the new-password field', async () => {
		const m = await member();
		const hash = (await row(m.user.id)).password_hash;
		for (const [newPassword, words] of [
			['short 1', /at least 10 characters/],
			['only letters here', /Add a digit or a symbol/],
			['aaaaaaaaaa1', /repeats too few characters/]
		] as const) {
			const e = await refusal(changePassword(db, m.self, { currentPassword: PASSWORD, newPassword }));
			expect(e.code).toBe('invalid_input');
			expect(fieldsOf(e)).toEqual(['newPassword']);
			expect(e.forPeople).toMatch(words);
		}
		expect((await row(m.user.id)).password_hash).toBe(hash);
	});

	it('limits guesses at the current password as sign-in does: after 8 wrong ones even the right one waits', async () => {
		const m = await member();
		for (let i = 0; i < 8; i++) expect((await refusal(changePassword(db, m.self, { currentPassword: `guess number ${i}`, newPassword: 'second secret 2' }))).code).toBe('forbidden');
		const e = await refusal(changeEmail(db, m.self, { email: `late${n}@example.com`, currentPassword: PASSWORD }));
		expect(e.code).toBe('rate_limited');
		expect(e.message).toMatch(/Too many attempts/);
		expect((await row(m.user.id)).email).toBe(m.email);
	});

	it('gives back the attempt of a right password, so a member who knows it is never held up', async () => {
		const m = await member();
		let password = PASSWORD;
		for (let i = 0; i < 10; i++) {
			const next = `secret number ${i}`;
			await changePassword(db, m.self, { currentPassword: password, newPassword: next });
			password = next;
		}
		await expect(signIn(db, { email: m.email, password }, { ip: '10.9.3.1' })).resolves.toBeTruthy();
	});
});
