// Every refusal the API can answer, as a class per `error` code, so callers can `instanceof` them.

/** A refusal or failure answered by the Quota API: `{"error","message","details"?}` with its HTTP status. */
export class QuotaError extends Error {
	override name = 'QuotaError';
	constructor(
		/** The HTTP status (402, 409, …). */
		readonly status: number,
		/** The API's error code, e.g. `insufficient_tokens`. */
		readonly code: string,
		message: string,
		readonly details?: unknown,
		/** Seconds the API asked to wait (`Retry-After`), when it said. */
		readonly retryAfterSeconds?: number
	) {
		super(message);
	}
}

/**
 * A limit refusal (402). `message` (also `userMessage`) is written for the end user: show it as is.
 * A used-up free allowance, or nothing left to pay with in a module without one, gives the module's
 * limit message; a request past what is left of one, or of a cap, or of the tokens, says what it
 * costs and what is left.
 */
export class LimitReached extends QuotaError {
	override name = 'LimitReached';
	get userMessage(): string {
		return this.message;
	}
}

/** The tokens spendable on this feature and model (its free allowance and the lots usable for its model: `details.available`, a part of the account's `available`) do not cover the cost (402 `insufficient_tokens`). */
export class InsufficientTokens extends LimitReached {
	override name = 'InsufficientTokens';
}
/** The module's free allowance for this window is used up (402 `allowance_exhausted`). */
export class AllowanceExhausted extends LimitReached {
	override name = 'AllowanceExhausted';
}
/** A cap (the account's own, a team pool's or a member's in one; per day, week or month) would be passed (402 `cap_reached`). */
export class CapReached extends LimitReached {
	override name = 'CapReached';
}
/** The feature is switched off for this account (403 `feature_disabled`): disabled, not available to its role, account or team (a free allowance of 0), or a guest needs an account; the message says which. */
export class FeatureDisabled extends QuotaError {
	override name = 'FeatureDisabled';
}
/** No or a bad API key (401). */
export class Unauthorized extends QuotaError {
	override name = 'Unauthorized';
}
/** A missing scope, or an account the key may not act on (403). */
export class Forbidden extends QuotaError {
	override name = 'Forbidden';
}
/** No such team, hold or feature, or (`unknown_user`) a user the site does not create for an unknown id (404). */
export class NotFound extends QuotaError {
	override name = 'NotFound';
}
/** A field fails its schema (400/422 `invalid_input`, `invalid_json`, `idempotency_key_missing`, …). */
export class InvalidInput extends QuotaError {
	override name = 'InvalidInput';
}
/** No feature or model with that key (422 `unknown_feature`, `unknown_model`). */
export class UnknownFeature extends QuotaError {
	override name = 'UnknownFeature';
}
export class UnknownModel extends QuotaError {
	override name = 'UnknownModel';
}
/** The hold ran out its time and released itself (409 `hold_expired`). */
export class HoldExpired extends QuotaError {
	override name = 'HoldExpired';
}
/** The hold was already settled or released (409 `hold_already_settled`). */
export class HoldAlreadySettled extends QuotaError {
	override name = 'HoldAlreadySettled';
}
/** The state does not allow it now (409 `conflict`): ending tokens paid for, a lot a running job holds tokens of, or a grant that has ended already. */
export class Conflict extends QuotaError {
	override name = 'Conflict';
}
/** The same Idempotency-Key was sent with another body (422 `idempotency_key_reused`): a caller bug. */
export class IdempotencyKeyReused extends QuotaError {
	override name = 'IdempotencyKeyReused';
}
/** The first request with this key is still running (409); the client retries it by itself until its time runs out. */
export class IdempotencyKeyInFlight extends QuotaError {
	override name = 'IdempotencyKeyInFlight';
}
/** Too many requests for this API key (429); retried by the client until its time runs out. */
export class RateLimited extends QuotaError {
	override name = 'RateLimited';
}
/** Quota's database is unreachable for now (503); retried by the client until its time runs out. */
export class Unavailable extends QuotaError {
	override name = 'Unavailable';
}
/** A fault on Quota's side (500); the message carries the reference it was logged under. */
export class InternalError extends QuotaError {
	override name = 'InternalError';
}

/** The API could not be reached (or did not answer in time) within the client's retry budget. */
export class QuotaNetworkError extends Error {
	override name = 'QuotaNetworkError';
	constructor(message: string, options?: { cause?: unknown }) {
		super(message, options);
	}
}

type ErrorClass = new (status: number, code: string, message: string, details?: unknown, retryAfterSeconds?: number) => QuotaError;

const byCode: Record<string, ErrorClass> = {
	insufficient_tokens: InsufficientTokens,
	allowance_exhausted: AllowanceExhausted,
	cap_reached: CapReached,
	feature_disabled: FeatureDisabled,
	unauthorized: Unauthorized,
	forbidden: Forbidden,
	not_found: NotFound,
	unknown_user: NotFound,
	invalid_input: InvalidInput,
	invalid_json: InvalidInput,
	idempotency_key_missing: InvalidInput,
	payload_too_large: InvalidInput,
	unsupported_media_type: InvalidInput,
	unknown_feature: UnknownFeature,
	unknown_model: UnknownModel,
	hold_expired: HoldExpired,
	hold_already_settled: HoldAlreadySettled,
	conflict: Conflict,
	idempotency_key_reused: IdempotencyKeyReused,
	idempotency_key_in_flight: IdempotencyKeyInFlight,
	rate_limited: RateLimited,
	unavailable: Unavailable,
	internal_error: InternalError
};

/** The typed error for an API answer that is not 2xx (`body` is its parsed JSON, if it had any). */
export function errorFrom(status: number, body: unknown, retryAfterSeconds?: number): QuotaError {
	const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; message?: unknown; details?: unknown };
	const code = typeof b.error === 'string' ? b.error : `http_${status}`;
	const message = typeof b.message === 'string' ? b.message : `The Quota API answered ${status}.`;
	const Class = byCode[code] ?? QuotaError;
	return new Class(status, code, message, b.details, retryAfterSeconds);
}
