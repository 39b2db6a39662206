import { sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../db/client';
import { queryRows } from '../db/client';
import { isTransaction } from '../db/notices';
import { recordDomainEvent, type DomainEvent } from '../domain-events';
import { logFailure } from '../log';
import type { SpendAnswer } from './sql-result';
import { endedBySomeone } from './lot-ended';

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
 * The key of a window's `allowance.exhausted`: the account, the module and when the window resets
 * in epoch seconds ('never' for an allowance that never resets), so no way of printing an instant
 * makes one window two events. `former`: the keys releases before this one wrote, the reset as
 * Postgres' jsonb printed it ("2026-12-05T00:00:00+00:00") and then as the API does
 * ("2026-12-05T00:00:00.000Z"), so a window announced before a deploy is not announced again.
 */
function exhaustedKeys(accountId: string, module: string, resetsAt: string | null): { key: string; former: string[] } {
	const scope = `${accountId}:${module}`;
	if (resetsAt === null) return { key: `${scope}:never`, former: [] };
	const at = new Date(resetsAt);
	const iso = at.toISOString(); // windows turn on whole seconds: ".000Z"
	return { key: `${scope}:${Math.floor(at.getTime() / 1000)}`, former: [`${scope}:${iso.replace(/\.000Z$/, '+00:00')}`, `${scope}:${iso}`] };
}

/**
 * `allowance.exhausted`: this consume or hold took the last tokens of its module's free allowance
 * for the current window (paid from the allowance, and now used = limit). Once per window.
 */
export async function announceSpend(exec: Executor, accountId: string, r: SpendAnswer): Promise<void> {
	const a = r.allowance;
	const paid = r.paid_by.some((p) => p.type === 'allowance' && p.tokens > 0);
	if (!a || !paid || a.limit === null || a.used < a.limit) return;
	const { key, former } = exhaustedKeys(accountId, a.module, a.resets_at);
	await announce(exec, {
		type: 'allowance.exhausted',
		accountId,
		key,
		formerKeys: former,
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
 * `balance.adjusted`: an admin's manual change of the general balance (ledger/grants.ts
 * `adjustBalance`), up or down, once per adjustment key. `delta` tokens added (+) or taken (−);
 * `general_balance` the tokens usable on any model after it. A rise makes an admin lot in SQL
 * (`quota_adjust`), announced as this event only, not also as `grant.created`, so a site adding up
 * events counts it once.
 */
export async function announceAdjustment(exec: Executor, accountId: string, a: { key: string; delta: number; generalBalance: number; reason: string }): Promise<void> {
	await announce(exec, {
		type: 'balance.adjusted',
		accountId,
		key: a.key,
		data: { delta: a.delta, general_balance: a.generalBalance, reason: a.reason }
	});
}

/**
 * `hold.expired`, for every expired hold not announced yet, oldest first (at most `limit`), marking
 * each announced in `tx`. A hold expires in the sweep, in a consume's or grant's housekeeping of its
 * account, when a settle or release comes too late, or when lots are ended; all of them are closed
 * by `quota_close_hold` in SQL, which cannot call the subscribers, so the sweep's transaction (every
 * minute) announces them here: at most a minute after a hold expired elsewhere, in the sweep's own
 * transaction for what the sweep expired. Rows are claimed with SKIP LOCKED, so two processes never
 * announce one hold twice (the outbox's event key, the hold id, would drop a second one anyway).
 */
export async function announceExpiredHolds(tx: Executor, limit = 1000): Promise<number> {
	const holds = await queryRows<{ id: string; account_id: string; amount: number; feature: string; model: string | null; expires_at: string; closed_at: string }>(
		tx,
		sql`with due as (
		      select id from holds where status = 'expired' and expiry_announced_at is null
		       order by closed_at limit ${limit} for update skip locked)
		    update holds h set expiry_announced_at = now() from due where h.id = due.id
		    returning h.id, h.account_id, h.amount, h.feature, h.model, h.expires_at, h.closed_at`
	);
	// In the order they closed, so each account's events get their sequence numbers in that order.
	return announceInOrder(tx, holds, (a, b) => Date.parse(a.closed_at) - Date.parse(b.closed_at) || Date.parse(a.expires_at) - Date.parse(b.expires_at), (h) => ({
		type: 'hold.expired',
		accountId: h.account_id,
		key: h.id,
		data: { hold_id: h.id, released_tokens: Number(h.amount), feature: h.feature, model: h.model, expired_at: new Date(h.expires_at).toISOString() }
	}));
}

/** Records the event of each claimed row in `order` (an account's sequence numbers follow it); returns how many. */
async function announceInOrder<R>(tx: Executor, rows: R[], order: (a: R, b: R) => number, event: (row: R) => DomainEvent): Promise<number> {
	for (const row of rows.sort(order)) await recordDomainEvent(tx, event(row));
	return rows.length;
}

/**
 * A lot whose expiry was just claimed for announcing: `lost` the tokens this announcement tells,
 * `told_before` what earlier ones told (null: this is its first), `ended` when someone ended it
 * (quota_end_lot's operation, not its end date's).
 */
interface ExpiredLot {
	id: string;
	account_id: string;
	source: string;
	model: string | null;
	expired_at: string;
	lost: number | string;
	told_before: number | string | null;
	ended: boolean;
}

/**
 * Marks the lots `due` selects (`id`, `told`: their `expiry_announced_tokens`) announced and gives each as
 * `ExpiredLot`: what its expiries took (the lot's end, and tokens a job gave back after it) less what
 * earlier announcements told.
 */
const claimExpired = (due: SQL) => sql`with due as (${due}),
	lost as (select due.id, due.told, (select coalesce(-sum(e.amount), 0) from entries e where e.lot_id = due.id and e.kind = 'expire') as total from due)
	update lots l set expiry_announced_at = now(), expiry_announced_tokens = lost.total from lost where l.id = lost.id
	returning l.id, l.account_id, l.source, l.model, l.expired_at, lost.total - coalesce(lost.told, 0) as lost, lost.told as told_before,
	  ${endedBySomeone(sql`l.id`)} as ended`;

/**
 * A lot's first `lot.expired` is keyed by the lot; a later one (`late`: tokens a job gave back after the
 * lot's end, which expired then) by the lot and the total lost so far, which only grows.
 */
const lotExpired = (l: ExpiredLot): DomainEvent => {
	const late = l.told_before !== null;
	return {
		type: 'lot.expired',
		accountId: l.account_id,
		key: late ? `${l.id}:${Number(l.told_before) + Number(l.lost)}` : l.id,
		data: { lot_id: l.id, tokens_lost: Number(l.lost), source: l.source, model: l.model, expired_at: new Date(l.expired_at).toISOString(), ended: l.ended, late }
	};
};

/**
 * `lot.expired`, for every lot whose expiry the ledger recorded and that is not announced yet, in the
 * order they expired (at most `limit`), marking each announced in `tx`: `tokens_lost` is what it still
 * held (0 for a lot spent before its end); a lot's later one (`late`), what a job that held some of its
 * tokens at its end gave back since, which expired then (quota_close_hold). A lot's expiry is recorded in SQL (`quota_housekeep`: a
 * consume's or grant's housekeeping, the sweep, the end of a subscription period), which cannot call
 * the subscribers, so the sweep announces them, as `announceExpiredHolds` does holds (SKIP LOCKED).
 */
export async function announceExpiredLots(tx: Executor, limit = 1000): Promise<number> {
	const lots = await queryRows<ExpiredLot>(
		tx,
		claimExpired(sql`select id, expiry_announced_tokens as told from lots where expired_at is not null and expiry_announced_at is null
		       order by expired_at, id limit ${limit} for update skip locked`)
	);
	return announceInOrder(tx, lots, (a, b) => Date.parse(a.expired_at) - Date.parse(b.expired_at) || a.id.localeCompare(b.id), lotExpired);
}

/**
 * `lot.expired` (`ended: true`) for a lot someone ended just now (an unlimited lot ended in the console
 * or by a site key), in `tx`, the transaction of the end: the host site hears of it in order with the
 * account's other events and with the balance of that moment, not at the next sweep after later
 * changes. Once: the sweep finds it announced.
 */
export async function announceEndedLot(tx: Executor, lotId: string): Promise<void> {
	if (!isTransaction(tx)) return (tx as Database).transaction((t) => announceEndedLot(t, lotId));
	const lots = await queryRows<ExpiredLot>(tx, claimExpired(sql`select id, expiry_announced_tokens as told from lots where id = ${lotId}::uuid and expired_at is not null and expiry_announced_at is null for update`));
	for (const lot of lots) await recordDomainEvent(tx, lotExpired(lot));
}
