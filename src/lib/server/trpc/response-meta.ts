import type { TRPCError } from '@trpc/server';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/outage';

// tRPC hands `responseMeta` each call's error as the shape `formatError` (./errors.ts) made of it,
// though typed as a TRPCError; a request that failed before any procedure ran (its context could not
// be made), as the TRPCError itself, with the database's error as its cause.

/** The `domainCode` that `formatError` gives a call's error (null on a TRPCError itself). */
const domainCode = (error: unknown): unknown => (error as { data?: { domainCode?: unknown } }).data?.domainCode;

/**
 * A refusal a person in the app is told in words and acts on (a name already taken, the last
 * admin, a value out of range): the domain's refusal or invalid input. Not one: the session gone
 * (401: the pages and the outbox take it as "sign in again"), an outage, a refusal of the procedure
 * itself (a member asking for an admin's procedure, which has no domain code), a fault.
 */
function isRefusal(error: unknown): boolean {
	const code = domainCode(error);
	return typeof code === 'string' && code !== 'unauthorized' && code !== 'unavailable';
}

/** The database could not be reached: in a procedure (its shape says `unavailable`) or before one ran. */
const isOutage = (error: unknown): boolean => domainCode(error) === 'unavailable' || isDatabaseUnavailable(error);

/**
 * tRPC's `responseMeta`, what status a call (or a batch of calls) is answered with:
 * - every call failed on an outage: `503` with `Retry-After` (seconds), as REST and the pages answer one;
 * - a mutation (a form's save, a button's action) that the domain refused: `200`, its refusal in
 *   the body as ever (`error.data`: `code`, `httpStatus`, `domainCode`, `fieldErrors`), where the
 *   client reads it and the page shows its words: the browser logs a failed status as a console
 *   error ("Failed to load resource …409"), which an ordinary refusal is not. SvelteKit answers a
 *   form action's `fail()` so too;
 * - anything else: tRPC's own status. Queries keep theirs; so does REST (`/api/v1`, not tRPC).
 */
export function trpcResponseMeta({ type, data, errors }: { type: string; data: unknown[]; errors: TRPCError[] }) {
	if (errors.length && errors.length >= data.length && errors.every(isOutage)) return { status: 503, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } };
	if (type === 'mutation' && errors.length && errors.every(isRefusal)) return { status: 200 };
	return {};
}
