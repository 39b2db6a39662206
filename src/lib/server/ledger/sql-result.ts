import type { SQL } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Executor } from '../db/client';
import { DomainError, errorCodes, fieldRefusal, type ErrorCode } from '../errors';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

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
 * An error whose sentence names figures or a time: the SQL gives them (`says` names the sentence) and
 * figureWords words them as the app writes them ("29,000 tokens", "Dec 7, 2026, 00:00 UTC"), never
 * to_char's or a bare number's form. A time comes with the zone it is said in (`time_zone`, the site's).
 */
const figured = z.discriminatedUnion('says', [
	/** quota_debit_lots: a clawback of more than the general lots hold. */
	z.object({ says: z.literal('take_back_at_most'), available: tokens }),
	/** quota_adjust: a set whose change from `balance` is past `max_change` either way. */
	z.object({ says: z.literal('change_too_big'), balance: tokens, delta: tokens, max_change: tokens }),
	/** quota_end_lot: a lot of tokens, ending only unlimited ones. */
	z.object({ says: z.literal('not_unlimited'), remaining: tokens }),
	/** quota_end_lot: the lot ended already. */
	z.object({ says: z.literal('ended_already'), unlimited: z.boolean(), ended_at: instant, time_zone: z.string() }),
	/** quota_end_lot: a running job holds `held` of the lot until `held_until` at the latest. */
	z.object({ says: z.literal('held_by_job'), held: tokens, held_until: instant, time_zone: z.string() }),
	/** quota_finish_hold: a settle of more than the hold holds. */
	z.object({ says: z.literal('settle_past_held'), held: tokens })
]);

/** The sentence of a figured error, in the REST wording (lib/refusal-message.ts plainFormatter). */
function figureWords(e: z.infer<typeof figured>): string {
	const f = plainFormatter;
	const n = (tokens: number) => counted(tokens, 'token', f.tokens);
	switch (e.says) {
		case 'take_back_at_most':
			return `Only ${n(e.available)} ${e.available === 1 ? 'is' : 'are'} there to take back.`;
		case 'change_too_big':
			return `Setting the general balance to ${f.tokens(e.balance + e.delta)} is a change of ${e.delta > 0 ? '+' : '\u2212'}${n(Math.abs(e.delta))} from ${f.tokens(e.balance)}; one change is at most ${n(e.max_change)} either way. Change it in steps, or set it to 0 to empty the account.`;
		case 'not_unlimited':
			return `This lot is not unlimited (it holds ${n(e.remaining)}): only an unlimited lot ends this way.`;
		case 'ended_already':
			return `This ${e.unlimited ? 'unlimited lot' : 'lot'} has ended already (${f.time(e.ended_at, e.time_zone)}).`;
		case 'held_by_job':
			return `A running job holds ${n(e.held)} of this lot until ${f.time(e.held_until, e.time_zone)} at the latest: end it once the job is done.`;
		case 'settle_past_held':
			return `tokens must be between 0 and the ${f.tokens(e.held)} held.`;
	}
}

/**
 * `{ok: false, code, message, field?}`, or the figures of one (`says`): what every function answers for an
 * error (thrown by callLedger); `field`, for invalid_input, names the input the message is about.
 */
const errorFields = { ok: z.literal(false), code: z.enum(errorCodes), field: z.string().optional() };
const errorAnswer = z.union([
	z.object({ ...errorFields, message: z.string() }),
	z.object(errorFields).and(figured).transform((e) => ({ code: e.code, field: e.field, message: figureWords(e) }))
]);

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
