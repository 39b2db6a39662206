import { json } from '@sveltejs/kit';
import { ZodError, z } from 'zod';
import { databaseRefusal, DomainError, sqlState, type ErrorCode } from '../errors';
import { logFailure } from '../log';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE } from '../db/outage';

/** The one mapping from domain codes to HTTP statuses for REST v1. */
const statusOf: Record<ErrorCode, number> = {
	insufficient_tokens: 402,
	allowance_exhausted: 402,
	cap_reached: 402,
	feature_disabled: 403,
	unknown_feature: 422,
	unknown_model: 422,
	unknown_module: 422,
	hold_expired: 409,
	hold_already_settled: 409,
	idempotency_key_reused: 422,
	idempotency_key_in_flight: 409,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	conflict: 409,
	invalid_input: 422,
	rate_limited: 429,
	payment_provider_error: 502,
	payments_not_configured: 503
};

/** A REST error answer: always `{"error","message","details"?}`, never a stack trace. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly details?: unknown,
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

/** Where a failure happened, for the log: the method and the route's pattern, never its values. */
export interface FailureSite {
	request: Request;
	route: { id: string | null };
}

export function errorResponse(e: unknown, site?: FailureSite): Response {
	const err = toHttpError(e, site ? `${site.request.method} ${site.route.id ?? 'unknown route'}` : 'request');
	const body: Record<string, unknown> = { error: err.code, message: err.message };
	if (err.details !== undefined) body.details = err.details;
	return json(body, { status: err.status, headers: { 'cache-control': 'no-store', ...err.headers } });
}

function toHttpError(e: unknown, what: string): HttpError {
	if (e instanceof HttpError) return e;
	if (e instanceof DomainError) {
		const headers: Record<string, string> = e.retryAfterSeconds ? { 'retry-after': String(e.retryAfterSeconds) } : {};
		return new HttpError(statusOf[e.code], e.code, e.message, e.details, headers);
	}
	if (e instanceof ZodError) {
		const first = e.issues[0];
		const where = first?.path.length ? `${first.path.join('.')}: ` : '';
		return new HttpError(400, 'invalid_input', first ? `${where}${first.message}` : 'The request is not valid.', z.flattenError(e));
	}
	if (isDatabaseUnavailable(e)) return new HttpError(503, 'unavailable', UNAVAILABLE_MESSAGE, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });
	const refusal = databaseRefusal(e);
	if (refusal) {
		// A value validation let through: answered as the refusal it is, and logged to close the gap.
		console.warn(`[api] ${what}: the database refused a value (SQLSTATE ${sqlState(e)})`);
		return toHttpError(refusal, what);
	}
	const ref = logFailure('api', `${what} failed`, e);
	return new HttpError(500, 'internal_error', `Something went wrong on our side; it was logged (ref ${ref}).`);
}
