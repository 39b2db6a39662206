/** Every refusal the domain can give, by the names the API uses. */
export const errorCodes = [
	'insufficient_tokens',
	'allowance_exhausted',
	'cap_reached',
	'feature_disabled',
	'unknown_feature',
	'unknown_model',
	'unknown_module',
	'hold_expired',
	'hold_already_settled',
	'idempotency_key_reused',
	'idempotency_key_in_flight',
	'unauthorized',
	'forbidden',
	'not_found',
	'conflict',
	'invalid_input',
	'rate_limited',
	'payment_provider_error',
	'payments_not_configured'
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** A typed domain refusal; each transport maps it once (trpc/errors.ts, rest/errors.ts). */
export class DomainError extends Error {
	override name = 'DomainError';
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details?: unknown,
		/** For rate_limited: seconds until the caller may try again. */
		readonly retryAfterSeconds?: number
	) {
		super(message);
	}
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
