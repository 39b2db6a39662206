import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { DomainError, fieldRefusal } from '../errors';
import { requestHash } from '../idempotency';
import { adjustAnswer, callLedger, debitAnswer, endLotAnswer, grantAnswer } from './sql-result';
import { namingKnownKeys } from './known-keys';
import { MAX_TOKENS, wholeNumber } from './validate';
import { clawbackReason, type ClawbackCause } from './statement';
import { announceAdjustment, announceEndedLot, announceGrant } from './events';
import { noticeFiguresOf } from './change-notices';
import type { Actor, GrantRequest, GrantResult } from './types';

/**
 * Grants one lot of tokens. A grant key makes it happen at most once: the same key with the same
 * grant answers the first grant (`created: false`); with another grant (account, tokens, source,
 * model, priority, expiry (its day, with `expiresOn`), unlimited, note) it is `idempotency_key_reused`.
 * Errors: invalid_input, not_found (account), unknown_model, idempotency_key_reused.
 */
export async function grant(exec: Executor, g: GrantRequest): Promise<GrantResult> {
	const tokens = g.unlimited ? 0 : wholeNumber('tokens', g.tokens, 1, MAX_TOKENS);
	if (g.expiresAt && !(g.expiresAt instanceof Date && Number.isFinite(g.expiresAt.getTime()))) {
		throw fieldRefusal('expires_at', 'expires_at must be a valid date.');
	}
	const hash = g.grantKey
		? requestHash(['grant', g.accountId, tokens, g.source, g.model ?? null, g.priority ?? 0, g.expiresOn ? { day: g.expiresOn } : (g.expiresAt ?? null), g.unlimited ?? false, g.note ?? null])
		: null;
	const r = await namingKnownKeys(exec, g, () => callLedger(
		exec,
		sql`select quota_grant(p_account => ${g.accountId}::uuid, p_tokens => ${tokens}, p_source => ${g.source},
			p_model => ${g.model ?? null}, p_priority => ${g.priority ?? 0},
			p_expires => ${g.expiresAt?.toISOString() ?? null}::timestamptz, p_unlimited => ${g.unlimited ?? false},
			p_grant_key => ${g.grantKey ?? null}, p_note => ${g.note ?? null},
			p_actor_user => ${g.actor?.userId ?? null}::uuid, p_actor_key => ${g.actor?.keyId ?? null}::uuid,
			p_now => ${g.effectiveAt?.toISOString() ?? null}::timestamptz, p_hash => ${hash}) as r`,
		grantAnswer
	));
	const result = { lotId: r.lot_id, operationId: r.operation_id, created: r.created, tokens: r.tokens };
	if (result.created) await announceGrant(exec, g.accountId, { ...result, source: g.source, model: g.model, expiresAt: g.expiresAt, unlimited: g.unlimited, note: g.note });
	return result;
}

export interface ClawbackRequest {
	accountId: string;
	lotIds: string[];
	/** Refund or chargeback: recorded with the reason, so the account's statement says which. */
	cause?: ClawbackCause;
	reason: string;
	/** At most once per key (e.g. the Paddle adjustment id). */
	operationKey: string;
	actor?: Actor;
	/** At most this many tokens (1 or more; a partial chargeback's share); absent: all that is left of the lots. */
	tokens?: number;
}

/**
 * Takes back what is left of some lots (refund, chargeback), or at most `tokens` of it, in tokens;
 * the part already spent (of all the lots, or of `tokens`) is the shortfall. Replays of one
 * `operationKey` take nothing more. Errors: invalid_input (a malformed lot id; tokens out of range).
 */
export async function clawback(exec: Executor, c: ClawbackRequest): Promise<{ clawedBack: number; shortfall: number }> {
	const tokens = c.tokens === undefined ? 0 : wholeNumber('tokens', c.tokens, 1, MAX_TOKENS);
	const r = await callLedger(
		exec,
		sql`select quota_debit_lots(p_account => ${c.accountId}::uuid, p_lots => ${lotIds(c.lotIds)},
			p_tokens => ${tokens}, p_kind => 'clawback', p_reason => ${clawbackReason(c.cause, c.reason)},
			p_scope => 'clawback', p_key => ${c.operationKey}, p_actor_user => ${c.actor?.userId ?? null}::uuid) as r`,
		debitAnswer
	);
	return { clawedBack: r.taken, shortfall: r.shortfall };
}

/** Lot ids as one uuid[] parameter; a malformed id is invalid_input, not a database error. */
function lotIds(ids: string[]) {
	for (const id of ids) {
		if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DomainError('invalid_input', `Not a lot id: ${id}`);
	}
	return uuidArray(ids);
}

/** Ends lots now (e.g. the previous subscription period), recording what they lose. */
export async function endLots(exec: Executor, ids: string[]): Promise<void> {
	if (!ids.length) return;
	await exec.execute(sql`select quota_end_lots(p_lots => ${lotIds(ids)})`);
}

/**
 * Moves the expiry of lots that still count (not ended, their expiry ahead) to `expiresAt` (null: never
 * expires), later or earlier; a lot that has ended or whose expiry has passed keeps it (ending is `endLot`'s).
 * No tokens move, so no entry is written: the lots' next spends, sweeps and statements read the new expiry,
 * and the accounts' open pages are told at the commit (`noticeFiguresOf`).
 * Each lot's account is locked first, in one order, so a spend in flight finishes before its lot changes.
 * Returns the lots changed (a lot already at `expiresAt` is not), each with its account and the tokens
 * left in it, and their accounts.
 * Errors: invalid_input (a malformed lot id; an expiry that is not a date or not ahead).
 */
export async function changeLotExpiry(exec: Executor, ids: string[], expiresAt: Date | null): Promise<{ lots: RedatedLot[]; accountIds: string[] }> {
	if (expiresAt && !(Number.isFinite(expiresAt.getTime()) && expiresAt.getTime() > Date.now())) {
		throw fieldRefusal('expires_at', 'expires_at must be a date in the future.');
	}
	if (!ids.length) return { lots: [], accountIds: [] };
	const lots = lotIds(ids);
	await exec.execute(sql`select 1 from accounts where id in (select account_id from lots where id = any(${lots})) order by id for update`);
	const changed = (
		await queryRows<{ id: string; account_id: string; remaining: string }>(exec, sql`
		update lots set expires_at = ${expiresAt?.toISOString() ?? null}::timestamptz
		 where id = any(${lots}) and expired_at is null and (expires_at is null or expires_at > now())
		   and expires_at is distinct from ${expiresAt?.toISOString() ?? null}::timestamptz
		returning id, account_id, remaining::int8::text as remaining`)
	).map((r) => ({ lotId: r.id, accountId: r.account_id, remaining: Number(r.remaining) }));
	const accountIds = [...new Set(changed.map((r) => r.accountId))];
	await noticeFiguresOf(exec, accountIds);
	return { lots: changed, accountIds };
}

/** A lot `changeLotExpiry` moved: its account and the tokens left in it (tokens). */
export interface RedatedLot {
	lotId: string;
	accountId: string;
	remaining: number;
}

export interface EndLotRequest {
	lotId: string;
	/** Only a lot of this account (else not_found); absent: any account's. */
	accountId?: string;
	actor: Actor;
	/** An idempotency key, scoped to its caller (`scope`): the same key ends once and answers the first end again. */
	idempotency?: { scope: string; key: string | null };
	/** A lot of tokens too, unless of one of these sources (lib/lot-end.ts PAID_SOURCES); absent: unlimited lots only. */
	paidSources?: readonly string[];
}

export interface EndedLot {
	lotId: string;
	operationId: string;
	accountId: string;
	/** The lot's model scope (null: every model) and note, as granted. */
	model: string | null;
	note: string | null;
	unlimited: boolean;
	/** The tokens left in it that expired now (0 for unlimited use). */
	tokens: number;
	/** ISO 8601: the lot's expiry now, when the end was recorded. */
	endedAt: string;
	/** ISO 8601: when it was to end before (null: no end date). */
	previousExpiry: string | null;
	/** The key's first end, answered again: nothing changed now. */
	replayed: boolean;
}

/**
 * Ends a lot now through the expiry's own records (quota_end_lot): its expiry becomes now, and an `expire`
 * operation with one entry on the lot records who ended it, when and the tokens it lost (0 for unlimited
 * use), so the statement and the audit say so. Spends after it no longer find the lot; `lot.expired`
 * (`ended: true`) is announced in `exec`: the caller's transaction keeps the end and its event together (a
 * plain connection announces in a transaction of its own, after the end). Errors: not_found (no such lot,
 * or not `accountId`'s), conflict (a lot of tokens without `paidSources` or of one of them, one a running
 * job holds tokens of, one that has ended), idempotency_key_reused / _in_flight.
 */
export async function endLot(exec: Executor, e: EndLotRequest): Promise<EndedLot> {
	const key = e.idempotency?.key ?? null;
	const r = await callLedger(
		exec,
		sql`select quota_end_lot(p_lot => ${e.lotId}::uuid, p_account => ${e.accountId ?? null}::uuid,
			p_actor_user => ${e.actor.userId ?? null}::uuid, p_actor_key => ${e.actor.keyId ?? null}::uuid,
			p_scope => ${key ? e.idempotency!.scope : null}, p_key => ${key}, p_hash => ${key ? requestHash(['end-lot', e.lotId]) : null},
			p_paid_sources => ${e.paidSources ? sql`array(select jsonb_array_elements_text(${JSON.stringify(e.paidSources)}::jsonb))` : sql`null::text[]`}) as r`,
		endLotAnswer
	);
	if (!r.replayed) await announceEndedLot(exec, r.lot_id);
	return {
		lotId: r.lot_id, operationId: r.operation_id, accountId: r.account_id, model: r.model, note: r.note, unlimited: r.unlimited, tokens: r.tokens,
		endedAt: r.ended_at, previousExpiry: r.previous_expiry, replayed: r.replayed ?? false
	};
}

export interface AdjustRequest {
	accountId: string;
	/** delta: add (+) or take (−) this many; set: make the general balance exactly this. */
	mode: 'delta' | 'set';
	tokens: number;
	reason: string;
	actorUserId: string;
	/** Makes a retried adjustment (double tap, replay) apply once. */
	key: string;
}

/**
 * An admin's manual balance change: always new entries (a lot, or debits), never an edited row.
 * MAX_TOKENS bounds a change, not a balance (a balance is the sum of its lots, each up to MAX_TOKENS):
 * `delta` takes −MAX_TOKENS to +MAX_TOKENS; `set` takes any whole number of tokens from 0 to
 * Number.MAX_SAFE_INTEGER whose change from the general balance is within ±MAX_TOKENS, checked in the
 * ledger under the account's lock. Setting it to 0 is always one change, however large the balance
 * (the debits may span many lots): an admin can always empty an account.
 * Answers `delta` tokens added (+) or taken (−), `balance` the general balance after, in tokens; a
 * change announces `balance.adjusted` (a replayed key, or a set to the same figure, announces nothing).
 * Errors: invalid_input (no reason; tokens out of range; a set whose change is past MAX_TOKENS, in
 * words naming the change and the limit, on `tokens`), not_found, and what quota_debit_lots refuses.
 */
export async function adjustBalance(exec: Executor, a: AdjustRequest): Promise<{ delta: number; balance: number }> {
	if (!a.reason.trim()) throw new DomainError('invalid_input', 'A reason is required for a manual adjustment.');
	const tokens = a.mode === 'set' ? wholeNumber('tokens', a.tokens, 0, Number.MAX_SAFE_INTEGER) : wholeNumber('tokens', a.tokens, -MAX_TOKENS, MAX_TOKENS);
	const r = await callLedger(
		exec,
		sql`select quota_adjust(p_account => ${a.accountId}::uuid, p_mode => ${a.mode}, p_tokens => ${tokens},
			p_reason => ${a.reason}, p_actor_user => ${a.actorUserId}::uuid, p_key => ${a.key}, p_max_change => ${MAX_TOKENS}) as r`,
		adjustAnswer
	);
	if (!r.replayed && r.delta !== 0) await announceAdjustment(exec, a.accountId, { key: a.key, delta: r.delta, generalBalance: r.balance, reason: a.reason });
	return { delta: r.delta, balance: r.balance };
}
