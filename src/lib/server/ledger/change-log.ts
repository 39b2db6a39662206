import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';

/** What `accountsChangedAfter` read: the accounts, the cursor to continue from, and whether entries remain beyond it. */
export interface ChangedAccounts {
	accountIds: string[];
	/** The last entry id taken (the same as given when nothing was). */
	cursor: number;
	/** More settled entries may follow: read again from `cursor`. */
	more: boolean;
}

/**
 * The accounts whose balance changed after `cursor`, read from the ledger's entries (append-only,
 * one per change to a lot or an allowance window: uses, grants, expiries, clawbacks, rollovers),
 * at most `limit` entries in id order. An entry's id is drawn before its transaction commits, so
 * a lower id can become visible after a higher one; the read stops before the first entry younger
 * than `settleSeconds` (by its transaction's start), and a transaction that commits within that
 * time of its start is never skipped. Ledger transactions take milliseconds; the default, 120 s,
 * leaves a wide margin. An index range scan on the primary key, whatever the table's size.
 */
export async function accountsChangedAfter(exec: Executor, cursor: number, opts: { limit?: number; settleSeconds?: number } = {}): Promise<ChangedAccounts> {
	const limit = opts.limit ?? 5000;
	const rows = await queryRows<{ id: number; account_id: string; settled: boolean }>(exec, sql`
		select id, account_id, created_at <= now() - make_interval(secs => ${opts.settleSeconds ?? 120}) as settled
		  from entries where id > ${cursor} order by id limit ${limit}`);
	const stop = rows.findIndex((r) => !r.settled);
	const taken = stop === -1 ? rows : rows.slice(0, stop);
	return {
		accountIds: [...new Set(taken.map((r) => r.account_id))],
		cursor: taken.length ? Number(taken.at(-1)!.id) : cursor,
		more: stop === -1 && rows.length === limit
	};
}

/** The newest entry's id (0 when there is none): where a reader of changes that starts today begins. */
export async function lastEntryId(exec: Executor): Promise<number> {
	const [row] = await queryRows<{ id: number | null }>(exec, sql`select max(id) as id from entries`);
	return Number(row?.id ?? 0);
}
