import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { queryRows } from '../db/client';

/**
 * The joins that name an account `a` in a query: its user as `u`, its team as `t` (each or neither).
 * With them, `ACCOUNT_NAME` is what the console and the exports call the account.
 */
export const ACCOUNT_HOLDERS = sql`left join users u on u.account_id = a.id left join teams t on t.account_id = a.id`;

/** An account's name (text, never null) over `ACCOUNT_HOLDERS`: its user's name, its team's, else the account's own (a guest's). */
export const ACCOUNT_NAME = sql`coalesce(u.name, t.name, a.name)`;

/** The name (`ACCOUNT_NAME`) of each of these accounts, by account id; an id of no account is left out. */
export async function accountNames(exec: Executor, ids: readonly string[]): Promise<Map<string, string>> {
	if (!ids.length) return new Map();
	const rows = await queryRows<{ id: string; name: string }>(exec, sql`
		select a.id, ${ACCOUNT_NAME} as name from accounts a ${ACCOUNT_HOLDERS}
		 where a.id in (${sql.join([...new Set(ids)].map((id) => sql`${id}::uuid`), sql`, `)})`);
	return new Map(rows.map((r) => [r.id, r.name]));
}
