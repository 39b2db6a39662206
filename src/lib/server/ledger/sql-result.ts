import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Executor } from '../db/client';
import { DomainError, errorCodes, fieldRefusal, type ErrorCode } from '../errors';

/*
 * The answers of the ledger's SQL functions (drizzle/functions/*.sql): one schema per function,
 * parsed once where the ledger calls Postgres (`callLedger`), so everything above works with typed
 * values. Field names are the SQL's (snake_case); the ledger's public shapes are in types.ts.
 */

const refusalCode = z.enum(['insufficient_tokens', 'allowance_exhausted', 'cap_reached', 'feature_disabled']);
/** Refusals that are answers (stored under the idempotency key), as opposed to errors. */
export const refusalCodes: ReadonlySet<ErrorCode> = new Set(refusalCode.options);

const id = z.uuid();
/** Whole tokens (bigint in SQL, below 2^53 by the ledger's limits). */
const tokens = z.number().int();
/**
 * A timestamptz inside jsonb ("2026-12-05T00:00:00+00:00"), read as the API writes every instant:
 * ISO 8601 in UTC with `Z` and milliseconds ("2026-12-05T00:00:00.000Z"), so refusals' details,
 * checks and webhooks say a time as /balance does.
 */
const instant = z.string().transform((t) => new Date(t).toISOString());
const period = z.enum(['daily', 'weekly', 'monthly', 'never']);

/**
 * `{ok: false, code, message, field?}`: what every function answers for an error (thrown by
 * callLedger); `field`, for invalid_input, names the input the message is about.
 */
const errorAnswer = z.object({ ok: z.literal(false), code: z.enum(errorCodes), message: z.string(), field: z.string().optional() });

/** quota_limit_details: a cap's or an allowance's figures. */
const limitDetails = z.object({
	limit_of: z.enum(['user', 'team', 'guest', 'member', 'allowance']),
	cost: tokens,
	limit: tokens,
	used: tokens,
	left: tokens,
	period,
	resets_at: instant.nullable(),
	time_zone: z.string(),
	module: z.string().optional(),
	module_name: z.string().optional(),
	module_message: z.string().optional()
});
/** quota_limit_details, or the figures of insufficient_tokens. */
const refusalDetails = z.union([
	limitDetails,
	z.object({ cost: tokens, available: tokens, module: z.string().optional(), module_name: z.string().optional(), module_message: z.string().optional() })
]);

const paidBy = z.object({
	type: z.enum(['allowance', 'lot']),
	id,
	label: z.string(),
	model: z.string().nullable(),
	tokens,
	unlimited: z.boolean()
});

/** quota_spend: what a check, consume or hold costs, who pays and what is left (or why it is refused). */
const spendFields = {
	message: z.string().nullable(),
	details: refusalDetails.nullable(),
	cost: tokens,
	paid_by: z.array(paidBy),
	remaining: tokens.nullable(),
	/** A check's: what was spendable before it (`remaining` counts down from it). */
	spendable: tokens.nullable().optional(),
	level: z.enum(['ok', 'low', 'empty']),
	active: z.boolean(),
	allowance: z
		.object({ module: z.string(), used: tokens, limit: tokens.nullable(), period, resets_at: instant.nullable() })
		.nullable(),
	replayed: z.literal(true).optional(),
	/** A check's: the cap in force that leaves the least (its figures with this cost). */
	cap: limitDetails.extend({ limit_of: z.enum(['user', 'team', 'guest', 'member']) }).optional()
};
const spendRefused = z.object({ ok: z.literal(false), code: refusalCode, ...spendFields });
export const checkAnswer = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), code: z.null(), ...spendFields }), spendRefused]);
export const consumeAnswer = z.discriminatedUnion('ok', [
	z.object({ ok: z.literal(true), code: z.null(), ...spendFields, operation_id: id }),
	spendRefused
]);
export const holdAnswer = z.discriminatedUnion('ok', [
	z.object({ ok: z.literal(true), code: z.null(), ...spendFields, operation_id: id, hold_id: id, expires_at: instant }),
	spendRefused
]);
export type SpendAnswer = z.infer<typeof checkAnswer>;

/** quota_finish_hold: a settled or released hold. */
export const finishHoldAnswer = z.object({
	ok: z.literal(true),
	operation_id: id,
	hold_id: id,
	cost: tokens,
	released: tokens,
	paid_by: z.array(paidBy),
	remaining: tokens.nullable(),
	status: z.enum(['settled', 'released']),
	replayed: z.literal(true).optional()
});

/** quota_grant: the lot (new, or the grant key's first one: created false). */
export const grantAnswer = z.object({ ok: z.literal(true), created: z.boolean(), lot_id: id, operation_id: id, tokens });

/** quota_end_lot: the lot ended, the operation that records it, what it lost, and when. */
export const endLotAnswer = z.object({
	ok: z.literal(true),
	lot_id: id,
	operation_id: id,
	account_id: id,
	model: z.string().nullable(),
	note: z.string().nullable(),
	unlimited: z.boolean(),
	/** The tokens left in it that expired (0 for unlimited use). */
	tokens,
	ended_at: instant,
	/** When it was to end before (null: no end date). */
	previous_expiry: instant.nullable(),
	replayed: z.literal(true).optional()
});

/**
 * quota_end_lot's refusals that name a time (409 conflict), which endLot words as the app writes a time:
 * the lot ended already (`ended_at`), or a running job holds `held` tokens of it until `held_until` at the
 * latest. `time_zone`: the site's.
 */
export const endLotTimedRefusal = z.union([
	z.object({ ok: z.literal(false), code: z.literal('conflict'), unlimited: z.boolean(), ended_at: instant, time_zone: z.string() }),
	z.object({ ok: z.literal(false), code: z.literal('conflict'), held: tokens, held_until: instant, time_zone: z.string() })
]);

/** quota_debit_lots: what was taken back, what could not be (already spent), the general balance after. */
export const debitAnswer = z.object({
	ok: z.literal(true),
	operation_id: id,
	taken: tokens,
	shortfall: tokens,
	remaining: tokens.nullable(),
	replayed: z.literal(true).optional()
});

/** quota_adjust: the change made and the general balance after it. */
export const adjustAnswer = z.object({ ok: z.literal(true), delta: tokens, balance: tokens, replayed: z.literal(true).optional() });

/** quota_sweep: how many accounts it touched. */
export const sweepAnswer = z.number().int().nonnegative();

/** quota_refresh_figures: a full refresh or not, the summary rows it changed, the time its figures are as of. */
export const figuresRefreshAnswer = z.object({ full: z.boolean(), changed: z.number().int().nonnegative(), as_of: instant });

/**
 * Runs one ledger SQL function call (`select quota_…(…) as r`) and parses its answer with that
 * function's schema. An error answer (`{ok: false, code, message}` that the schema does not take as
 * an answer, e.g. a refusal of a consume is an answer, `unknown_feature` an error) is thrown as a
 * DomainError. An answer that fits neither is a bug in the SQL: a plain Error (a 500), naming what
 * did not fit but no values.
 */
export async function callLedger<T>(exec: Executor, call: SQL, answer: z.ZodType<T>): Promise<T> {
	const [row] = await queryRows<{ r: unknown }>(exec, call);
	return parseAnswer(row!.r, answer);
}

/** One ledger function's answer (jsonb, parsed or as text) through its schema, as `callLedger` does. */
export function parseAnswer<T>(raw: unknown, answer: z.ZodType<T>): T {
	// PGlite and postgres.js both parse jsonb, but be strict about it.
	const value: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
	const parsed = answer.safeParse(value);
	if (parsed.success) return parsed.data;
	const error = errorAnswer.safeParse(value);
	if (error.success) {
		const { code, message, field } = error.data;
		throw code === 'invalid_input' && field ? fieldRefusal(field, message) : new DomainError(code, message);
	}
	throw new Error(`A ledger SQL function answered outside its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`).join('; ')}`);
}
