import { json } from '@sveltejs/kit';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { ZodError } from 'zod';
import { databaseRefusal, DomainError, sqlState, type ErrorCode } from '../errors';
import { logFailure } from '../log';
import { firstIssue, flatIssues } from '../input-words';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../db/outage';

/** Refusals only the edge gives: the request never reached a domain function, or failed outside one. */
export type EdgeCode =
	| 'invalid_json'
	| 'payload_too_large'
	| 'unsupported_media_type'
	| 'method_not_allowed'
	| 'not_implemented'
	| 'idempotency_key_missing'
	| 'unavailable'
	| 'internal_error';

interface DomainAnswer {
	/** The HTTP status of REST, the simulator's endpoints and every other JSON endpoint. */
	status: number;
	/** tRPC's code (tRPC 10 has none for 402, 415, 502 or 503: the answer's own status says them). */
	trpc: TRPC_ERROR_CODE_KEY;
	/** A form action's status, where it differs from `status`. */
	form?: number;
}

/**
 * THE table from a refusal's code to how HTTP answers it; every transport reads it (REST, tRPC's
 * error formatter, form actions, the Paddle simulator's endpoints, the first hook's refusals).
 * The body is always `{"error": code, "message", "details"?}` (`refusalBody`).
 */
export const answers: { [C in ErrorCode | EdgeCode]: DomainAnswer } = {
	insufficient_tokens: { status: 402, trpc: 'PRECONDITION_FAILED' },
	allowance_exhausted: { status: 402, trpc: 'PRECONDITION_FAILED' },
	cap_reached: { status: 402, trpc: 'PRECONDITION_FAILED' },
	feature_disabled: { status: 403, trpc: 'FORBIDDEN' },
	unknown_feature: { status: 422, trpc: 'NOT_FOUND' },
	unknown_model: { status: 422, trpc: 'NOT_FOUND' },
	unknown_module: { status: 422, trpc: 'NOT_FOUND' },
	// Like a team id that names no team: the resource the request is about does not exist.
	unknown_user: { status: 404, trpc: 'NOT_FOUND' },
	hold_expired: { status: 409, trpc: 'CONFLICT' },
	hold_already_settled: { status: 409, trpc: 'CONFLICT' },
	idempotency_key_reused: { status: 422, trpc: 'UNPROCESSABLE_CONTENT' },
	idempotency_key_in_flight: { status: 409, trpc: 'CONFLICT' },
	// A 401 must carry a WWW-Authenticate challenge (RFC 9110 §15.5.2); a form's wrong password is a field to correct.
	unauthorized: { status: 401, trpc: 'UNAUTHORIZED', form: 400 },
	forbidden: { status: 403, trpc: 'FORBIDDEN' },
	not_found: { status: 404, trpc: 'NOT_FOUND' },
	conflict: { status: 409, trpc: 'CONFLICT' },
	// Forms and tRPC answer every invalid field with 400 (SvelteKit's `fail(400)` convention); REST says 422 for a well-formed body the domain refused.
	invalid_input: { status: 422, trpc: 'BAD_REQUEST', form: 400 },
	rate_limited: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
	payment_provider_error: { status: 502, trpc: 'INTERNAL_SERVER_ERROR' },
	// The buyer's bank refused an off-session charge (an auto top-up); the buyer must act, a retry will not help.
	payment_declined: { status: 402, trpc: 'PRECONDITION_FAILED' },
	payments_not_configured: { status: 503, trpc: 'PRECONDITION_FAILED' },
	// The edge's own: tRPC's code where a hook answers a tRPC call itself (trpc/edge-answer.ts trpcRefusal).
	invalid_json: { status: 400, trpc: 'PARSE_ERROR' },
	payload_too_large: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
	unsupported_media_type: { status: 415, trpc: 'BAD_REQUEST' },
	method_not_allowed: { status: 405, trpc: 'METHOD_NOT_SUPPORTED' },
	not_implemented: { status: 501, trpc: 'NOT_IMPLEMENTED' },
	idempotency_key_missing: { status: 400, trpc: 'BAD_REQUEST' },
	unavailable: { status: 503, trpc: 'INTERNAL_SERVER_ERROR' },
	internal_error: { status: 500, trpc: 'INTERNAL_SERVER_ERROR' }
};

/** A refusal the edge gives itself (no domain function ran); its status comes from `answers`. */
export class HttpError extends Error {
	readonly status: number;
	constructor(
		readonly code: AnswerCode,
		message: string,
		readonly details?: unknown,
		readonly headers: Record<string, string> = {},
		/** Only where a code's usual status does not fit (invalid request syntax: 400, not 422). */
		status?: number
	) {
		super(message);
		this.status = status ?? answers[code].status;
	}
}

/** Where a failure happened, for the log: the method and the route's pattern, never its values. */
export interface FailureSite {
	request: Request;
	route: { id: string | null };
}

export type AnswerCode = ErrorCode | EdgeCode;

/** The one JSON body of every refusal: `{"error": code, "message", "details"?}`, never a stack trace. */
export function refusalBody(code: string, message: string, details?: unknown): Record<string, unknown> {
	return details === undefined ? { error: code, message } : { error: code, message, details };
}

/**
 * Any failure as the JSON answer of an endpoint: domain refusals by `answers`, invalid input 400, outages 503, the rest a logged 500.
 * `session`: a route a signed-in page calls (the admin's CSV exports) answers invalid input 400, as the
 * forms beside it do, not REST's 422; its other refusals keep their status (signed out: 401).
 */
export function errorResponse(e: unknown, site?: FailureSite, session = false): Response {
	const err = toHttpError(e, site ? `${site.request.method} ${site.route.id ?? 'unknown route'}` : 'request', session);
	return json(refusalBody(err.code, err.message, err.details), { status: err.status, headers: { 'cache-control': 'no-store', ...err.headers } });
}

/** A domain refusal as the JSON body an endpoint answers it with: what an event stream's last `refused` event carries. */
export function refusalOf(e: DomainError): Record<string, unknown> {
	return refusalBody(e.code, e.message, e.details);
}

/** Input a schema refused: 400 `invalid_input`, its first issue as the message; `source` is where it was ("body", "query"). */
export function invalidInput(e: ZodError, source?: string): HttpError {
	return new HttpError('invalid_input', firstIssue(e, source), flatIssues(e), {}, 400);
}

/** Any failure as an `HttpError`; `what` names the request for the log. */
export function toHttpError(e: unknown, what: string, session = false): HttpError {
	if (e instanceof HttpError) return e;
	if (e instanceof DomainError) {
		const headers: Record<string, string> = e.retryAfterSeconds ? { 'retry-after': String(e.retryAfterSeconds) } : {};
		return new HttpError(e.code, e.message, e.details, headers, session && e.code === 'invalid_input' ? answers.invalid_input.form : undefined);
	}
	if (e instanceof ZodError) return invalidInput(e);
	if (isDatabaseUnavailable(e)) return new HttpError('unavailable', UNAVAILABLE_MESSAGE, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });
	const refusal = databaseRefusal(e);
	if (refusal) {
		// A value validation let through: answered as the refusal it is, and logged to close the gap.
		console.warn(`[api] ${what}: the database refused a value (SQLSTATE ${sqlState(e)})`);
		return toHttpError(refusal, what, session);
	}
	const ref = logFailure('api', `${what} failed`, e);
	return new HttpError('internal_error', internalMessage(ref));
}

/** What an unexpected failure says to whoever asked: the reference it was logged under, never its own message. */
export const internalMessage = (ref: string): string => `Something went wrong on our side; it was logged (ref ${ref}).`;
