// A request that gets no answer is not waited on forever. On a network that carries nothing (a
// captive portal, a dead cell, a laptop just woken) fetch neither answers nor fails for minutes, and
// what waits on it waits too: the shared refresh (every later refresh joins the one under way) and
// the outbox's flush (it holds the device's sync lock while it sends).

/**
 * The way to the server as the last request found it: `down` once one went unanswered, until one
 * is answered (any answer, a refusal too), which runs `back` (the page refreshes what it shows).
 * Requests alone say so: the browser's `online` event and navigator.onLine do not always.
 */
export const link = { down: false, back: () => {} };

/** Milliseconds a request may go unanswered (its whole body read) before it fails as unreachable. */
export const REQUEST_TIMEOUT_MS = 20_000;

/**
 * `fetch` that aborts after `ms` (the answer's body included: the signal stays armed while it is
 * read), or when the caller's signal does. Rejects as fetch does when aborted (a DOMException named
 * `AbortError`, or the caller's reason), which callers take as the network failing (errors.ts).
 */
export function timedFetch(input: RequestInfo | URL, init: RequestInit = {}, ms = REQUEST_TIMEOUT_MS): Promise<Response> {
	// One controller for both (AbortSignal.any is Safari 17.4+); the page's setTimeout, not
	// AbortSignal.timeout, so that tests can move its clock.
	const both = new AbortController();
	const caller = init.signal;
	const callerAborts = () => both.abort(caller!.reason);
	if (caller?.aborted) callerAborts();
	else caller?.addEventListener('abort', callerAborts, { once: true });
	setTimeout(() => both.abort(), ms);
	return fetch(input, { ...init, signal: both.signal }).then(
		(res) => {
			if (link.down) {
				link.down = false;
				link.back();
			}
			return res;
		},
		(e) => {
			link.down = true;
			throw e;
		}
	);
}
