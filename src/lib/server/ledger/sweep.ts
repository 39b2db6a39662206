import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { announceExpiredHolds } from './events';

/**
 * Expires due holds and lots across all accounts, announcing each expired hold (`hold.expired`)
 * in the same transaction; returns how many accounts it touched. The schedule runs it every
 * minute (`ledger.sweep`); each account is locked while it is swept.
 */
export async function sweepExpired(db: Db, limit = 500): Promise<number> {
	return db.orm.transaction(async (tx) => {
		const [row] = await queryRows<{ n: number }>(tx, sql`select quota_sweep(p_limit => ${limit}) as n`);
		await announceExpiredHolds(tx);
		return row!.n;
	});
}
