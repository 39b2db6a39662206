// Sessions as in the Lucia guide (lucia-auth.com/sessions), written with @oslojs/crypto and
// @oslojs/encoding: the cookie holds a random token, the database its SHA-256 (the session id).
import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { sessions, userSettings, users } from '../db/schema';
import { config } from '../config';
import { hashToken, randomToken } from './tokens';
import { rowsOf } from './users';
import type { Auth } from './types';

export const SESSION_COOKIE = 'quota_session';

/** last_seen_at is written at most this often, so reads do not turn into writes. */
const TOUCH_EVERY_SECONDS = 60;

export interface SessionLimits {
	idleMinutes: number;
	absoluteDays: number;
}

function limits(): SessionLimits {
	const c = config();
	return { idleMinutes: c.SESSION_IDLE_MINUTES, absoluteDays: c.SESSION_ABSOLUTE_DAYS };
}

export interface NewSession {
	/** Goes into the cookie and nowhere else. */
	token: string;
	sessionId: string;
	expiresAt: Date;
}

/**
 * A new session with a new id (ids are never reused, so a sign-in always rotates the cookie). It
 * starts on the person's own account: the pool they chose last (a team's) is forgotten at sign-in,
 * so nobody spends a team's tokens in a new session without choosing it there.
 */
export async function createSession(
	exec: Executor,
	userId: string,
	meta: { ip?: string | null; userAgent?: string | null } = {},
	l: SessionLimits = limits()
): Promise<NewSession> {
	const token = randomToken();
	const sessionId = hashToken(token);
	const expiresAt = new Date(Date.now() + Math.min(l.idleMinutes * 60_000, l.absoluteDays * 86_400_000));
	// Expired sessions of this user are cleared on the way in.
	await exec.delete(sessions).where(and(eq(sessions.userId, userId), sql`${sessions.expiresAt} <= now()`));
	await exec.insert(sessions).values({
		id: sessionId,
		userId,
		expiresAt,
		ip: meta.ip ?? null,
		userAgent: meta.userAgent?.slice(0, 300) ?? null
	});
	await exec.update(userSettings).set({ activeAccountId: null, updatedAt: sql`now()` }).where(eq(userSettings.userId, userId));
	await exec.update(users).set({ lastSeenAt: sql`now()` }).where(eq(users.id, userId));
	return { token, sessionId, expiresAt };
}

export interface ValidSession {
	auth: Auth;
	/** Set when the idle timeout was pushed forward: the cookie should be sent again. */
	renewedExpiresAt: Date | null;
	/** When the session ends unless used (renewed or not). */
	expiresAt: Date;
}

/**
 * The signed-in user for a cookie token, or null when the session is unknown, revoked,
 * idle for too long, past its absolute lifetime, or its user is disabled. One round trip.
 */
export async function validateSessionToken(db: Db, token: string, l: SessionLimits = limits()): Promise<ValidSession | null> {
	if (!/^[a-z2-7]{32}$/.test(token)) return null;
	const sessionId = hashToken(token);
	const idle = sql`make_interval(mins => ${l.idleMinutes})`;
	// Whole 24-hour days, as createSession counts them: a calendar day in the database's time zone can be 23 or 25 h.
	const absolute = sql`make_interval(secs => ${l.absoluteDays * 86_400})`;
	const [row] = await db.rows<{
		user_id: string;
		account_id: string;
		email: string | null;
		name: string;
		site_role: string;
		time_zone: string | null;
		renewed: Date | string | null;
		expires_at: Date | string;
	}>(sql`
		with s as (
			select s.id, s.user_id, s.last_seen_at, s.expires_at from sessions s
			join users u on u.id = s.user_id and u.disabled_at is null
			where s.id = ${sessionId} and s.expires_at > now()
				and s.last_seen_at > now() - ${idle} and s.created_at > now() - ${absolute}
		), touched as (
			update sessions set last_seen_at = now(), expires_at = least(now() + ${idle}, sessions.created_at + ${absolute})
			from s where sessions.id = s.id and s.last_seen_at < now() - make_interval(secs => ${TOUCH_EVERY_SECONDS})
			returning sessions.expires_at, sessions.user_id
		), seen as (
			update users set last_seen_at = now() from touched where users.id = touched.user_id
		)
		select u.id as user_id, u.account_id, u.email, u.name, u.site_role, u.time_zone,
			(select expires_at from touched) as renewed, s.expires_at
		from s join users u on u.id = s.user_id`);
	if (!row) return null;
	return {
		auth: {
			sessionId,
			user: {
				id: row.user_id,
				accountId: row.account_id,
				email: row.email,
				name: row.name,
				siteRole: row.site_role,
				timeZone: row.time_zone
			}
		},
		renewedExpiresAt: row.renewed ? new Date(row.renewed) : null,
		expiresAt: new Date(row.renewed ?? row.expires_at)
	};
}

/**
 * Whether `token` names an unexpired session of a user an admin has since disabled: the reason a
 * cookie that validateSessionToken refuses stopped working, said to whoever holds it on the sign-in
 * page (lib/server/http/identify.ts). One index probe, asked only for a refused cookie.
 */
export async function sessionOfDisabledUser(db: Db, token: string): Promise<boolean> {
	if (!/^[a-z2-7]{32}$/.test(token)) return false;
	const [row] = await db.rows<{ disabled: boolean }>(sql`
		select true as disabled from sessions s join users u on u.id = s.user_id
		where s.id = ${hashToken(token)} and s.expires_at > now() and u.disabled_at is not null`);
	return Boolean(row);
}

export async function invalidateSession(exec: Executor, sessionId: string): Promise<void> {
	await exec.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a user out everywhere, or everywhere but the given session. Returns how many ended. */
export async function invalidateUserSessions(exec: Executor, userId: string, except?: string): Promise<number> {
	const result = await exec
		.delete(sessions)
		.where(except ? and(eq(sessions.userId, userId), ne(sessions.id, except)) : eq(sessions.userId, userId))
		.returning({ id: sessions.id });
	return rowsOf(result).length;
}

export async function listSessions(exec: Executor, userId: string, currentSessionId: string | null) {
	const rows = await exec
		.select({
			id: sessions.id,
			createdAt: sessions.createdAt,
			lastSeenAt: sessions.lastSeenAt,
			expiresAt: sessions.expiresAt,
			ip: sessions.ip,
			userAgent: sessions.userAgent
		})
		.from(sessions)
		.where(and(eq(sessions.userId, userId), sql`${sessions.expiresAt} > now()`))
		.orderBy(desc(sessions.lastSeenAt));
	return rows.map((s) => ({ ...s, current: s.id === currentSessionId }));
}

/** HttpOnly, SameSite=Lax, Secure when the site is served over https. */
export function sessionCookieOptions(expires: Date) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		secure: config().ORIGIN.startsWith('https:'),
		expires
	};
}
