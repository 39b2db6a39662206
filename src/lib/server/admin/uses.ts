import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { history, personUses, type PersonUse } from '../ledger';

/** A use on an account's console page: `pool`, the team pool that paid a person's use of it (null: the account's own tokens). */
export type AccountUse = Omit<PersonUse, 'poolAccountId'> & { pool: { accountId: string; name: string } | null };

/**
 * The uses a site admin sees on an account's page, newest first, keyset-paged (`limit` 1–200; the
 * cursor of the page before): a person's are everything they spent, their own account's and every
 * team pool's they used, in its team or not now (ledger `personUses`), each pool's use naming the
 * pool; a team pool's or the guests' are the account's own, as its Usage page lists them.
 * Errors: `not_found` (no such account), `invalid_input` (a cursor no page wrote).
 */
export async function accountUses(exec: Executor, accountId: string, q: { limit: number; cursor?: string | null }): Promise<{ rows: AccountUse[]; nextCursor: string | null }> {
	const [a] = await queryRows<{ user_id: string | null }>(exec, sql`select u.id as user_id from accounts a left join users u on u.account_id = a.id where a.id = ${accountId}::uuid`);
	if (!a) throw new DomainError('not_found', 'No such account.');
	if (!a.user_id) {
		const page = await history(exec, accountId, q);
		return { rows: page.rows.map(({ balanceAfter: _, ...r }) => ({ ...r, pool: null })), nextCursor: page.nextCursor };
	}
	const page = await personUses(exec, { accountId, userId: a.user_id }, q);
	const poolIds = [...new Set(page.rows.flatMap((r) => (r.poolAccountId ? [r.poolAccountId] : [])))];
	const names = new Map(
		poolIds.length
			? (await queryRows<{ account_id: string; name: string }>(exec, sql`select t.account_id, t.name from teams t where t.account_id = any(${uuidArray(poolIds)})`)).map((t) => [t.account_id, t.name])
			: []
	);
	return {
		rows: page.rows.map(({ poolAccountId, ...r }) => ({ ...r, pool: poolAccountId ? { accountId: poolAccountId, name: names.get(poolAccountId) ?? 'A team' } : null })),
		nextCursor: page.nextCursor
	};
}
