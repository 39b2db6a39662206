// A page that found no signed-in mark (lib/signed-in.ts) asked the server nothing; loaded only then
// (the dashboard's start carries none of it).
import { deviceUser, wipeDevice } from './storage';

/**
 * Whether a session from before the signed-in mark existed is still good: the sign-in page's
 * server sends a signed-in visitor on (303, the mark set) and answers another with the page, never
 * with a 401. Asked only of a device that remembers a user: a phone that never signed in holds no
 * such session, and its visitor is not kept waiting for the answer.
 */
async function stillSignedIn(): Promise<boolean> {
	if (!(await deviceUser().catch(() => undefined))) return false;
	try {
		return (await fetch('/signin', { redirect: 'manual', cache: 'no-store' })).type === 'opaqueredirect';
	} catch {
		return false;
	}
}

/**
 * No session on this device as far as it knows: the page starts over with the session when the
 * server still holds one (its data kept); else everything on the device is forgotten, as for a
 * session the server ended, and the visitor is asked to sign in at `signin`: a full load, so that a
 * session the device did not remember, sent on by the sign-in page's server, starts the app afresh.
 */
export async function signedOutHere(signin: string): Promise<never> {
	if (await stillSignedIn()) location.reload();
	else {
		await wipeDevice();
		location.replace(signin);
	}
	return new Promise<never>(() => {}); // the page is going: no other request starts another
}
