import { createTRPCClient, type TRPCClientInit } from 'trpc-sveltekit';
import type { AppRouter } from '$lib/server/trpc/router';
import { hasSignedInMark } from '$lib/signed-in';
import { TRPC_URL } from '$lib/trpc-path';
import { SignedOut } from './errors';
import { timedFetch } from './timed-fetch';

let browserClient: ReturnType<typeof createTRPCClient<AppRouter>> | undefined;

/**
 * The browser's requests: none without a session on this device (no signed-in mark,
 * lib/signed-in.ts), where the server could only answer 401, which the browser logs as an error;
 * the call fails as `SignedOut` and the pages send the visitor to sign in. Offline they go as ever
 * and fail as offline, so the device's last figures show. One that gets no answer fails after 20 s
 * (timedFetch): the refresh it belongs to is shared by every later one, which would wait with it.
 */
const sessionFetch: typeof fetch = (input, init) => (navigator.onLine && !hasSignedInMark(document.cookie) ? Promise.reject(new SignedOut()) : timedFetch(input, init));

/** The typed tRPC client; in the browser one instance is shared. */
export function trpc(init?: TRPCClientInit) {
	const isBrowser = typeof window !== 'undefined';
	if (isBrowser && browserClient) return browserClient;
	const client = createTRPCClient<AppRouter>({ url: TRPC_URL, init: init ?? (isBrowser ? { url: location, fetch: sessionFetch } : undefined) });
	if (isBrowser) browserClient = client;
	return client;
}
