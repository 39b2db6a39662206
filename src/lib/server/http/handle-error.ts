import type { HandleServerError } from '@sveltejs/kit';
import { logFailure } from '../log';

/**
 * SvelteKit's last resort for an error no route answered (its default logs the whole error, and a
 * database error's message holds the query with the request's values): logs the route and the
 * error's classes and codes under a reference, and shows that reference instead of the message.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status < 500) return { message };
	const ref = logFailure('app', `${event.request.method} ${event.route.id ?? 'unknown route'} failed`, error);
	return { message: `Something went wrong on our side; it was logged (ref ${ref}).` };
};
