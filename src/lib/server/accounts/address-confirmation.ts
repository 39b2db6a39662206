// A member shows that their address is theirs by opening a link mailed to it. Until then nothing but
// that link and a password reset they ask for is mailed there (mail/addresses.ts): an address typed
// at sign-up by someone else gets one mail, not a stream of alerts. Sign-up and an address change
// mail the link; the member can ask for it again from Settings.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { config } from '../config';
import { addressConfirmations, teamInvites, users } from '../db/schema';
import { DomainError } from '../errors';
import { queueMail } from '../mail/job';
import { addressConfirmationMail } from '../mail/templates';
import { audit, creditTo } from './audit';
import { rateLimit } from './rate-limit';
import type { ClientMeta } from './signin';
import { hashToken, randomToken } from './tokens';
import { CONFIRMATION_VALID_DAYS } from '../../account-fields';

// Links asked for again per user and hour (count, seconds): each is a mail to an address not yet shown to be theirs.
const againPerUser = [3, 3600] as const;

const LINK_GONE = 'This link has expired or was already used. Sign in and ask for a new one in Settings.';

/** Why the link is mailed: it words the mail (a welcome after sign-up). */
export type ConfirmationReason = 'signup' | 'changed' | 'again';

/**
 * Mails `user` a one-time link (valid CONFIRMATION_VALID_DAYS) that confirms `user.email`, queued in
 * `tx` with its token, so a link is mailed exactly when its token exists. Earlier links to the same
 * address keep working until they expire.
 */
export async function mailConfirmationLink(tx: Executor, user: { id: string; email: string; name: string }, reason: ConfirmationReason): Promise<void> {
	const token = randomToken();
	const tokenHash = hashToken(token);
	const expiresAt = new Date(Date.now() + CONFIRMATION_VALID_DAYS * 86_400_000);
	await tx.insert(addressConfirmations).values({ tokenHash, userId: user.id, email: user.email, expiresAt });
	await queueMail(tx, addressConfirmationMail(user.email, user.name, `${config().ORIGIN}/confirm/${token}`, reason), `confirm:${tokenHash}`);
}

/**
 * Mails the signed-in user a new link to their address. Answers `{ sentTo }` (the address), or
 * `{ confirmed: true }` when it is confirmed already (nothing sent). Errors: `rate_limited` (3 an hour),
 * `invalid_input` when they have no address, `not_found` when the user no longer exists.
 */
export async function sendConfirmationAgain(db: Db, userId: string): Promise<{ sentTo: string } | { confirmed: true }> {
	const [user] = await db.orm.select({ id: users.id, email: users.email, name: users.name, confirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.id, userId));
	if (!user) throw new DomainError('not_found', 'This user no longer exists.');
	if (!user.email) throw new DomainError('invalid_input', 'Your account has no email address to confirm.');
	if (user.confirmedAt) return { confirmed: true };
	await rateLimit(db, `confirm-again:user:${userId}`, ...againPerUser);
	const email = user.email;
	await db.orm.transaction((tx) => mailConfirmationLink(tx, { id: user.id, email, name: user.name }, 'again'));
	return { sentTo: email };
}

/** A link's state, for the page it opens: `usable` (its address awaits confirming) or `confirmed` (done already). */
export type ConfirmationLink = { state: 'usable' | 'confirmed'; email: string };

/**
 * What a link confirms, before it is used: its address, and whether that is confirmed already (the
 * link opened twice, or another link used first). Errors: `not_found` (unknown, expired or used, or
 * the user's address changed since: LINK_GONE's words).
 */
export async function checkConfirmationLink(db: Db, token: string): Promise<ConfirmationLink> {
	const [row] = await db.orm
		.select({ email: addressConfirmations.email, usable: sql<boolean>`${addressConfirmations.usedAt} is null and ${addressConfirmations.expiresAt} > now()`, current: users.email, confirmedAt: users.emailConfirmedAt })
		.from(addressConfirmations)
		.innerJoin(users, eq(users.id, addressConfirmations.userId))
		.where(eq(addressConfirmations.tokenHash, hashToken(token)));
	if (row && row.current === row.email && row.confirmedAt) return { state: 'confirmed', email: row.email };
	if (!row || !row.usable || row.current !== row.email) throw new DomainError('not_found', LINK_GONE);
	return { state: 'usable', email: row.email };
}

/**
 * Confirms the address a link was mailed to (the link used once), when it is still its user's.
 * Audited `user.email_confirmed`. Answers `{ email }`. Errors: `not_found` (LINK_GONE: unknown,
 * expired, used, or the address changed since the link was mailed).
 */
export async function confirmAddress(db: Db, token: string, meta: ClientMeta = {}): Promise<{ email: string }> {
	if (token.length > 128) throw new DomainError('not_found', LINK_GONE);
	return db.orm.transaction(async (tx) => {
		const [claimed] = await tx
			.update(addressConfirmations)
			.set({ usedAt: sql`now()` })
			.where(and(eq(addressConfirmations.tokenHash, hashToken(token)), isNull(addressConfirmations.usedAt), sql`${addressConfirmations.expiresAt} > now()`))
			.returning({ userId: addressConfirmations.userId, email: addressConfirmations.email });
		if (!claimed || !(await addressProven(tx, claimed.userId, claimed.email, meta))) throw new DomainError('not_found', LINK_GONE);
		return { email: claimed.email };
	});
}

/**
 * Records that `email` reached `userId` (a confirmation link, or a team invitation mailed to it and
 * accepted: `by` their request's `ip`), or that the operator vouches for it (`by` `{ via: 'command line' }`:
 * admin:promote), when it is still their address. Audited `user.email_confirmed` the first time,
 * credited to the user, or to `via`. Answers whether the address is theirs (confirmed now or before).
 */
export async function addressProven(tx: Executor, userId: string, email: string, by: ClientMeta | { via: string } = {}): Promise<boolean> {
	const [user] = await tx
		.select({ accountId: users.accountId, confirmedAt: users.emailConfirmedAt })
		.from(users)
		.where(and(eq(users.id, userId), eq(users.email, email)))
		.for('update');
	if (!user) return false;
	if (!user.confirmedAt) {
		await tx.update(users).set({ emailConfirmedAt: sql`now()` }).where(eq(users.id, userId));
		const credit = 'via' in by ? creditTo(by) : { actorUserId: userId, ip: by.ip };
		await audit(tx, { action: 'user.email_confirmed', ...credit, targetType: 'user', targetId: userId, accountId: user.accountId, after: { email } });
	}
	return true;
}

/**
 * The address a team invitation was mailed to, by its link's token (used, withdrawn or expired alike:
 * the link reached that address all the same); null for no such invitation.
 */
export async function invitedAddress(exec: Executor, token: string): Promise<string | null> {
	if (token.length > 128) return null;
	const [row] = await exec.select({ email: teamInvites.email }).from(teamInvites).where(eq(teamInvites.tokenHash, hashToken(token)));
	return row?.email ?? null;
}
