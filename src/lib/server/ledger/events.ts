import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client';
import { queryRows } from '../db/client';
import { isTransaction } from '../db/notices';
import { recordDomainEvent, type DomainEvent } from '../domain-events';
import { logFailure } from '../log';
import type { SqlResult } from './sql-result';

/**
 * The ledger's domain events (domain-events.ts): announced with the executor of the change, so a
 * caller's transaction carries them. A consume or hold on its own (no caller transaction: one
 * round trip, already committed) announces right after in a transaction of its own; a failure
 * there is logged, not thrown, because the spend happened.
 */
async function announce(exec: Executor, event: DomainEvent): Promise<void> {
	if (isTransaction(exec)) return recordDomainEvent(exec, event);
	await (exec as Database)
		.transaction((tx) => recordDomainEvent(tx, event))
		.catch((e) => logFailure('ledger', `announcing ${event.type} of account ${event.accountId} failed`, e));
}

/**
 * `allowance.exhausted`: this consume or hold took the last tokens of its module's free allowance
 * for the current window (paid from the allowance, and now used = limit). Once per window.
 */
export async function announceSpend(exec: Executor, accountId: string, r: SqlResult): Promise<void> {
	const a = r.allowance as { module: string; used: number; limit: number | null; period: string; resets_at: string | null } | null;
	const paid = (r.paid_by as { type: string; tokens: number }[] | undefined)?.some((p) => p.type === 'allowance' && p.tokens > 0);
	if (!a || !paid || a.limit === null || a.used < a.limit) return;
	await announce(exec, {
		type: 'allowance.exhausted',
		accountId,
		key: `${accountId}:${a.module}:${a.resets_at ?? 'never'}`,
		data: { module: a.module, limit: a.limit, period: a.period, resets_at: a.resets_at }
	});
}

/** `grant.created`: a new lot (not a replay of its grant key). */
export async function announceGrant(exec: Executor, accountId: string, lot: { lotId: string; operationId: string; tokens: number; source: string; model?: string | null; expiresAt?: Date | null; unlimited?: boolean; note?: string | null }): Promise<void> {
	await announce(exec, {
		type: 'grant.created',
		accountId,
		key: lot.lotId,
		data: {
			lot_id: lot.lotId,
			operation_id: lot.operationId,
			tokens: lot.tokens,
			unlimited: lot.unlimited ?? false,
			source: lot.source,
			model: lot.model ?? null,
			expires_at: lot.expiresAt?.toISOString() ?? null,
			note: lot.note ?? null
		}
	});
}

/**
 * `hold.expired`, for every hold the sweep just expired in `tx` (the sweep's transaction: its
 * holds are the ones closed at this transaction's `now()`).
 */
export async function announceExpiredHolds(tx: Executor): Promise<number> {
	const holds = await queryRows<{ id: string; account_id: string; amount: number; feature: string; model: string | null; expires_at: string }>(
		tx,
		sql`select id, account_id, amount, feature, model, expires_at from holds where status = 'expired' and closed_at = now()`
	);
	for (const h of holds) {
		await recordDomainEvent(tx, {
			type: 'hold.expired',
			accountId: h.account_id,
			key: h.id,
			data: { hold_id: h.id, released_tokens: Number(h.amount), feature: h.feature, model: h.model, expired_at: new Date(h.expires_at).toISOString() }
		});
	}
	return holds.length;
}
