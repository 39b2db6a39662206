import type { HandleServerError } from '@sveltejs/kit';
import { logFailure } from '../log';
import { internalMessage } from './refusals';
import { codeOfStatus } from './json-answers';

/**
 * SvelteKit's last resort for an error no route answered (its default logs the whole error, and a
 * database error's message holds the query with the request's values): logs the route and the
 * error's classes and codes under a reference, and shows that reference instead of the message.
 * What it returns is the JSON body SvelteKit answers a JSON caller with, so it has the shape of every
 * refusal (refusals.ts `refusalBody`): `{"error", "message"}`.
 */
export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status < 500) return { error: codeOfStatus(status), message };
	const ref = logFailure('app', `${event.request.method} ${event.route.id ?? 'unknown route'} failed`, error);
	return { error: codeOfStatus(status), message: internalMessage(ref) };
};
