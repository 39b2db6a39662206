// Every zod failure the server words is worded by Quota (input-words.ts installs its error map).
import { z } from 'zod';
import { firstIssue, firstIssueForPeople, flatIssues } from './input-words';

/** Every refusal the domain can give, by the names the API uses. */
export const errorCodes = [
	'insufficient_tokens',
	'allowance_exhausted',
	'cap_reached',
	'feature_disabled',
	'unknown_feature',
	'unknown_model',
	'unknown_module',
	/** A site key named a `user` Quota does not know, on a site that does not create users for unknown ids. */
	'unknown_user',
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
	'payment_declined',
	'payments_not_configured'
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** A typed domain refusal; the edge maps it to HTTP once, by the table in http/refusals.ts. */
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

	/** The refusal as a person in the app reads it (forms, tRPC); the API's message unless a kind words it otherwise. */
	get forPeople(): string {
		return this.message;
	}
}

/**
 * Input the domain refused about one field (`invalid_input`): the sentence, and the same sentence in
 * `details.fieldErrors` under that field, as every refusal of input a schema gives has it.
 */
export function fieldRefusal(field: string, message: string): DomainError {
	return new DomainError('invalid_input', message, { formErrors: [], fieldErrors: { [field]: [message] } });
}

/**
 * A page `cursor` its list did not give (made up, cut short, of another list): `invalid_input`
 * naming the field, as every REST route and tRPC procedure that takes a cursor refuses one.
 */
export const cursorRefusal = (why = 'is not one this list gave'): DomainError => fieldRefusal('cursor', `cursor ${why}: leave it out to start from the first page.`);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/**
 * Input the domain refused (`invalid_input`), worded as every refusal of input is (`firstIssue`:
 * "units must be a whole number from 1 to 1,000,000,000."), with each field's messages in
 * `details.fieldErrors` (a form puts them beside their fields). `forPeople` is the same sentence for
 * a person in the app, the field in words ("Email: Enter a valid email address…", not "email: …"):
 * the forms' and tRPC's edges show that one, as they do for input their own schemas refuse.
 */
export class InputRefusal extends DomainError {
	constructor(readonly zod: z.ZodError) {
		super('invalid_input', firstIssue(zod), { fieldErrors: flatIssues(zod).fieldErrors });
	}

	override get forPeople(): string {
		return firstIssueForPeople(this.zod);
	}
}

/** The domain's one parse of input: the value as the schema gives it, or an InputRefusal. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	throw new InputRefusal(result.error);
}

/** The SQLSTATE of a database error, found through drizzle's wrapper (`cause`) on both drivers. */
export function sqlState(error: unknown): string | null {
	for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
		if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
	}
	return null;
}

/**
 * A database refusal caused by the request's values, as the domain refusal it is: a data
 * exception (class 22: unstorable text, a value out of range) or a constraint the values broke
 * (unique, foreign key, not null, check). Null for everything else (a bug or an outage), which
 * stays a 5xx. Validation should have caught these first; this keeps a gap from becoming a 500.
 */
export function databaseRefusal(error: unknown): DomainError | null {
	const state = sqlState(error);
	if (!state) return null;
	if (state.startsWith('22')) return new DomainError('invalid_input', 'A value in the request cannot be stored (out of range or malformed).');
	switch (state) {
		case '23505':
		case '23P01':
			return new DomainError('conflict', 'That already exists.');
		case '23503':
			return new DomainError('invalid_input', 'The request refers to something that does not exist.');
		case '23502':
		case '23514':
			return new DomainError('invalid_input', 'A value in the request is missing or not allowed.');
	}
	return null;
}
