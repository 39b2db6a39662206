import { handleError } from './handle-error';
import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import { building } from '$app/environment';
import { DatabaseUnreachableError, isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../db/outage';
import { getDb } from '../db';
import { errorResponse } from './refusals';
import { escapeHtml, plainPage, wantsPage } from './plain-page';
import { answersJson } from './json-paths';
import { edgeRefusal } from './edge-refusal';
import { isTrpcPath } from '../../trpc-path';

/** The outage error of requests that failed on one, by their `locals` (the one object handle, load and handleError share). */
const failedOnOutage = new WeakMap<object, unknown>();

const retryAfter = { 'retry-after': String(RETRY_AFTER_SECONDS) };

/**
 * Whether a request may be refused without trying the database: not while prerendering, not `/healthz` (it looks for
 * itself), and not a form action sent by SvelteKit's client, whose answer must be an action result
 * (the action's own `formFailure` gives a 503 that keeps what was typed).
 */
function refusableAtOnce(event: RequestEvent): boolean {
	// Prerendering (vite build) has no database: asking opened ./data's PGlite at build time, which a running app holds.
	return !building && event.url.pathname !== '/healthz' && !event.request.headers.has('x-sveltekit-action');
}

/** A page that says what is going on and tries again by itself (GET only: a form is not re-sent). */
function unavailablePage(event: RequestEvent): Response {
	const refresh = event.request.method === 'GET' ? `<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS + 1}">` : '';
	return plainPage({
		status: 503,
		title: 'Quota · briefly unavailable',
		heading: 'Quota is briefly unavailable',
		head: refresh,
		body: `<p>It cannot reach its database at the moment. ${refresh ? 'This page tries again in a few seconds.' : 'What you sent was not saved; send it again in a few seconds.'}</p><p><a href="${escapeHtml(event.url.pathname)}">Try again now</a></p>`,
		headers: retryAfter
	});
}

/**
 * First handle of every request: while the database is unreachable, an answer is
 * `503` with `Retry-After` — `{"error":"unavailable",…}` for JSON callers, a short page for
 * browsers — never a `500`. While the database is known to be unreachable, requests are answered
 * so at once (a request would otherwise queue for a connection).
 * Errors thrown by later handles (the session lookup) are answered
 * here, and on a JSON path (`answersJson`) or a tRPC call any error of theirs, as `edgeRefusal` answers it; errors inside loads, actions and endpoints reach `handleOutage` first, which marks the
 * request, and their `500` becomes a `503` (for form actions and `__data.json` the body, which
 * SvelteKit's client reads, is kept).
 */
export const answerOutage: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		if (refusableAtOnce(event) && !(await getDb()).reachable()) throw new DatabaseUnreachableError();
		response = await resolve(event);
	} catch (e) {
		// A later hook failed: a JSON path still answers JSON (SvelteKit would answer a browser's Accept
		// with its HTML page), and the app's calls each as tRPC answers one, so the app says why (not "You are offline").
		if (answersJson(event.url.pathname) || isTrpcPath(event.url.pathname)) return edgeRefusal(event, e);
		if (!isDatabaseUnavailable(e)) throw e;
		if (wantsPage(event)) return unavailablePage(event);
		return errorResponse(e);
	}
	if (response.status !== 500 || !failedOnOutage.has(event.locals)) return response;
	if (wantsPage(event)) return unavailablePage(event);
	if (answersJson(event.url.pathname)) return errorResponse(failedOnOutage.get(event.locals));
	const headers = new Headers(response.headers);
	headers.set('retry-after', String(RETRY_AFTER_SECONDS));
	headers.set('cache-control', 'no-store');
	return new Response(response.body, { status: 503, headers });
};

/**
 * SvelteKit's `handleError`: an outage is marked for `answerOutage` and explained; anything else
 * goes to `handleError` (./handle-error.ts), which logs it without the request's values.
 */
export const handleOutage: HandleServerError = (input) => {
	const { error, event } = input;
	if (isDatabaseUnavailable(error)) {
		failedOnOutage.set(event.locals, error);
		return { error: 'unavailable', message: UNAVAILABLE_MESSAGE };
	}
	return handleError(input);
};
