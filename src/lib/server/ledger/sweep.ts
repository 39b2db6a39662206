import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows } from '../db/client';
import { repeat } from '../repeat';

/** Expires due holds and lots across all accounts; returns how many accounts it touched. */
export async function sweepExpired(db: Db, limit = 500): Promise<number> {
	const [row] = await queryRows<{ n: number }>(db.orm, sql`select quota_sweep(p_limit => ${limit}) as n`);
	return row!.n;
}

/** Runs the sweep every minute in this process (each account is locked while it is swept). */
export function startSweeper(db: Db, everyMs = 60_000): () => void {
	return repeat('ledger sweep', everyMs, () => sweepExpired(db));
}
