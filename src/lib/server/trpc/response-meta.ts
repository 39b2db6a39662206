import type { TRPCError } from '@trpc/server';
import { trpcOutageMeta } from '../http/unavailable';

/**
 * A refusal a person in the app is told in words and acts on (a name already taken, the last
 * admin, a value out of range): the domain's refusal or invalid input, by the `domainCode` that
 * `formatError` gives it. Not one: the session gone (401: the pages and the outbox take it as "sign
 * in again"), an outage, a refusal of the procedure itself (a member asking for an admin's
 * procedure), a fault. tRPC hands `responseMeta` each call's error as that formatted shape (typed
 * as a TRPCError); a request that failed before any procedure ran, as the TRPCError, with no code.
 */
function isRefusal(error: unknown): boolean {
	const code = (error as { data?: { domainCode?: unknown } }).data?.domainCode;
	return typeof code === 'string' && code !== 'unauthorized' && code !== 'unavailable';
}

/**
 * tRPC's `responseMeta`. A mutation (a form's save, a button's action) that the domain refused is
 * answered `200`, its refusal in the body as ever (`error.data`: `code`, `httpStatus`, `domainCode`,
 * `fieldErrors`), where the client reads it and the page shows its words: the browser logs a failed
 * status as a console error ("Failed to load resource …409"), which an ordinary refusal is not.
 * SvelteKit answers a form action's `fail()` so too. Queries keep their status; so does REST
 * (`/api/v1`, not tRPC). Every call failed on an outage: `503` (`trpcOutageMeta`).
 */
export function trpcResponseMeta(opts: { type: string; data: unknown[]; errors: TRPCError[] }) {
	if (opts.type === 'mutation' && opts.errors.length && opts.errors.every(isRefusal)) return { status: 200 };
	return trpcOutageMeta(opts);
}
