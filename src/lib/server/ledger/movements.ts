import { sql, type SQL } from 'drizzle-orm';

// What moves an account's statement balance, in one place: the statement (statement.ts) lists the
// movements with the balance after each, and the usage history (queries.ts `history`) shows the same
// balance after each use, so the two pages agree row for row.

/**
 * A lateral subquery named `moved`: what the operation aliased `p` (its id, kind, hold_id and
 * metadata) did to the statement's balance. `delta`: its signed change in tokens — a grant its lot's
 * amount (0 for an unlimited lot); a spend, expiry, clawback or adjustment its entries on countable
 * lots (a settle with its hold's: a hold is no movement until it settles); null when it moved none.
 * `allowance`: the tokens it took from free allowances. `lot_id`: one lot it moved (an expiry's, a
 * clawback's).
 */
export const movedBy: SQL = sql`cross join lateral (
	select case when p.kind = 'grant'
	            then (select case when g.unlimited then 0 else g.amount end from lots g where g.id = (p.metadata->>'lot_id')::uuid)
	            else sum(e.amount) filter (where l.id is not null and not l.unlimited) end::int8 as delta,
	       (-sum(e.amount) filter (where e.window_id is not null))::int8 as allowance,
	       min(e.lot_id::text) as lot_id
	  from entries e left join lots l on l.id = e.lot_id
	 where e.operation_id in (p.id, (select h.operation_id from holds h where h.id = p.hold_id))) moved`;

/** An account named by its id, or by an SQL expression (a column of the statement it is in). */
const accountOf = (account: string | SQL): SQL => (typeof account === 'string' ? sql`${account}::uuid` : account);

/** The countable tokens of an account's lots now (unlimited lots add nothing), an int8 scalar. */
export const lotsNowSql = (account: string | SQL): SQL =>
	sql`(select coalesce(sum(remaining), 0) from lots where account_id = ${accountOf(account)} and not unlimited)::int8`;

/** The tokens open holds took from an account's countable lots: still in the statement's balance until they settle. An int8 scalar. */
export const heldNowSql = (account: string | SQL): SQL =>
	sql`(select coalesce(-sum(e.amount), 0) from holds h join entries e on e.operation_id = h.operation_id
	       join lots l on l.id = e.lot_id and not l.unlimited
	      where h.account_id = ${accountOf(account)} and h.status = 'open')::int8`;

/** The statement's balance of an account now: its countable lots and what its open holds took from them. An int8 scalar. */
export const balanceNowSql = (account: string | SQL): SQL => sql`(${lotsNowSql(account)} + ${heldNowSql(account)})`;

/** The operation kinds of the statement's movements besides spending (operations_statement_idx's): their cost is an amount moved. */
export const OTHER_MOVEMENT_KINDS: readonly string[] = ['grant', 'expire', 'clawback', 'adjust'];
export const OTHER_MOVEMENTS = sql.raw(`(${OTHER_MOVEMENT_KINDS.map((k) => `'${k}'`).join(', ')})`);
