import type { Handle } from '@sveltejs/kit';
import { isShuttingDown } from '../shutdown';

/**
 * After SIGTERM the requests under way still finish, and each answer carries `Connection: close`,
 * so a keep-alive client opens its next request elsewhere instead of reusing a connection that the
 * shutdown is about to close under it (a reset on the client's side).
 */
export const closeConnectionsWhenDraining: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	if (!isShuttingDown()) return response;
	const headers = new Headers(response.headers);
	headers.set('connection', 'close');
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
};
