import type { Cookies } from '@sveltejs/kit';
import type { Db } from '../db';
import { config } from '../config';
import { GUEST_COOKIE, newGuestCookie, readGuestCookie, SESSION_COOKIE, sessionCookieOptions, sessionOfDisabledUser, validateSessionToken, type Auth } from '../accounts';
import { SIGNED_IN_COOKIE } from '../../signed-in';

export interface RequestIdentity {
	auth: Auth | null;
	/** The signed anonymous id of a visitor without a session (null for signed-in users and API calls). */
	guestId: string | null;
}

const GUEST_COOKIE_DAYS = 400; // the longest lifetime browsers accept

/**
 * Why the session cookie a request brought was removed, for the sign-in page the app then goes to
 * (read once there): `disabled`, an admin disabled the user. Only the cookie's holder gets it; the
 * page says it in words that name no one, as the cookie itself can be written by anybody.
 */
export const SIGNED_OUT_COOKIE = 'quota_signed_out';

/**
 * Who sent a request, from its cookies: a valid session, or else a guest with a signed id
 * (issued on first visit). A stale or forged session cookie is removed (a disabled user's with
 * SIGNED_OUT_COOKIE saying so), and with it the
 * signed-in mark the pages' scripts read (lib/signed-in.ts); a session that lacks the mark (one
 * from before it existed) gets it. API routes get no guest cookie: AI apps identify themselves
 * with keys. Nor does what host sites load from other origins (/embed/: the widget's script, a
 * public, cached file): a cookie set there would be a third party's, and useless.
 */
export async function identifyRequest(db: Db, cookies: Cookies, path: string): Promise<RequestIdentity> {
	const token = cookies.get(SESSION_COOKIE);
	if (token) {
		const session = await validateSessionToken(db, token);
		if (session) {
			if (session.renewedExpiresAt) setSessionCookie(cookies, token, session.renewedExpiresAt);
			else if (!cookies.get(SIGNED_IN_COOKIE)) markSignedIn(cookies, session.expiresAt);
			return { auth: session.auth, guestId: null };
		}
		clearSessionCookie(cookies);
		if (await sessionOfDisabledUser(db, token)) cookies.set(SIGNED_OUT_COOKIE, 'disabled', { path: '/', httpOnly: true, sameSite: 'lax', secure: config().ORIGIN.startsWith('https:'), maxAge: 600 });
	} else if (cookies.get(SIGNED_IN_COOKIE)) {
		cookies.delete(SIGNED_IN_COOKIE, { path: '/' });
	}
	// A health probe is nobody: a load balancer's checks every few seconds would each get a guest cookie to drop.
	if (path.startsWith('/api/') || path.startsWith('/embed/') || path === '/healthz') return { auth: null, guestId: null };
	const known = readGuestCookie(cookies.get(GUEST_COOKIE));
	if (known) return { auth: null, guestId: known };
	const fresh = newGuestCookie();
	cookies.set(GUEST_COOKIE, fresh.value, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config().ORIGIN.startsWith('https:'),
		maxAge: GUEST_COOKIE_DAYS * 86_400
	});
	return { auth: null, guestId: fresh.guestId };
}

/** The session's mark for the pages' scripts, with the session cookie's lifetime: readable by them, so not HttpOnly. */
function markSignedIn(cookies: Cookies, expiresAt: Date) {
	cookies.set(SIGNED_IN_COOKIE, '1', { ...sessionCookieOptions(expiresAt), httpOnly: false });
}

/** Sets a new session cookie (sign-in, sign-up, password reset, a renewal) and its signed-in mark. */
export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date) {
	cookies.set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt));
	markSignedIn(cookies, expiresAt);
}

/** Removes the session cookie and its signed-in mark (sign-out, a session that ended). */
export function clearSessionCookie(cookies: Cookies) {
	cookies.delete(SESSION_COOKIE, { path: '/' });
	cookies.delete(SIGNED_IN_COOKIE, { path: '/' });
}
