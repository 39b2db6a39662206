// Who is using the app on this device. The identity is confirmed with the server before any saved
// data is shown (so a second person signing in on a shared phone never sees the first one's
// figures); offline, the last confirmed user of this device is used.
import { goto } from '$app/navigation';
import { firstOr } from './first-answers';
import { everyPage } from '$lib/page-queries';
import { isNetworkError, isUnauthorized } from './errors';
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

/** The session is gone: forget everything on this device and ask to sign in. */
export async function sessionExpired() {
	session.user = null;
	session.siteAdmin = false;
	await wipeDevice();
	await goto(signinUrl(), { replaceState: true });
}

export async function startSession() {
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
		await setDeviceUser(user).catch((e) => console.warn('could not remember the user on this device', e));
	} catch (error) {
		if (isUnauthorized(error)) return sessionExpired();
		// Offline, or the server cannot answer now: the device's last confirmed user and their figures.
		if (!isNetworkError(error)) console.warn('profile unavailable', error);
		const saved = await remembered;
		session.user = saved ?? null;
		session.status = saved ? 'offline' : 'no-data';
	}
}
