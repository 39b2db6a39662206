// The per-account summary behind the admin's figure sorts on a large site: account_figures
// (drizzle/0024_account_figures.sql) holds each user's and team's balance, general balance,
// unlimited flag, use this month and last active day as of its last refresh, one index per sort.
// The refresh (drizzle/functions/figures.sql) runs on the schedule, never inside a consume, so
// quota_spend writes nothing more than before; the list orders by the summary and says as of when.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { callLedger, figuresRefreshAnswer } from './sql-result';

export interface FiguresRefresh {
	/** Every user and team was recomputed: the first run, a forced one, or the site's month turned. */
	full: boolean;
	/** Summary rows whose figures changed. */
	changed: number;
	/** ISO time the figures are as of. */
	asOf: string;
}

/**
 * Brings account_figures up to date: recomputes the accounts with an operation since the last
 * refresh or a lot whose expiry passed since then (everything when `full`, on the first run and
 * when the site's month turned), in one statement. Run by the `ledger.figures` job every minute;
 * safe to run from several processes (the refresh's row is locked while it runs).
 */
export async function refreshAccountFigures(exec: Executor, opts: { full?: boolean } = {}): Promise<FiguresRefresh> {
	const r = await callLedger(exec, sql`select quota_refresh_figures(p_full => ${opts.full ?? false}) as r`, figuresRefreshAnswer);
	return { full: r.full, changed: r.changed, asOf: r.as_of };
}

/** When the summary was last refreshed (ISO time), or null before its first refresh. */
export async function figuresAsOf(exec: Executor): Promise<string | null> {
	const [row] = await queryRows<{ as_of: string | null }>(exec, sql`select as_of from account_figures_refresh where id = 1`);
	return row?.as_of ? new Date(row.as_of).toISOString() : null;
}

/** The figures the users list can sort by through the summary. */
export type SummarySort = 'balance' | 'used' | 'lastActive';

/**
 * Each sort's key over `f` (an account_figures row), never null so a keyset comparison is total,
 * written as its index (account_figures_*_idx) is, so the index serves the order.
 */
const keys: Record<SummarySort, SQL> = {
	balance: sql`f.balance`,
	used: sql`f.used_this_month`,
	lastActive: sql`coalesce(f.last_active_day, date '0001-01-01')`
};

/**
 * A page of user and team accounts in the summary's order, as a subquery of `(account_id,
 * sort_key)` rows: `limit` rows after `after` (the last row's key and account id, SQL values of
 * the key's type), ascending or descending, read along the sort's index.
 */
export function summaryPage(sort: SummarySort, opts: { after: { key: SQL; accountId: SQL } | null; desc: boolean; limit: number }): SQL {
	const key = keys[sort];
	const dir = opts.desc ? sql`desc` : sql`asc`;
	const after = opts.after ? sql`where (${key}, f.account_id) ${opts.desc ? sql`<` : sql`>`} (${opts.after.key}, ${opts.after.accountId})` : sql``;
	return sql`(select f.account_id, ${key} as sort_key from account_figures f ${after} order by ${key} ${dir}, f.account_id ${dir} limit ${opts.limit})`;
}

/** The summary's key of one account for `sort` (SQL of the key's type; an account without a row reads as 0 / never). */
export function summaryKey(sort: SummarySort, accountId: SQL): SQL {
	return sql`coalesce((select ${keys[sort]} from account_figures f where f.account_id = ${accountId}), ${sort === 'lastActive' ? sql`date '0001-01-01'` : sql`0`})`;
}

/**
 * `left join … fs`: the summary row of the outer query's account (`accountId`): `fs.balance`,
 * `fs.general_balance`, `fs.unlimited`, `fs.used_this_month`, `fs.last_active_day`.
 */
export const summaryJoin = (accountId: SQL) => sql`left join account_figures fs on fs.account_id = ${accountId}`;
