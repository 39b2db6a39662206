import { sql } from 'drizzle-orm';
import { batcher, READ_BATCHES } from '../db/batches';
import { queryRows, type Executor } from '../db/client';
import { isTransaction } from '../db/notices';
import { DomainError } from '../errors';
import { requestHash } from '../idempotency';
import { plainFormatter, refusalMessage } from '../../refusal-message';
import type { z } from 'zod';
import { namingKnownKeys } from './known-keys';
import { callLedger, checkAnswer, consumeAnswer, finishHoldAnswer, holdAnswer, parseAnswer, type SpendAnswer } from './sql-result';
import { noticeChange, notifiesInTransaction } from './change-notices';
import { spendInBatch, storableItem, type SpendItem } from './group-commit';
import { announceSpend } from './events';
import { MAX_TOKENS, MAX_UNITS, idempotencyKey, wholeNumber } from './validate';
import type { CapLeft, CheckRequest, CheckResult, ConsumeRequest, ConsumeResult, Actor, Level, PaidBy, RefusalDetails } from './types';

/**
 * The answer as a check's result; a refusal's figures say which operation was refused (a hold words it as
 * what it needs) and, for too few tokens, the `model` asked for (null: none, so general tokens only).
 */
function toCheck(r: SpendAnswer, operation: RefusalDetails['operation'], model: string | null): CheckResult {
	const allowance = r.allowance;
	const details = r.details && { operation, ...r.details, ...('available' in r.details ? { model } : {}) };
	return {
		allowed: r.ok,
		active: r.active,
		cost: r.cost,
		code: r.code,
		// Worded here from the figures, so a stored answer replays with the same words.
		message: r.ok ? null : refusalMessage(details, r.message, plainFormatter),
		details,
		paidBy: r.paid_by,
		remainingAfter: r.remaining,
		// A consume's refusal states no `spendable`: what is left then is what was spendable (nothing was spent).
		spendable: r.spendable === undefined ? r.remaining : r.spendable,
		level: r.level,
		allowance: allowance && {
			module: allowance.module,
			used: allowance.used,
			limit: allowance.limit,
			period: allowance.period,
			resetsAt: allowance.resets_at
		},
		cap: r.cap ? capLeft(r.cap) : null
	};
}

function capLeft(c: NonNullable<SpendAnswer['cap']>): CapLeft {
	return { limitOf: c.limit_of, limit: c.limit, used: c.used, left: c.left, period: c.period, resetsAt: c.resets_at };
}

/**
 * What an operation would cost and who would pay; changes nothing. On the database (not inside a
 * transaction) checks asked while others are read share one round trip and one statement
 * (`checkBatch`), as balance reads do. Throws `invalid_input` for units out of range or an id that
 * is not a uuid.
 */
export async function check(exec: Executor, req: CheckRequest): Promise<CheckResult> {
	const units = wholeNumber('units', req.units, 1, MAX_UNITS);
	const item = storableItem({
		mode: 'check', account: req.accountId, actor_user: req.actorUserId ?? null, actor_key: null, feature: req.feature, units,
		model: req.model ?? null, hold_tokens: null, hold_ttl_seconds: null, scope: '', key: '', hash: '', metadata: null, now: null
	});
	const r = await namingKnownKeys(exec, req, async () =>
		isTransaction(exec) ? await callLedger(exec, sql`select quota_spend_item(${item}::jsonb) as r`, checkAnswer) : parseAnswer(await checkBatch(exec, item), checkAnswer)
	);
	return toCheck(r, 'check', req.model ?? null);
}

/** Checks (storableItem JSON) asked while others are read: one statement per batch, each quota_spend's own check. */
const checkBatch = batcher<string, unknown>(
	async (exec, items) => {
		const rows = await queryRows<{ r: unknown }>(
			exec,
			sql`select quota_spend_item(x.i) as r from jsonb_array_elements(${`[${items.join(',')}]`}::jsonb) with ordinality as x(i, n) order by x.n`
		);
		return rows.map((row) => ({ ok: true, value: row.r }));
	},
	() => READ_BATCHES
);

/** A refused consume: an answer (stored under its key), not an exception. */
export class Refusal extends DomainError {
	constructor(readonly result: CheckResult) {
		super(result.code!, result.message ?? result.code!, result.details ?? undefined);
	}
}

/**
 * The part of a consume's or hold's request hash that says who spends, when a key named them (a
 * team `member`): whose cap applies and whose use it is decide its effect, so the same key sent for
 * another member, or for the team's own use, is another request (`idempotency_key_reused`), not a
 * replay of the first member's. A session spends as its own user, the one its key scope already
 * names, and a key's own use names no one: their hashes stay as they were, so keys stored before
 * this part was added still replay.
 */
const namedSpender = (actor: Actor): [{ member: string }] | [] => (actor.keyId && actor.userId ? [{ member: actor.userId }] : []);

/**
 * Spends tokens for one use, atomically: allowance first, then lots in spend order.
 * The same idempotency key gives back the first answer (including a refusal) and spends once.
 */
export async function consume(exec: Executor, req: ConsumeRequest): Promise<ConsumeResult> {
	const units = wholeNumber('units', req.units, 1, MAX_UNITS);
	const key = idempotencyKey(req.idempotency.key);
	const hash = requestHash(['consume', req.accountId, req.feature, units, req.model ?? null, req.metadata ?? null, ...namedSpender(req.actor)]);
	const r = await spend(exec, {
		mode: 'consume', account: req.accountId, actor_user: req.actor.userId ?? null, actor_key: req.actor.keyId ?? null,
		feature: req.feature, units, model: req.model ?? null, hold_tokens: null, hold_ttl_seconds: null,
		scope: req.idempotency.scope, key, hash, metadata: req.metadata ?? null, now: req.effectiveAt?.toISOString() ?? null
	}, consumeAnswer);
	return { operationId: r.operation_id, cost: r.cost, paidBy: r.paid_by, remaining: r.remaining, level: r.level, replayed: r.replayed === true };
}

/**
 * A consume or hold: on the database it joins the next group-committed batch (group-commit.ts);
 * inside a caller's transaction it runs there, NOTIFYing with that commit. A refusal is thrown as
 * a Refusal; the change is announced (notice, domain events) unless the answer is a replay.
 */
async function spend<A extends SpendAnswer>(exec: Executor, item: SpendItem, answer: z.ZodType<A>): Promise<Extract<A, { ok: true }>> {
	const inTransaction = notifiesInTransaction(exec);
	const r = await namingKnownKeys(exec, item, async () =>
		inTransaction
			? await callLedger(exec, sql`select quota_spend_item(${storableItem(item)}::jsonb, p_notify => true) as r`, answer)
			: parseAnswer(await spendInBatch(exec, item), answer)
	);
	if (!r.ok) throw new Refusal(toCheck(r, item.mode, item.model));
	if (!inTransaction && r.replayed !== true) noticeChange(exec, item.account);
	if (r.replayed !== true) await announceSpend(exec, item.account, r);
	return r as Extract<A, { ok: true }>;
}

export interface HoldRequest {
	accountId: string;
	feature: string;
	maxTokens: number;
	ttlSeconds: number;
	model?: string | null;
	actor: Actor;
	idempotency: { scope: string; key: string };
	metadata?: Record<string, unknown> | null;
}

export interface HoldResult {
	holdId: string;
	held: number;
	expiresAt: string;
	paidBy: PaidBy[];
	/** What is left to spend on this feature and model with the hold taken (as consume's `remaining`). */
	remaining: number | null;
	/** The light for this hold, its own held tokens counted as the account's (as CheckResult.level). */
	level: Level;
	replayed: boolean;
}

/** Reserves tokens for a running operation (a streaming reply); settle or release it later. */
export async function hold(exec: Executor, req: HoldRequest): Promise<HoldResult> {
	const maxTokens = wholeNumber('max_tokens', req.maxTokens, 1, MAX_TOKENS);
	const ttl = wholeNumber('ttl_seconds', req.ttlSeconds, 1, 86_400);
	const key = idempotencyKey(req.idempotency.key);
	const hash = requestHash(['hold', req.accountId, req.feature, maxTokens, ttl, req.model ?? null, req.metadata ?? null, ...namedSpender(req.actor)]);
	const r = await spend(exec, {
		mode: 'hold', account: req.accountId, actor_user: req.actor.userId ?? null, actor_key: req.actor.keyId ?? null,
		feature: req.feature, units: null, model: req.model ?? null, hold_tokens: maxTokens, hold_ttl_seconds: ttl,
		scope: req.idempotency.scope, key, hash, metadata: req.metadata ?? null, now: null
	}, holdAnswer);
	return {
		holdId: r.hold_id,
		held: r.cost,
		expiresAt: r.expires_at,
		paidBy: r.paid_by,
		remaining: r.remaining,
		level: r.level,
		replayed: r.replayed === true
	};
}

export interface SettleResult {
	operationId: string;
	cost: number;
	released: number;
	/** What paid the `cost`: the hold's sources less what went back to each, in the order they paid ([] for a release). */
	paidBy: PaidBy[];
	remaining: number | null;
	status: 'settled' | 'released';
	replayed: boolean;
}

async function finishHold(
	exec: Executor,
	holdId: string,
	tokens: number,
	release: boolean,
	idempotency: { scope: string; key: string | null }
): Promise<SettleResult> {
	// Without a key, the hold itself still closes at most once; a key also replays the first answer.
	const key = idempotency.key === null ? null : idempotencyKey(idempotency.key);
	const hash = requestHash([release ? 'release' : 'settle', holdId, tokens]);
	const r = await callLedger(
		exec,
		sql`select quota_finish_hold(p_hold => ${holdId}::uuid, p_tokens => ${tokens}, p_release => ${release},
			p_scope => ${idempotency.scope}, p_key => ${key}, p_hash => ${hash}) as r`,
		finishHoldAnswer
	);
	return {
		operationId: r.operation_id,
		cost: r.cost,
		released: r.released,
		paidBy: r.paid_by,
		remaining: r.remaining,
		status: r.status,
		replayed: r.replayed === true
	};
}

/** Charges the real amount (≤ held) and gives the rest back; at most once per hold. */
export function settle(exec: Executor, holdId: string, tokens: number, idempotency: { scope: string; key: string | null }) {
	return finishHold(exec, holdId, wholeNumber('tokens', tokens, 0, MAX_TOKENS), false, idempotency);
}

/** Gives every held token back; at most once per hold. */
export function release(exec: Executor, holdId: string, idempotency: { scope: string; key: string | null }) {
	return finishHold(exec, holdId, 0, true, idempotency);
}
