// The unlimited use an account has now, read where a page says what needs no tokens: the statement
// (its uses move no balance) and the store (a pack's tokens for such a model wait until it ends).
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';

/**
 * The unlimited use an account's lots give now: `every` model's (an unlimited lot of no model), and
 * the models an unlimited lot of their own covers (`key`, `name`: the catalog's, else the key), in
 * name order. GET /api/v1/balance's `unlimited` and `unlimited_models` say the same.
 */
export interface UnlimitedNow {
	every: boolean;
	models: { key: string; name: string }[];
}

/** `UnlimitedNow` of `accountId` as a jsonb scalar: its unlimited lots in force (not past their end, as quota_lot_balance counts them). */
export const unlimitedNowSql = (accountId: string): SQL => {
	const inForce = sql`l.account_id = ${accountId}::uuid and l.unlimited and (l.expires_at is null or l.expires_at > now())`;
	return sql`jsonb_build_object(
		'every', exists (select 1 from lots l where ${inForce} and l.model is null),
		'models', coalesce((select jsonb_agg(jsonb_build_object('key', x.key, 'name', x.name) order by x.name, x.key)
		                      from (select distinct l.model as key, coalesce(m.name, l.model) as name
		                              from lots l left join models m on m.key = l.model where ${inForce} and l.model is not null) x), '[]'::jsonb))`;
};

/** The unlimited use `accountId`'s lots give now (`UnlimitedNow`). One statement. */
export async function unlimitedNow(exec: Executor, accountId: string): Promise<UnlimitedNow> {
	const [row] = await queryRows<{ u: UnlimitedNow }>(exec, sql`select ${unlimitedNowSql(accountId)} as u`);
	return row!.u;
}
