import { TRPCError } from '@trpc/server';
import type { DefaultErrorShape } from '@trpc/server';
import { ZodError } from 'zod';
import { databaseRefusal, DomainError, InputRefusal, sqlState } from '../errors';
import { logFailure } from '../log';
import { refusalCodes } from '../ledger';
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE } from '../db/outage';
import { answers, HttpError } from '../http/refusals';
import { firstIssueForPeople, flatIssuesForPeople } from '../input-words';

/** Invalid input as an `Error` worded for the person using the app: zod 4's ZodError is none, and tRPC keeps only Errors as causes. */
export class InvalidInput extends Error {
	override name = 'InvalidInput';
	constructor(readonly zod: ZodError) {
		super(firstIssueForPeople(zod));
	}
}

/**
 * A procedure's failure as a TRPCError; `what` names the procedure for the log (never its input).
 * tRPC hands over what a procedure or middleware threw wrapped in an INTERNAL_SERVER_ERROR; that is
 * unwrapped and mapped here. Its own refusals (UNAUTHORIZED, …) stand; its BAD_REQUEST for input a
 * procedure's schema refused (whose message is zod's issues as JSON) becomes Quota's sentence.
 */
export function toTRPCError(error: unknown, what = 'procedure'): TRPCError {
	if (error instanceof TRPCError) {
		if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) return toTRPCError(new InvalidInput(error.cause), what);
		return error.code === 'INTERNAL_SERVER_ERROR' && error.cause !== undefined ? toTRPCError(error.cause, what) : error;
	}
	if (error instanceof DomainError) {
		return new TRPCError({ code: answers[error.code].trpc, message: error.forPeople, cause: error });
	}
	// A hook's own refusal of a tRPC call (trpc/edge-answer.ts trpcRefusal): its words are already the person's.
	if (error instanceof HttpError) return new TRPCError({ code: answers[error.code].trpc, message: error.message, cause: error });
	if (error instanceof ZodError) return toTRPCError(new InvalidInput(error), what);
	if (error instanceof InvalidInput) return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
	// Answered 503 with Retry-After by the handle's responseMeta (http/unavailable.ts); tRPC 10 has no such code.
	if (isDatabaseUnavailable(error)) return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: UNAVAILABLE_MESSAGE, cause: error as Error });
	const refusal = databaseRefusal(error);
	if (refusal) {
		// A value validation let through: answered as the refusal it is, and logged to close the gap.
		console.warn(`[trpc] ${what}: the database refused a value (SQLSTATE ${sqlState(error)})`);
		return toTRPCError(refusal, what);
	}
	const ref = logFailure('trpc', `${what} failed`, error);
	return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `Something went wrong on our side; it was logged (ref ${ref}).` });
}

/** The fields a domain's own refusal names (`details.fieldErrors`, as zod's), e.g. a webhook URL that is not public. */
function domainFieldErrors(cause: unknown): Record<string, string[]> | null {
	const fields = cause instanceof DomainError ? (cause.details as { fieldErrors?: unknown } | undefined)?.fieldErrors : undefined;
	return fields && typeof fields === 'object' ? (fields as Record<string, string[]>) : null;
}

/** Adds the domain code and, for invalid input, zod's flattened field errors (for forms). */
export function formatError({ shape, error }: { shape: DefaultErrorShape; error: TRPCError }) {
	const cause = error.cause;
	return {
		...shape,
		data: {
			...shape.data,
			stack: undefined,
			domainCode: cause instanceof DomainError || cause instanceof HttpError ? cause.code : error.code === 'BAD_REQUEST' ? 'invalid_input' : isDatabaseUnavailable(cause) ? 'unavailable' : null,
			fieldErrors: cause instanceof InvalidInput || cause instanceof InputRefusal ? flatIssuesForPeople(cause.zod).fieldErrors : domainFieldErrors(cause),
			// A refusal's figures, so a page words it in the reader's locale (src/lib/refusal-message.ts).
			refusal: cause instanceof DomainError && refusalCodes.has(cause.code) && cause.details ? cause.details : null
		}
	};
}
