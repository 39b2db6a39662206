import type { SessionStatus } from '../session.svelte';

/** What the admin console shows: its pages, a wait, a refusal, or "needs a connection". */
export type ConsoleAccess = 'checking' | 'offline' | 'refused' | 'open';

/**
 * Admin pages show other people's data, which is never kept on the device: without a connection
 * there is nothing to show. Who is a site admin is what the server said this session.
 */
export function consoleAccess(status: SessionStatus, siteAdmin: boolean, online: boolean): ConsoleAccess {
	if (!online || status === 'offline' || status === 'no-data') return 'offline';
	if (status === 'starting') return 'checking';
	return siteAdmin ? 'open' : 'refused';
}
