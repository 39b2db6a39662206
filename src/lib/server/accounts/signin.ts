import { and, asc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../db';
import { config } from '../config';
import { passwordResets, users } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { queueMail } from '../mail/job';
import { passwordResetMail } from '../mail/templates';
import { addressProven, invitedAddress, mailConfirmationLink } from './address-confirmation';
import { audit } from './audit';
import { hashPassword, verifyPassword } from './passwords';
import { rateLimit, rateLimitGiveBack } from './rate-limit';
import { createSession, invalidateSession, invalidateUserSessions, type NewSession } from './sessions';
import { hashToken, randomToken } from './tokens';
import { createUser, findUserByEmail, type CreatedUser } from './users';
import { emailSchema, nameSchema, passwordSchema } from './validation';
import { ACCOUNT_WORDS, MAX_PASSWORD } from '../../account-fields';
import { SIGN_UP_ROLE } from '../../roles';

export interface ClientMeta {
	ip?: string | null;
	userAgent?: string | null;
}

// Attempts per window (count, seconds); every process shares them through the rate_limits table.
const limits = {
	signInPerIp: [50, 600],
	signInPerEmail: [8, 900],
	resetPerIp: [10, 3600],
	resetPerEmail: [3, 3600],
	// A signed-in person's current password, asked before their address or password changes: a
	// stolen session gets as many guesses at it as a stranger gets at signing in.
	currentPasswordPerUser: [8, 900]
} as const satisfies Record<string, readonly [number, number]>;
/** Sign-ups per address and hour: SIGNUPS_PER_IP_HOUR (10; a site behind one office's NAT may want more). */
export const signUpsPerIp = () => [config().SIGNUPS_PER_IP_HOUR, 3600] as const;

const ipKey = (ip: string | null | undefined) => ip || 'unknown';

const signUpSchema = z.object({ email: emailSchema, name: nameSchema, password: passwordSchema });

/**
 * Creates a member (SIGN_UP_ROLE, `subscriber`) with a password, mails them a link that confirms their
 * address (nothing else is mailed to it until they open it: address-confirmation.ts) and signs them in. `joined` runs in the same
 * transaction once the user exists (e.g. recording the referral link they came through), so a
 * refused sign-up leaves nothing of it behind. `invitation`: the token of the team invitation the
 * visitor came from (`/invite/<token>`); one mailed to the address they sign up with proves it, as an
 * opened link does, so it is confirmed now and no link is mailed (another address's: mailed as usual).
 */
export async function signUp(
	db: Db,
	input: { email: string; name: string; password: string },
	meta: ClientMeta = {},
	joined?: (tx: Executor, user: CreatedUser) => Promise<unknown>,
	invitation?: string | null
): Promise<NewSession & { user: CreatedUser }> {
	await rateLimit(db, `signup:ip:${ipKey(meta.ip)}`, ...signUpsPerIp());
	const v = parseInput(signUpSchema, input);
	return db.orm.transaction(async (tx) => {
		const user = await createUser(tx, { ...v, siteRole: SIGN_UP_ROLE });
		const invited = invitation ? await invitedAddress(tx, invitation) : null;
		if (invited !== v.email || !(await addressProven(tx, user.id, v.email, meta))) await mailConfirmationLink(tx, { id: user.id, email: v.email, name: v.name }, 'signup');
		await joined?.(tx, user);
		const session = await createSession(tx, user.id, meta);
		await audit(tx, { action: 'auth.signup', actorUserId: user.id, targetType: 'user', targetId: user.id, accountId: user.accountId, ip: meta.ip });
		return { ...session, user };
	});
}

const signInSchema = z.object({ email: emailSchema, password: z.string().min(1, ACCOUNT_WORDS.currentPasswordMissing).max(MAX_PASSWORD) });

const wrongCredentials = () => new DomainError('unauthorized', 'That email and password do not match an account.');

/**
 * The answer to the right password of a disabled account: said only to whoever knows it, so it
 * tells a stranger nothing, and it sends its owner to the site's admin (the longest-serving enabled
 * one, by address) rather than into password resets that cannot help.
 */
async function disabledAccount(exec: Executor): Promise<DomainError> {
	const [admin] = await exec
		.select({ email: users.email })
		.from(users)
		.where(and(eq(users.siteRole, 'admin'), isNull(users.disabledAt), isNotNull(users.email)))
		.orderBy(asc(users.createdAt))
		.limit(1);
	const who = admin?.email ? `the site's admin (${admin.email})` : "the site's admin";
	return new DomainError('forbidden', `This account is disabled, so it cannot sign in. To use it again, ask ${who} to enable it.`);
}

/**
 * Checks email and password and starts a new session. Failures are audited and rate limited (per
 * IP and per email); a successful sign-in gives its attempts back, so only failures use up the limit.
 * Errors: `unauthorized` for an unknown address or a wrong password alike; `forbidden` for the right
 * password of a disabled account, naming whom to ask; `rate_limited`; `invalid_input`.
 */
export async function signIn(db: Db, input: { email: string; password: string }, meta: ClientMeta = {}): Promise<NewSession & { userId: string }> {
	const v = parseInput(signInSchema, input);
	const keys = [`signin:ip:${ipKey(meta.ip)}`, `signin:email:${v.email}`];
	await rateLimit(db, keys[0]!, ...limits.signInPerIp);
	await rateLimit(db, keys[1]!, ...limits.signInPerEmail);
	const user = await findUserByEmail(db.orm, v.email);
	const ok = await verifyPassword(user?.passwordHash ?? null, v.password);
	if (!user || !ok || user.disabledAt) {
		await audit(db.orm, {
			action: 'auth.signin_failed',
			targetType: 'user',
			targetId: user?.id ?? null,
			accountId: user?.accountId ?? null,
			ip: meta.ip,
			detail: { email: v.email, reason: !user ? 'unknown_email' : !ok ? 'wrong_password' : 'disabled' }
		});
		// A wrong password gets the one answer whatever the account's state (no enumeration).
		throw user && ok ? await disabledAccount(db.orm) : wrongCredentials();
	}
	const session = await db.orm.transaction(async (tx) => {
		const session = await createSession(tx, user.id, meta);
		await audit(tx, { action: 'auth.signin', actorUserId: user.id, targetType: 'user', targetId: user.id, accountId: user.accountId, ip: meta.ip });
		return { ...session, userId: user.id };
	});
	for (const key of keys) await rateLimitGiveBack(db, key);
	return session;
}

/** The words under the current-password field when it is not the account's. */
export const WRONG_CURRENT_PASSWORD = 'That is not your current password.';

/**
 * Checks a signed-in user's current password before a change that needs it (`change`: their address,
 * their password), counted as sign-in counts its attempts: per user, only failures use up the limit;
 * a wrong one is audited (`auth.current_password_failed`), as a refused sign-in is: guesses from a
 * session left open somewhere are in the log.
 * Errors: `forbidden` naming the field `currentPassword` when it is wrong (not `unauthorized`: the
 * session itself is fine, and the app takes a 401 as "sign in again"); `rate_limited`.
 */
export async function checkCurrentPassword(db: Db, userId: string, password: string, change: 'email' | 'password', meta: ClientMeta = {}): Promise<void> {
	const key = `current-password:user:${userId}`;
	await rateLimit(db, key, ...limits.currentPasswordPerUser);
	const [user] = await db.orm.select({ passwordHash: users.passwordHash, accountId: users.accountId }).from(users).where(eq(users.id, userId));
	if (!(await verifyPassword(user?.passwordHash ?? null, password))) {
		await audit(db.orm, { action: 'auth.current_password_failed', actorUserId: userId, targetType: 'user', targetId: userId, accountId: user?.accountId, ip: meta.ip, detail: { change } });
		throw new DomainError('forbidden', WRONG_CURRENT_PASSWORD, { fieldErrors: { currentPassword: [WRONG_CURRENT_PASSWORD] } });
	}
	await rateLimitGiveBack(db, key);
}

/** Ends one session server-side (the cookie stops working at once). */
export async function signOut(db: Db, auth: { sessionId: string; user: { id: string } }, meta: ClientMeta = {}) {
	await invalidateSession(db.orm, auth.sessionId);
	await audit(db.orm, { action: 'auth.signout', actorUserId: auth.user.id, targetType: 'session', ip: meta.ip });
}

/** Ends every session of the user, on every device, this one included. */
export async function signOutEverywhere(db: Db, userId: string, meta: ClientMeta = {}): Promise<number> {
	const ended = await invalidateUserSessions(db.orm, userId);
	await audit(db.orm, { action: 'auth.signout_everywhere', actorUserId: userId, targetType: 'user', targetId: userId, ip: meta.ip, detail: { sessions: ended } });
	return ended;
}

const RESET_VALID_MINUTES = 60;

/**
 * Mails a one-time reset link when the email belongs to an account. The answer is the same
 * either way, so the form does not reveal who has an account. The mail is queued with the token
 * (the schedule's `mail.send`: sent at once after the commit, retried while the SMTP server is
 * down), so a link is mailed exactly when its token exists.
 */
export async function requestPasswordReset(db: Db, input: { email: string }, meta: ClientMeta = {}) {
	const email = parseInput(z.object({ email: emailSchema }), input).email;
	await rateLimit(db, `reset:ip:${ipKey(meta.ip)}`, ...limits.resetPerIp);
	await rateLimit(db, `reset:email:${email}`, ...limits.resetPerEmail);
	const user = await findUserByEmail(db.orm, email);
	if (!user || user.disabledAt || !user.email) return;
	const token = randomToken();
	const tokenHash = hashToken(token);
	await db.orm.transaction(async (tx) => {
		await tx.insert(passwordResets).values({ tokenHash, userId: user.id, expiresAt: new Date(Date.now() + RESET_VALID_MINUTES * 60_000) });
		await audit(tx, { action: 'auth.password_reset_requested', targetType: 'user', targetId: user.id, accountId: user.accountId, ip: meta.ip });
		await queueMail(tx, passwordResetMail(user.email!, user.name, `${config().ORIGIN}/reset/${token}`), `reset:${tokenHash}`);
	});
}

/** Whether a reset link can still be used (for the page that asks for the new password). */
export async function checkResetToken(db: Db, token: string): Promise<{ email: string | null }> {
	const [row] = await db.orm
		.select({ email: users.email })
		.from(passwordResets)
		.innerJoin(users, eq(users.id, passwordResets.userId))
		.where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)));
	if (!row) throw new DomainError('not_found', 'This reset link has expired or was already used. Ask for a new one.');
	return row;
}

/**
 * Sets a new password with a reset link (used once), ends every other session of the user,
 * and signs them in with a new one.
 */
export async function resetPassword(db: Db, input: { token: string; password: string }, meta: ClientMeta = {}): Promise<NewSession & { userId: string }> {
	const v = parseInput(z.object({ token: z.string().max(64), password: passwordSchema }), input);
	const passwordHash = await hashPassword(v.password);
	return db.orm.transaction(async (tx) => {
		const [claimed] = await tx
			.update(passwordResets)
			.set({ usedAt: sql`now()` })
			.where(and(eq(passwordResets.tokenHash, hashToken(v.token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
			.returning({ userId: passwordResets.userId });
		if (!claimed) throw new DomainError('not_found', 'This reset link has expired or was already used. Ask for a new one.');
		const [user] = await tx.update(users).set({ passwordHash }).where(eq(users.id, claimed.userId)).returning({ accountId: users.accountId });
		await invalidateUserSessions(tx, claimed.userId);
		const session = await createSession(tx, claimed.userId, meta);
		await audit(tx, { action: 'auth.password_reset', actorUserId: claimed.userId, targetType: 'user', targetId: claimed.userId, accountId: user?.accountId, ip: meta.ip });
		return { ...session, userId: claimed.userId };
	});
}
