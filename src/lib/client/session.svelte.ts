// Who is using the app on this device. The identity is confirmed with the server before any saved
// data is shown (so a second person signing in on a shared phone never sees the first one's
// figures); offline, the last confirmed user of this device is used.
import { goto } from '$app/navigation';
import { firstOr } from './first-answers';
import { everyPage } from '$lib/page-queries';
import { isNetworkError, isNotAsked, isUnauthorized } from './errors';
import { deviceUser, forgetUser, setDeviceUser, wipeDevice, type DeviceUser } from './storage';

export type SessionStatus = 'starting' | 'online' | 'offline' | 'no-data';

export const session = $state({
	user: null as DeviceUser | null,
	status: 'starting' as SessionStatus,
	/** Confirmed by the server this session (never taken from the device): shows the admin console. */
	siteAdmin: false
});

export function signinUrl() {
	return `/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
}

let ending: Promise<void> | null = null;

/**
 * The session is gone (`error` said so): everything on this device is forgotten and the visitor is
 * asked to sign in, once, however many of the page's requests find it out (a second navigation
 * would cut the first short). When the device alone said so (no signed-in mark: nothing was asked),
 * the server is asked first without a 401 (signed-out.ts): a session from before the mark is kept.
 */
export function sessionExpired(error: unknown): Promise<void> {
	ending ??= (async () => {
		session.user = null;
		session.siteAdmin = false;
		if (isNotAsked(error)) return (await import('./signed-out')).signedOutHere(signinUrl());
		await wipeDevice();
		await goto(signinUrl(), { replaceState: true });
	})().finally(() => (ending = null));
	return ending;
}

/**
 * Sign-out is under way (SignOut.svelte wiped the device and posts its form): the form's own answer
 * goes to sign-in. A 401 the page meets meanwhile (the live stream's last event, a refresh: the
 * server ends the session before it answers) starts nothing, as a second navigation would cut the
 * form's short and land on `/signin?next=…` instead, without the answer's Clear-Site-Data.
 */
export function signingOut(): void {
	ending = new Promise(() => {});
}

let starting: Promise<void> | null = null;

/**
 * Confirms who uses the device with the server (the device's last user offline); calls made while
 * one runs share it. Run at start, and again when the connection comes back to a session that
 * started without it (the live stream opens, a site admin gets the console).
 */
export function startSession(): Promise<void> {
	starting ??= confirmSession().finally(() => (starting = null));
	return starting;
}

async function confirmSession() {
	// Asked at once (or already, by the page's inline script) while the device is read.
	const confirmed = firstOr(everyPage.profile, undefined, { signal: AbortSignal.timeout(8_000) });
	confirmed.catch(() => {}); // awaited below
	const remembered = deviceUser().catch(() => undefined);
	try {
		const profile = await confirmed;
		const user = { id: profile.id, name: profile.name };
		// Shown at once: every user's saved figures live in their own database, so the previous
		// user's are never read for this one; they are dropped from the device right after.
		session.user = user;
		session.siteAdmin = profile.siteRole === 'admin';
		session.status = 'online';
		const saved = await remembered;
		if (saved && saved.id !== profile.id) await forgetUser(saved.id);
		// Remembered for offline starts; a device that cannot store it still works online.
		await setDeviceUser(user).catch((e) => console.warn('user not kept on this device', e));
	} catch (error) {
		if (isUnauthorized(error)) return sessionExpired(error);
		// Offline, or the server cannot answer now: the device's last confirmed user and their figures.
		if (!isNetworkError(error)) console.warn('profile unavailable', error);
		const saved = await remembered;
		session.user = saved ?? null;
		session.status = saved ? 'offline' : 'no-data';
	}
}
