import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { cursorRefusal } from '../errors';
import type { PaidBy } from './types';
import { siteTimeZone } from './account-figures';
import { balanceNowSql, movedBy, OTHER_MOVEMENTS } from './movements';

export interface HistoryRow {
	id: string;
	feature: string;
	featureName: string;
	/** The module the feature belongs to (its allowance's), by key; null for a feature no longer in the catalog. */
	module: string | null;
	model: string | null;
	/** Units measured (words, characters, …) by a consume; null for a settled hold, whose cost is what it settled (see `hold`). */
	units: number | null;
	/** Tokens it cost: a consume's ceil(units × rate), a settled hold's settled tokens. */
	tokensUsed: number;
	date: string;
	/**
	 * What was left to spend on this feature and model right after this use (the consume's
	 * `remaining`: its module's allowance plus the lots usable for its model), in tokens; null =
	 * unlimited. Per feature and model, so it differs from row to row: not the account's balance.
	 */
	remaining: number | null;
	/**
	 * The account's balance right after this use, in tokens, as the statement gives it for the same
	 * operation (ledger/statement.ts: countable lots, running holds' tokens included until they
	 * settle); a use paid by a free allowance or unlimited tokens leaves it as it was. Null unless
	 * asked for (`HistoryQuery.balances`), and for a page more than MAX_WALK movements from its newer end.
	 */
	balanceAfter: number | null;
	actorUserId: string | null;
	actorName: string | null;
	/** Who paid the tokens used, in the order they paid: a settled hold's sources with what each kept of the settled tokens. */
	paidBy: PaidBy[];
	metadata: Record<string, unknown> | null;
	/** The feature's rate: a consume's price (null for a settled hold, which no rate priced, and a feature no longer in the catalog). */
	rate: { tokensPerUnit: number; unit: string } | null;
	/** A settled hold: the tokens it held; `tokensUsed` of them were charged and the rest released. Null for a consume. */
	hold: { held: number; released: number } | null;
}

export interface HistoryQuery {
	limit?: number;
	cursor?: string | null;
	feature?: string | null;
	model?: string | null;
	/** The first and last day of use to list (YYYY-MM-DD, both included): the site's days, in its time zone, as reports and caps count them. */
	from?: string | null;
	to?: string | null;
	/** Also each row's `balanceAfter` (the app's history; the API's leaves it out and skips its cost). */
	balances?: boolean;
}

/**
 * The most movements a page's balances are worked back through. Paging on from the page before
 * walks about a page's worth; a page far from its newer end (a filter that skips most uses, a date
 * range long ago, a cursor without a balance) would walk every movement since (1.7 s for a page
 * half-way down 1,000,000 operations in bench:dashboard), so past this its rows give no balance.
 */
export const MAX_WALK = 1_000;

interface Cursor {
	at: string;
	id: string;
	/** The balance after that row (a page that showed balances), so the next page walks back from it, not from now. */
	balance: number | null;
}

function decodeCursor(cursor: string): Cursor {
	try {
		const [at, id, balance] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
		const n = balance === undefined ? null : Number(balance);
		if (!at || !id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(Date.parse(at)) || (n !== null && !Number.isSafeInteger(n))) throw new Error('bad');
		return { at, id, balance: n };
	} catch {
		throw cursorRefusal();
	}
}

const encodeCursor = (c: Cursor) => Buffer.from([c.at, c.id, ...(c.balance === null ? [] : [c.balance])].join('|'), 'utf8').toString('base64url');

/**
 * A use's columns and joins, over `operations o` (a consume or a settle): its feature, who used it
 * and, for a settle, its hold. A settle's own operation names no person: whoever opened its hold
 * (the hold's operation) used it.
 */
const USE_COLUMNS = sql`select o.id, o.account_id, o.feature, f.name as feature_name, f.module, o.model, o.units, o.cost, o.created_at, o.balance_after as remaining,
		       coalesce(o.actor_user_id, hold.actor_user_id) as actor_user_id, u.name as actor_name, o.response, o.metadata, f.tokens_per_unit, f.unit,
		       hold.amount as held, to_char(o.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at_text
		  from operations o
		  left join features f on f.key = o.feature
		  left join lateral (select hh.amount, ho.actor_user_id from holds hh join operations ho on ho.id = hh.operation_id where hh.id = o.hold_id) hold on true
		  left join users u on u.id = coalesce(o.actor_user_id, hold.actor_user_id)`;

/** A use as USE_COLUMNS reads it. */
interface UseRow {
	id: string; account_id: string; feature: string; feature_name: string | null; module: string | null; model: string | null; units: string | null; cost: number;
	created_at: string; remaining: number | null; actor_user_id: string | null; actor_name: string | null;
	response: { paid_by?: PaidBy[] } | null; metadata: Record<string, unknown> | null; held: string | null;
	tokens_per_unit: string | null; unit: string | null; at_text: string;
}

/** A use's row, but for its balance after (worked out by `history` when asked for). */
const useOf = (r: UseRow): Omit<HistoryRow, 'balanceAfter'> => ({
	id: r.id,
	feature: r.feature,
	featureName: r.feature_name ?? r.feature,
	module: r.module,
	model: r.model,
	units: r.units === null ? null : Number(r.units),
	tokensUsed: Number(r.cost),
	date: new Date(r.created_at).toISOString(),
	remaining: r.remaining === null ? null : Number(r.remaining),
	actorUserId: r.actor_user_id,
	actorName: r.actor_name,
	paidBy: r.response?.paid_by ?? [],
	metadata: r.metadata,
	rate: r.tokens_per_unit && r.held === null ? { tokensPerUnit: Number(r.tokens_per_unit), unit: r.unit ?? 'unit' } : null,
	hold: r.held === null ? null : { held: Number(r.held), released: Number(r.held) - Number(r.cost) }
});

/**
 * Usage history (consumes and settled holds), newest first, keyset-paged (`limit` 1–200, default
 * 50) so page N costs the same as page 1; filtered by feature, model and the site's days (`from`
 * and `to` included, midnight to midnight in the site's time zone: the day Reports totals). With `balances`, each row's balance after it: the statement's
 * balance now (or the one the cursor carries) less every movement since, the uses the filters
 * leave out included, in the same statement — so that part costs the movements between the page
 * and the newer end, at most MAX_WALK (beyond it the rows' `balanceAfter` is null). Throws DomainError `invalid_input` for a cursor this function did not write.
 */
export async function history(exec: Executor, accountId: string, q: HistoryQuery = {}): Promise<{ rows: HistoryRow[]; nextCursor: string | null }> {
	const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
	const after = q.cursor ? decodeCursor(q.cursor) : null;
	const older = after ? sql`and (o.created_at, o.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
	const page = sql`
		${USE_COLUMNS}
		 where o.account_id = ${accountId}::uuid and o.status = 'ok' and o.kind in ('consume', 'settle')
		   ${q.feature ? sql`and o.feature = ${q.feature}` : sql``}
		   ${q.model ? sql`and o.model = ${q.model}` : sql``}
		   ${q.from ? sql`and o.created_at >= (${q.from}::date::timestamp at time zone ${siteTimeZone})` : sql``}
		   ${q.to ? sql`and o.created_at < ((${q.to}::date + 1)::timestamp at time zone ${siteTimeZone})` : sql``}
		   ${older}
		 -- nulls last: the order of operations_history_idx (both columns are never null). Plain
		 -- "desc" means nulls first, which only operations_created_idx read backwards gives: the
		 -- planner then walks every account's operations to find this one's newest.
		 order by o.created_at desc nulls last, o.id desc nulls last
		 limit ${limit + 1}`;
	// The movements from the page's oldest use up to the newer end (the cursor's row, whose balance
	// it carries, or now), each with what it moved: the balance after a use is the end's less the
	// movements after it. One scan of each partial index, as the statement's.
	const newerEnd = after?.balance != null ? sql`and (o.created_at, o.id) <= (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
	const oldest = sql`and (o.created_at, o.id) >= (select created_at, id from page order by created_at, id limit 1)`;
	const rows = await queryRows<UseRow & { balance: string | null }>(exec, q.balances ? sql`
		with page as materialized (${page}),
		p as materialized (
		  (select o.id, o.kind, o.created_at, o.hold_id, o.metadata from operations o
		    where o.account_id = ${accountId}::uuid and o.status = 'ok' and o.kind in ('consume', 'settle') ${oldest} ${newerEnd}
		    order by o.created_at desc nulls last, o.id desc nulls last limit ${MAX_WALK + 1})
		  union all
		  (select o.id, o.kind, o.created_at, o.hold_id, o.metadata from operations o
		    where o.account_id = ${accountId}::uuid and o.status = 'ok' and o.kind in ${OTHER_MOVEMENTS} ${oldest} ${newerEnd}
		    order by o.created_at desc nulls first, o.id desc nulls first limit ${MAX_WALK + 1})
		),
		since as (
		  select p.id, sum(coalesce(moved.delta, 0)) over (order by p.created_at desc, p.id desc rows between unbounded preceding and 1 preceding) as tokens
		    from p ${movedBy}
		)
		select page.*, case when (select count(*) from p) <= ${MAX_WALK}
		         then (${after?.balance != null ? sql`${after.balance}::int8` : balanceNowSql(accountId)}) - coalesce(since.tokens, 0) end as balance
		  from page left join since on since.id = page.id
		 order by page.created_at desc, page.id desc` : page);
	const shown = rows.slice(0, limit);
	const last = shown.at(-1);
	const balanceOf = (r: (typeof rows)[number]) => (q.balances && r.balance !== null ? Number(r.balance) : null);
	return {
		rows: shown.map((r) => ({ ...useOf(r), balanceAfter: balanceOf(r) })),
		nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at_text, id: last.id, balance: balanceOf(last) }) : null
	};
}

/** A person's use (`personUses`): their own account's, or a team pool's they spent from (`poolAccountId`, its account). */
export type PersonUse = Omit<HistoryRow, 'balanceAfter'> & { poolAccountId: string | null };

/**
 * Everything a person used, newest first: their own account's uses (`accountId`, as `history` lists
 * them) and their uses of team pools (`userId` the actor, or the opener of a settled hold), in or out
 * of each team now, each with the pool's account (`poolAccountId`; null for their own). Keyset-paged
 * as `history` (`limit` 1–200, default 50; the same cursors, without balances). Throws DomainError
 * `invalid_input` for a cursor no history page wrote.
 *
 * The pools and days come from usage_daily by actor (usage_daily_actor_idx, 0051), and each day's uses
 * from its pool's operations_history_idx, so a busy pool's other members' uses are not walked. A day
 * is the site's as the use was written, in whatever zone the site had then: its uses lie within
 * 14 hours before its UTC midnight and 12 hours after the next (zones run from UTC−12 to UTC+14), so
 * a use of a day three or more days later is surely newer. Days are read back from the newest until
 * the uses of the days three later already fill the page.
 */
export async function personUses(exec: Executor, person: { accountId: string; userId: string }, q: { limit?: number; cursor?: string | null } = {}): Promise<{ rows: PersonUse[]; nextCursor: string | null }> {
	const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
	const rows = await queryRows<UseRow>(exec, personUsesSql(person, limit, q.cursor ? decodeCursor(q.cursor) : null));
	const shown = rows.slice(0, limit);
	const last = shown.at(-1);
	return {
		rows: shown.map((r) => ({ ...useOf(r), poolAccountId: r.account_id === person.accountId ? null : r.account_id })),
		nextCursor: rows.length > limit && last ? encodeCursor({ at: last.at_text, id: last.id, balance: null }) : null
	};
}

/** The statement of `personUses`: `limit` + 1 uses (the one more says a next page) older than the cursor `after`. Exported for its plan's test. */
export function personUsesSql(person: { accountId: string; userId: string }, limit: number, after: Pick<Cursor, 'at' | 'id'> | null): SQL {
	const older = after ? sql`and (o.created_at, o.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
	const uses = sql`o.status = 'ok' and o.kind in ('consume', 'settle')`;
	const cursorDay = after ? sql`(${after.at}::timestamptz at time zone 'UTC')` : null;
	return sql`
		with pool_days as materialized (
		  select d.account_id, d.day, sum(d.operations)::int8 as uses
		    from usage_daily d join accounts a on a.id = d.account_id and a.kind = 'team'
		   where d.actor_user_id = ${person.userId}::text ${cursorDay ? sql`and d.day <= (${cursorDay} + interval '14 hours')::date` : sql``}
		   group by d.account_id, d.day
		),
		-- The newest day by which the page is full of uses surely older than the cursor (a day ending 12 hours before it in every zone).
		full_by as (
		  select max(c.day) as day from (
		    select p.day, sum(sum(p.uses)) over (order by p.day desc) as uses from pool_days p
		     ${cursorDay ? sql`where p.day < (${cursorDay} - interval '12 hours')::date` : sql``}
		     group by p.day) c
		   where c.uses > ${limit}
		),
		pool_uses as (
		  select distinct on (o.created_at, o.id) o.id, o.created_at, o.account_id
		    from pool_days p
		    cross join lateral (
		      select o.id, o.created_at, o.account_id from operations o
		       where o.account_id = p.account_id and ${uses}
		         and o.created_at >= ((p.day::timestamp - interval '14 hours') at time zone 'UTC')
		         and o.created_at < (((p.day + 1)::timestamp + interval '12 hours') at time zone 'UTC')
		         and coalesce(o.actor_user_id, (select ho.actor_user_id from holds hh join operations ho on ho.id = hh.operation_id where hh.id = o.hold_id)) = ${person.userId}::uuid
		         ${older}
		       order by o.created_at desc nulls last, o.id desc nulls last
		       limit ${limit + 1}) o
		   where p.day >= coalesce((select day from full_by) - 2, '-infinity'::date)
		   order by o.created_at desc, o.id desc
		   limit ${limit + 1}
		),
		page as (
		  (select o.id, o.created_at from operations o
		    where o.account_id = ${person.accountId}::uuid and ${uses} ${older}
		    order by o.created_at desc nulls last, o.id desc nulls last
		    limit ${limit + 1})
		  union all
		  (select id, created_at from pool_uses)
		  order by created_at desc, id desc
		  limit ${limit + 1}
		)
		${USE_COLUMNS}
		  join page on page.id = o.id
		 order by o.created_at desc, o.id desc`;
}
