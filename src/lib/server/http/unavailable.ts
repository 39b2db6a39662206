import { handleError } from './handle-error';
import type { Handle, HandleServerError, RequestEvent } from '@sveltejs/kit';
import type { TRPCError } from '@trpc/server';
import { DatabaseUnreachableError, isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../db/outage';
import { getDb } from '../db';
import { errorResponse } from './refusals';

/** The outage error of requests that failed on one, by their `locals` (the one object handle, load and handleError share). */
const failedOnOutage = new WeakMap<object, unknown>();

const retryAfter = { 'retry-after': String(RETRY_AFTER_SECONDS) };

/** Whether the caller reads HTML (a page navigation), not JSON (REST, tRPC, form actions, `__data.json`). */
function wantsPage(event: RequestEvent): boolean {
	if (event.url.pathname.startsWith('/api/') || event.url.pathname.startsWith('/trpc') || event.isDataRequest) return false;
	if (event.request.headers.has('x-sveltekit-action')) return false;
	return (event.request.headers.get('accept') ?? '').includes('text/html');
}

/**
 * Whether a request may be refused without trying the database: not `/healthz` (it looks for
 * itself), and not a form action sent by SvelteKit's client, whose answer must be an action result
 * (the action's own `formFailure` gives a 503 that keeps what was typed).
 */
function refusableAtOnce(event: RequestEvent): boolean {
	return event.url.pathname !== '/healthz' && !event.request.headers.has('x-sveltekit-action');
}

/** A page that says what is going on and tries again by itself (GET only: a form is not re-sent). */
function unavailablePage(event: RequestEvent): Response {
	const refresh = event.request.method === 'GET' ? `<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS + 1}">` : '';
	const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}<title>Quota · briefly unavailable</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1b1f24}main{max-width:22rem;padding:1.5rem}h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:0 0 1rem;color:#4a5260}a{color:#1d4ed8}</style></head><body><main><h1>Quota is briefly unavailable</h1><p>It cannot reach its database at the moment. ${refresh ? 'This page tries again in a few seconds.' : 'What you sent was not saved; send it again in a few seconds.'}</p><p><a href="${event.url.pathname}">Try again now</a></p></main></body></html>`;
	return new Response(html, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...retryAfter } });
}

/**
 * First handle of every request: while the database is unreachable, an answer is
 * `503` with `Retry-After` — `{"error":"unavailable",…}` for JSON callers, a short page for
 * browsers — never a `500`. While the database is known to be unreachable, requests are answered
 * so at once (a request would otherwise queue for a connection).
 * Errors thrown by later handles (the session lookup) are answered
 * here; errors inside loads, actions and endpoints reach `handleOutage` first, which marks the
 * request, and their `500` becomes a `503` (for form actions and `__data.json` the body, which
 * SvelteKit's client reads, is kept).
 */
export const answerOutage: Handle = async ({ event, resolve }) => {
	let response: Response;
	try {
		if (refusableAtOnce(event) && !(await getDb()).reachable()) throw new DatabaseUnreachableError();
		response = await resolve(event);
	} catch (e) {
		if (!isDatabaseUnavailable(e)) throw e;
		return wantsPage(event) ? unavailablePage(event) : errorResponse(e);
	}
	if (response.status !== 500 || !failedOnOutage.has(event.locals)) return response;
	if (wantsPage(event)) return unavailablePage(event);
	if (event.url.pathname.startsWith('/api/')) return errorResponse(failedOnOutage.get(event.locals));
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
		return { message: UNAVAILABLE_MESSAGE, code: 'unavailable' };
	}
	return handleError(input);
};

/** tRPC's `responseMeta`: a call (or a whole batch) where every call failed on an outage answers `503` with `Retry-After`. */
export function trpcOutageMeta({ data, errors }: { data: unknown[]; errors: TRPCError[] }) {
	if (!errors.length || errors.length < data.length || !errors.every(isDatabaseUnavailable)) return {};
	return { status: 503, headers: retryAfter };
}
