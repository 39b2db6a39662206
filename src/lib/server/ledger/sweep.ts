import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { announceExpiredHolds, announceExpiredLots } from './events';
import { callLedger, sweepAnswer } from './sql-result';

/**
 * Expires due holds and lots across all accounts, announcing each expired hold (`hold.expired`)
 * and lot (`lot.expired`) in the same transaction, with those that expired elsewhere since the last
 * sweep (a consume's housekeeping, a late settle, ended subscription lots: `announceExpiredHolds`,
 * `announceExpiredLots`); returns how many accounts it touched. The schedule runs it every
 * minute (`ledger.sweep`); each account is locked while it is swept.
 */
export async function sweepExpired(db: Db, limit = 500): Promise<number> {
	return db.orm.transaction(async (tx) => {
		const touched = await callLedger(tx, sql`select quota_sweep(p_limit => ${limit}) as r`, sweepAnswer);
		await announceExpiredHolds(tx);
		await announceExpiredLots(tx);
		return touched;
	});
}

/**
 * The earliest moment after now, up to `until`, at which a lot expires (unlimited ones too: their
 * end date, not yet recorded), or null: the sweep asks for a run then (schedule/app-jobs.ts), so the
 * statement records the expiry (or "Unlimited ended") within about a second, as the balances already
 * stop counting it.
 */
export async function nextLotExpiry(exec: Executor, until: Date): Promise<Date | null> {
	const [row] = await queryRows<{ at: number | string | null }>(exec, sql`
		select extract(epoch from min(expires_at))::float8 as at from lots
		 where expires_at > now() and expires_at <= ${until.toISOString()}::timestamptz and expired_at is null`);
	return row?.at == null ? null : new Date(Number(row.at) * 1000);
}
