import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { DomainError } from '../errors';
import { requestHash } from '../idempotency';
import { plainFormatter, refusalMessage } from '../../refusal-message';
import { callLedger, throwIfError, type SqlResult } from './sql-result';
import { noticeChange, notifiesInTransaction } from './change-notices';
import { announceSpend } from './events';
import { MAX_TOKENS, MAX_UNITS, idempotencyKey, wholeNumber } from './validate';
import type { CheckRequest, CheckResult, RefusalDetails, ConsumeRequest, ConsumeResult, Actor, PaidBy, RefusalCode, Level, Period } from './types';

function toCheck(r: SqlResult): CheckResult {
	const details = (r.details ?? null) as RefusalDetails | null;
	const allowance = r.allowance as { module: string; used: number; limit: number | null; period: Period; resets_at: string | null } | null;
	return {
		allowed: r.ok,
		active: r.active as boolean,
		cost: r.cost as number,
		code: (r.code ?? null) as RefusalCode | null,
		// Worded here from the figures, so a stored answer replays with the same words.
		message: r.ok ? null : refusalMessage(details, r.message ?? null, plainFormatter),
		details,
		paidBy: r.paid_by as PaidBy[],
		remainingAfter: r.remaining as number | null,
		level: r.level as Level,
		allowance: allowance && {
			module: allowance.module,
			used: allowance.used,
			limit: allowance.limit,
			period: allowance.period,
			resetsAt: allowance.resets_at
		}
	};
}

/** What an operation would cost and who would pay; changes nothing. */
export async function check(exec: Executor, req: CheckRequest): Promise<CheckResult> {
	const units = wholeNumber('units', req.units, 1, MAX_UNITS);
	const r = await callLedger(
		exec,
		sql`select quota_spend(p_mode => 'check', p_account => ${req.accountId}::uuid,
			p_actor_user => ${req.actorUserId ?? null}::uuid, p_feature => ${req.feature}, p_units => ${units},
			p_model => ${req.model ?? null}) as r`
	);
	throwIfError(r);
	return toCheck(r);
}

/** A refused consume: an answer (stored under its key), not an exception. */
export class Refusal extends DomainError {
	constructor(readonly result: CheckResult) {
		super(result.code!, result.message ?? result.code!, result.details ?? undefined);
	}
}

/**
 * Spends tokens for one use, atomically: allowance first, then lots in spend order.
 * The same idempotency key gives back the first answer (including a refusal) and spends once.
 */
export async function consume(exec: Executor, req: ConsumeRequest): Promise<ConsumeResult> {
	const units = wholeNumber('units', req.units, 1, MAX_UNITS);
	const key = idempotencyKey(req.idempotency.key);
	const hash = requestHash(['consume', req.accountId, req.feature, units, req.model ?? null, req.metadata ?? null]);
	const notifies = notifiesInTransaction(exec);
	const r = await callLedger(
		exec,
		sql`select quota_spend(p_mode => 'consume', p_account => ${req.accountId}::uuid,
			p_actor_user => ${req.actor.userId ?? null}::uuid, p_actor_key => ${req.actor.keyId ?? null}::uuid,
			p_feature => ${req.feature}, p_units => ${units}, p_model => ${req.model ?? null},
			p_scope => ${req.idempotency.scope}, p_key => ${key}, p_hash => ${hash},
			p_metadata => ${req.metadata ? JSON.stringify(req.metadata) : null}::jsonb,
			p_now => ${req.effectiveAt?.toISOString() ?? null}::timestamptz, p_notify => ${notifies}) as r`
	);
	throwIfError(r);
	if (!r.ok) throw new Refusal(toCheck(r));
	if (!notifies && r.replayed !== true) noticeChange(exec, req.accountId);
	if (r.replayed !== true) await announceSpend(exec, req.accountId, r);
	return {
		operationId: r.operation_id as string,
		cost: r.cost as number,
		paidBy: r.paid_by as PaidBy[],
		remaining: r.remaining as number | null,
		replayed: r.replayed === true
	};
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
	replayed: boolean;
}

/** Reserves tokens for a running operation (a streaming reply); settle or release it later. */
export async function hold(exec: Executor, req: HoldRequest): Promise<HoldResult> {
	const maxTokens = wholeNumber('max_tokens', req.maxTokens, 1, MAX_TOKENS);
	const ttl = wholeNumber('ttl_seconds', req.ttlSeconds, 1, 86_400);
	const key = idempotencyKey(req.idempotency.key);
	const hash = requestHash(['hold', req.accountId, req.feature, maxTokens, ttl, req.model ?? null, req.metadata ?? null]);
	const notifies = notifiesInTransaction(exec);
	const r = await callLedger(
		exec,
		sql`select quota_spend(p_mode => 'hold', p_account => ${req.accountId}::uuid,
			p_actor_user => ${req.actor.userId ?? null}::uuid, p_actor_key => ${req.actor.keyId ?? null}::uuid,
			p_feature => ${req.feature}, p_units => 1, p_model => ${req.model ?? null},
			p_hold_tokens => ${maxTokens}, p_hold_ttl_seconds => ${ttl},
			p_scope => ${req.idempotency.scope}, p_key => ${key}, p_hash => ${hash},
			p_metadata => ${req.metadata ? JSON.stringify(req.metadata) : null}::jsonb, p_notify => ${notifies}) as r`
	);
	throwIfError(r);
	if (!r.ok) throw new Refusal(toCheck(r));
	if (!notifies && r.replayed !== true) noticeChange(exec, req.accountId);
	if (r.replayed !== true) await announceSpend(exec, req.accountId, r);
	return {
		holdId: r.hold_id as string,
		held: r.cost as number,
		expiresAt: new Date(r.expires_at as string).toISOString(),
		paidBy: r.paid_by as PaidBy[],
		remaining: r.remaining as number | null,
		replayed: r.replayed === true
	};
}

export interface SettleResult {
	operationId: string;
	cost: number;
	released: number;
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
			p_scope => ${idempotency.scope}, p_key => ${key}, p_hash => ${hash}) as r`
	);
	throwIfError(r);
	return {
		operationId: r.operation_id as string,
		cost: r.cost as number,
		released: r.released as number,
		remaining: r.remaining as number | null,
		status: r.status as 'settled' | 'released',
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
