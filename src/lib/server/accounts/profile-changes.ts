// A signed-in member changes who they are: their name, their sign-in address, their password. Each
// change is audited in its own transaction; the address and the password need the current password.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../db';
import { accounts, users } from '../db/schema';
import { config } from '../config';
import { DomainError, fieldRefusal, parseInput } from '../errors';
import { queueMail } from '../mail/job';
import { emailChangedMail, passwordChangedMail } from '../mail/templates';
import { mailAddress } from '../mail/addresses';
import { mailConfirmationLink } from './address-confirmation';
import { audit } from './audit';
import { siteAdminContacts } from './contacts';
import { isUniqueViolation } from './db-errors';
import { hashPassword } from './passwords';
import { rateLimit } from './rate-limit';
import { invalidateUserSessions } from './sessions';
import { checkCurrentPassword, signUpsPerIp, type ClientMeta } from './signin';
import { randomToken } from './tokens';
import { emailSchema, nameSchema, passwordSchema, timeZoneSchema } from './validation';
import { ACCOUNT_WORDS, MAX_PASSWORD } from '../../account-fields';

/** Who changes their own details: the signed-in user, in their session (kept when the password changes). */
export interface Self {
	userId: string;
	sessionId: string;
}

/** The words under the email field for an address another account has: sign-up's (accounts/users.ts). */
export const EMAIL_TAKEN = 'An account with this email already exists.';

const currentPasswordSchema = z.string({ error: ACCOUNT_WORDS.currentPasswordMissing }).min(1, ACCOUNT_WORDS.currentPasswordMissing).max(MAX_PASSWORD, ACCOUNT_WORDS.passwordLong);

const profileUpdateSchema = z.object({ name: nameSchema.optional(), timeZone: timeZoneSchema.nullable().optional() });

/** The user's row, locked for the change; `not_found` when they no longer exist. */
async function lockUser(tx: Executor, userId: string) {
	const [u] = await tx
		.select({ name: users.name, email: users.email, mailTo: mailAddress(), accountId: users.accountId, timeZone: users.timeZone })
		.from(users)
		.where(eq(users.id, userId))
		.for('update');
	if (!u) throw new DomainError('not_found', 'This user no longer exists.');
	return u;
}

/**
 * Changes the user's display name (trimmed, 1–100 characters, no control characters) and/or time
 * zone (an IANA name, or null for the device's). A new name is also their personal account's (its
 * name was theirs at sign-up) and is audited `user.name_changed`. Returns `{ id, name, timeZone }`.
 * Errors: `invalid_input` (naming the field), `not_found`.
 */
export async function updateProfile(db: Db, userId: string, input: { name?: string; timeZone?: string | null }, meta: ClientMeta = {}) {
	const v = parseInput(profileUpdateSchema, input);
	return db.orm.transaction(async (tx) => {
		const before = await lockUser(tx, userId);
		const name = v.name ?? before.name;
		const timeZone = v.timeZone === undefined ? before.timeZone : v.timeZone;
		if (name !== before.name) {
			await tx.update(accounts).set({ name }).where(eq(accounts.id, before.accountId));
			await audit(tx, { action: 'user.name_changed', actorUserId: userId, targetType: 'user', targetId: userId, accountId: before.accountId, ip: meta.ip, before: { name: before.name }, after: { name } });
		}
		if (name !== before.name || timeZone !== before.timeZone) await tx.update(users).set({ name, timeZone }).where(eq(users.id, userId));
		return { id: userId, name, timeZone };
	});
}

const emailChangeSchema = z.object({ email: emailSchema, currentPassword: currentPasswordSchema });

/**
 * Changes the address the user signs in with, normalised as sign-up does (trimmed, lower-cased).
 * The current password is checked first (rate-limited per user, as sign-in), so only whoever knows it
 * learns whether another account has the address; attempts per user and hour are limited as sign-ups
 * per client address are (SIGNUPS_PER_IP_HOUR), so the form is no lookup service. The new address is
 * mailed a confirmation link and gets no other mail until it is opened (address-confirmation.ts); the
 * old one, if confirmed, is told of the change. Audited `user.email_changed`.
 * Returns `{ email }`. Errors: `invalid_input` (naming the field, also for the address they have
 * already), `forbidden` (wrong current password, field `currentPassword`), `conflict` (another account
 * has it, field `email`), `rate_limited`, `not_found`.
 */
export async function changeEmail(db: Db, self: Self, input: { email: string; currentPassword: string }, meta: ClientMeta = {}): Promise<{ email: string }> {
	const v = parseInput(emailChangeSchema, input);
	await rateLimit(db, `email-change:user:${self.userId}`, ...signUpsPerIp());
	await checkCurrentPassword(db, self.userId, v.currentPassword, 'email', meta);
	try {
		return await db.orm.transaction(async (tx) => {
			const before = await lockUser(tx, self.userId);
			if (before.email === v.email) {
				throw new DomainError('invalid_input', 'That is already your email address.', { fieldErrors: { email: ['That is already your email address.'] } });
			}
			await tx.update(users).set({ email: v.email, emailConfirmedAt: null }).where(eq(users.id, self.userId));
			await audit(tx, { action: 'user.email_changed', actorUserId: self.userId, targetType: 'user', targetId: self.userId, accountId: before.accountId, ip: meta.ip, before: { email: before.email }, after: { email: v.email } });
			if (before.mailTo) {
				const [admin] = await siteAdminContacts(tx);
				await queueMail(tx, emailChangedMail(before.mailTo, before.name, v.email, admin?.email ?? null, `${config().ORIGIN}/signin`), `email-changed:${randomToken()}`);
			}
			await mailConfirmationLink(tx, { id: self.userId, email: v.email, name: before.name }, 'changed');
			return { email: v.email };
		});
	} catch (e) {
		if (isUniqueViolation(e, 'users_email_unique')) throw new DomainError('conflict', EMAIL_TAKEN, { fieldErrors: { email: [EMAIL_TAKEN] } });
		throw e;
	}
}

const passwordChangeSchema = z.object({ currentPassword: currentPasswordSchema, newPassword: passwordSchema });

/**
 * Sets a new password (sign-up's rule) after checking the current one (rate-limited per user, as
 * sign-in), and signs the user out of every other session; the one making the change stays. The
 * user is mailed that it changed (at a confirmed address). Audited `user.password_changed` with how many sessions ended.
 * Returns `{ otherSessionsEnded }`. Errors: `invalid_input` (naming `newPassword`: also when it is the current one), `forbidden`
 * (wrong current password, field `currentPassword`), `rate_limited`, `not_found`.
 */
export async function changePassword(db: Db, self: Self, input: { currentPassword: string; newPassword: string }, meta: ClientMeta = {}): Promise<{ otherSessionsEnded: number }> {
	const v = parseInput(passwordChangeSchema, input);
	await checkCurrentPassword(db, self.userId, v.currentPassword, 'password', meta);
	// Checked after the current one (so it says nothing about a guess): the same password again is most
	// likely a slip, and "changed" would sign the other sessions out for nothing.
	if (v.newPassword === v.currentPassword) throw fieldRefusal('newPassword', 'The new password is the one you have now: choose another.');
	const passwordHash = await hashPassword(v.newPassword);
	return db.orm.transaction(async (tx) => {
		const user = await lockUser(tx, self.userId);
		await tx.update(users).set({ passwordHash }).where(eq(users.id, self.userId));
		const otherSessionsEnded = await invalidateUserSessions(tx, self.userId, self.sessionId);
		await audit(tx, { action: 'user.password_changed', actorUserId: self.userId, targetType: 'user', targetId: self.userId, accountId: user.accountId, ip: meta.ip, detail: { otherSessionsEnded } });
		if (user.mailTo) await queueMail(tx, passwordChangedMail(user.mailTo, user.name, `${config().ORIGIN}/forgot`), `password-changed:${randomToken()}`);
		return { otherSessionsEnded };
	});
}
