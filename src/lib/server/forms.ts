import { fail } from '@sveltejs/kit';
import { databaseRefusal, DomainError } from './errors';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from './db/outage';
import { answers } from './http/refusals';
import { getDb, type Db } from './db';
import { MAX_EMAIL } from '../account-fields';

/**
 * Runs a route's domain call with the app's database: the edge opens it and hands it over, as tRPC's
 * context (`ctx.db`) and REST's `endpoint()` do, so no route imports the database (page loads,
 * session routes).
 */
export async function withDb<T>(call: (db: Db) => T | Promise<T>): Promise<T> {
	return call(await getDb());
}

/**
 * A form action's domain call (`withDb`): its result, or the form's answer to a refusal or an
 * unreachable database (`formFailure`, with `values` put back into the form).
 */
export async function formCall<T>(
	setHeaders: (headers: Record<string, string>) => void,
	values: Record<string, string>,
	call: (db: Db) => Promise<T>
): Promise<{ ok: true; value: T } | { ok: false; failure: ReturnType<typeof formFailure> }> {
	try {
		return { ok: true, value: await withDb(call) };
	} catch (e) {
		return { ok: false, failure: formFailure(e, setHeaders, values) };
	}
}

/**
 * A form action's answer to a domain refusal: the status (`answers`, http/refusals.ts), the message, field errors, and the
 * values to put back into the form. Rate limits also send Retry-After; so does an unreachable
 * database (503, the form keeps what was typed). Other errors propagate.
 */
export function formFailure(caught: unknown, setHeaders: (headers: Record<string, string>) => void, values: Record<string, string> = {}) {
	if (isDatabaseUnavailable(caught)) {
		setHeaders({ 'retry-after': String(RETRY_AFTER_SECONDS) });
		return fail(503, { message: UNAVAILABLE_MESSAGE, code: 'unavailable', fieldErrors: {}, values });
	}
	// A value the database refused is answered as the refusal it is, as the API does.
	const error = caught instanceof DomainError ? caught : databaseRefusal(caught);
	if (!error) throw caught;
	if (error.code === 'rate_limited' && error.retryAfterSeconds) setHeaders({ 'retry-after': String(error.retryAfterSeconds) });
	const details = error.details as { fieldErrors?: Record<string, string[] | undefined> } | undefined;
	const fieldErrors = Object.fromEntries(Object.entries(details?.fieldErrors ?? {}).map(([k, v]) => [k, v?.[0] ?? '']));
	const answer = answers[error.code];
	return fail(answer.form ?? answer.status, { message: error.forPeople, code: error.code, fieldErrors, values });
}

/** What a form action answers a body that is not a form: no field to put it beside, nothing done. */
export const UNREADABLE_FORM = 'The form could not be read: send its fields as a form (application/x-www-form-urlencoded or multipart/form-data).';

/**
 * The fields a form action was posted, or the form's 400 `invalid_input` answer (`formFailure`'s
 * shape) when the body is not a form: text/plain, JSON, or multipart that does not parse. A browser's
 * form never sends those, a script may; `request.formData()` throws on them, which was a 500.
 */
export async function postedForm(request: Request): Promise<{ ok: true; data: FormData } | { ok: false; failure: ReturnType<typeof formFailure> }> {
	try {
		return { ok: true, data: await request.formData() };
	} catch {
		return { ok: false, failure: formFailure(new DomainError('invalid_input', UNREADABLE_FORM), () => {}) };
	}
}

/** A form field as a string (absent and file fields become ''). */
export function field(data: FormData, name: string): string {
	const v = data.get(name);
	return typeof v === 'string' ? v : '';
}

/** An address a link fills the form's Email with (`?email=`), at most as long as an address may be. */
export function emailParam(url: URL): string {
	return url.searchParams.get('email')?.slice(0, MAX_EMAIL) ?? '';
}

/** Where to go after signing in: a same-origin path from ?next=, or the dashboard. */
export function safeNext(next: string | null | undefined, fallback = '/dashboard'): string {
	if (!next || next.length > 512) return fallback;
	// A path on this site: one leading slash, no scheme-relative //, no backslash tricks, no control characters.
	if (!/^\/(?![/\\])[^\\\u0000-\u001f\u007f]*$/.test(next)) return fallback;
	return next;
}
