import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { announceExpiredHolds } from './events';
import { callLedger, sweepAnswer } from './sql-result';

/**
 * Expires due holds and lots across all accounts, announcing each expired hold (`hold.expired`)
 * in the same transaction, with those that expired elsewhere since the last sweep (a consume's
 * housekeeping, a late settle: `announceExpiredHolds`); returns how many accounts it touched. The schedule runs it every
 * minute (`ledger.sweep`); each account is locked while it is swept.
 */
export async function sweepExpired(db: Db, limit = 500): Promise<number> {
	return db.orm.transaction(async (tx) => {
		const touched = await callLedger(tx, sql`select quota_sweep(p_limit => ${limit}) as r`, sweepAnswer);
		await announceExpiredHolds(tx);
		return touched;
	});
}
