import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { allocationsByAccount, featureUseThisMonth, figuresAsOf, guestUseThisMonth, lastActiveDaySql, lastPoolUseDaySql, lotFiguresJoin, poolUsedSinceSql, refreshAccountFigures, siteMonthStart, summaryKey, summaryPage, usedSinceSql, type FeatureUse, type SummarySort } from '../ledger';
import { allocationWords } from '../../allocation-words';
import { cursorRefusal } from '../errors';
import { decodeCursor, encodeCursor, likePattern } from './cursor';

export const ACCOUNTS_PAGE_SIZE = 50;

export type AccountSort = 'name' | 'balance' | 'used' | 'lastActive' | 'joined';

export interface AccountListQuery {
	/** Part of a name, an e-mail or a host-site user id, case-insensitive. */
	search?: string | null;
	sort?: AccountSort;
	dir?: 'asc' | 'desc';
	/** `nextCursor` of the previous page; none for the first page. */
	cursor?: string | null;
}

export type { FeatureUse };

export interface AccountRow {
	kind: 'user' | 'team';
	accountId: string;
	userId: string | null;
	teamId: string | null;
	name: string;
	email: string | null;
	/** The host site's own id for a user first seen through the metering API. */
	externalId: string | null;
	siteRole: string | null;
	disabled: boolean;
	/** Every active lot's remaining tokens (unlimited lots excluded). */
	balance: number;
	/** Active lots without a model scope: what a manual adjustment changes. */
	generalBalance: number;
	unlimited: boolean;
	/** What the balance is made of, in the member dashboard's words (lib/allocation-words.ts). */
	allocationWords: ReturnType<typeof allocationWords>;
	/** Tokens consumed this month (site time zone), in total and per feature (named as members' usage pages name it). */
	usedThisPeriod: number;
	usedByFeature: FeatureUse[];
	/**
	 * A user's: tokens they spent this month from team pools, the teams they have left included (each
	 * pool's Team page counts them too); not in `usedThisPeriod`, which is their own account's. 0 for a team.
	 */
	usedFromTeams: number;
	/** Last day with metered use (site-local date), null if never: a user's own account's or their use of a team pool, whichever is later. */
	lastActiveDay: string | null;
	/** When the user last used the app (a sign-in or a signed-in request; ISO), null for a team or never. */
	lastSeenAt: string | null;
	joinedAt: string;
}

/** Guests are many and anonymous: one read-only row of what they used this month, per feature as an account's row names it. */
export interface GuestsRow {
	/** Guest accounts that used anything this month. */
	guests: number;
	usedThisPeriod: number;
	usedByFeature: FeatureUse[];
	lastActiveDay: string | null;
}

export interface AccountPage {
	rows: AccountRow[];
	/** Only on the first page of an unfiltered list, when guests used anything this month. */
	guests: GuestsRow | null;
	/** Sorted by balance, use or last active: the ISO time of the figures the order follows (the summary's); else null. */
	orderAsOf: string | null;
	nextCursor: string | null;
}

/**
 * Each sort: the SQL type the cursor's value is read back as, and how it is written into the cursor.
 * Times travel as text with microseconds: a JS Date would drop them and repeat or skip rows at a
 * page boundary. Name and join date are keys of the users' and teams' own indexes; a figure is
 * the summary's (`summary`, ledger/figures-summary.ts): as of its last refresh, with an index per
 * figure, because ordering 100,000 accounts by a live figure means computing it for all of them.
 */
interface Sort { numeric: boolean; type: SQL; text?: SQL; key?: SQL; summary?: SummarySort }
const sorts: Record<AccountSort, Sort> = {
	name: { numeric: false, type: sql`text`, key: sql`b.sort_name` },
	joined: { numeric: false, type: sql`timestamptz`, text: sql`to_char(p.sort_key at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, key: sql`b.created_at` },
	balance: { numeric: true, type: sql`int8`, summary: 'balance' },
	used: { numeric: true, type: sql`int8`, summary: 'used' },
	lastActive: { numeric: false, type: sql`date`, text: sql`to_char(p.sort_key, 'YYYY-MM-DD')`, summary: 'lastActive' }
};

/**
 * The admin's list of users and teams with balances and this month's use, `ACCOUNTS_PAGE_SIZE` at a
 * time by keyset (sort key, account id). Sorting by name or by join date reads only a page's rows
 * (indexes users/teams_name_idx and _created_idx, drizzle/0000_baseline.sql); sorting by balance,
 * use or last active reads the summary's index (account_figures, refreshed every minute by the
 * `ledger.figures` job), and `orderAsOf` says as of when. The figures shown are live: the same as
 * the detail page's and the dashboard's. A search (ILIKE, trigram indexes of drizzle/0024) reads the
 * matching accounts. Errors: `invalid_input` for a cursor this list did not make.
 */
export async function listAccounts(exec: Executor, q: AccountListQuery = {}): Promise<AccountPage> {
	const sort = sorts[q.sort ?? 'name'];
	// Before the summary's first refresh (a fresh install, before the job's first run) there is no order to read.
	const orderAsOf = sort.summary ? ((await figuresAsOf(exec)) ?? (await refreshAccountFigures(exec)).asOf) : null;
	const rows = await queryRows<{
		kind: 'user' | 'team'; account_id: string; user_id: string | null; team_id: string | null; name: string; email: string | null;
		external_id: string | null; site_role: string | null; disabled: boolean; created_at: string;
		balance: number; general_balance: number; unlimited: boolean; used: number; team_used: number; last_day: string | null; last_seen: string | Date | null; cursor_value: string | number;
	}>(exec, accountPageQuery(q));
	const page = rows.slice(0, ACCOUNTS_PAGE_SIZE);
	const last = page.at(-1);
	const ids = page.map((r) => r.account_id);
	const [used, allocations] = await Promise.all([featureUseThisMonth(exec, ids), allocationsByAccount(exec, ids)]);
	return {
		rows: page.map((r) => ({
			kind: r.kind,
			accountId: r.account_id,
			userId: r.user_id,
			teamId: r.team_id,
			name: r.name,
			email: r.email,
			externalId: r.external_id,
			siteRole: r.site_role,
			disabled: r.disabled,
			balance: Number(r.balance),
			generalBalance: Number(r.general_balance),
			unlimited: r.unlimited,
			allocationWords: allocationWords(allocations.get(r.account_id) ?? []),
			usedThisPeriod: Number(r.used),
			usedByFeature: used.get(r.account_id) ?? [],
			usedFromTeams: Number(r.team_used),
			lastActiveDay: r.last_day,
			lastSeenAt: r.last_seen === null ? null : new Date(r.last_seen).toISOString(),
			joinedAt: new Date(r.created_at).toISOString()
		})),
		guests: q.cursor || q.search?.trim() ? null : await guestsRow(exec),
		orderAsOf,
		nextCursor: rows.length > ACCOUNTS_PAGE_SIZE && last ? encodeCursor(sort.numeric ? Number(last.cursor_value) : String(last.cursor_value), last.account_id) : null
	};
}

/**
 * The list's columns of users and of teams, `where` each (SQL over `u` and `t`; none for all). No
 * `where true` for all: with it the planner no longer merges the two name or join-date indexes.
 */
const accountColumns = (where: { user: SQL; team: SQL } | null) => sql`
	select 'user' as kind, u.account_id, u.id as user_id, null::uuid as team_id, u.name, u.email, u.external_id, u.site_role,
	       u.disabled_at is not null as disabled, u.created_at, lower(u.name) as sort_name
	  from users u ${where ? sql`where ${where.user}` : sql``}
	union all
	select 'team', t.account_id, null, t.id, t.name, null, null, null, false, t.created_at, lower(t.name)
	  from teams t ${where ? sql`where ${where.team}` : sql``}`;

/** The SQL of one page (one row more than a page, to tell whether another follows); exported for EXPLAIN checks. */
export function accountPageQuery(q: AccountListQuery): SQL {
	const sort = sorts[q.sort ?? 'name'];
	const desc = q.dir === 'desc';
	const search = q.search?.trim() ? likePattern(q.search.trim()) : null;
	let after: { key: SQL; accountId: SQL } | null = null;
	if (q.cursor) {
		const [value, id] = decodeCursor(q.cursor);
		if (typeof id !== 'string' || sort.numeric !== (typeof value === 'number')) throw cursorRefusal('belongs to another sort order');
		after = { key: sql`${value}::${sort.type}`, accountId: sql`${id}::uuid` };
	}
	const order = desc ? sql`desc` : sql`asc`;
	const limit = ACCOUNTS_PAGE_SIZE + 1;
	// The whole list by a figure: a page along the summary's index, then each row's user or team.
	const page = sort.summary && !search
		? sql`select b.*, s.sort_key from ${summaryPage(sort.summary, { after, desc, limit })} s
		      cross join lateral (${accountColumns({ user: sql`u.account_id = s.account_id`, team: sql`t.account_id = s.account_id` })}) b`
		: sql`
			select * from (
				select b.*, ${sort.summary ? summaryKey(sort.summary, sql`b.account_id`) : sort.key!} as sort_key
				  from (${accountColumns(search ? { user: sql`u.name ilike ${search} or u.email ilike ${search} or u.external_id ilike ${search}`, team: sql`t.name ilike ${search}` } : null)}) b
			) k
			 where ${after ? sql`(sort_key, account_id) ${desc ? sql`<` : sql`>`} (${after.key}, ${after.accountId})` : sql`true`}
			 order by sort_key ${order}, account_id ${order} limit ${limit}`;
	return sql`
		with page as (${page})
		select p.kind, p.account_id, p.user_id, p.team_id, p.name, p.email, p.external_id, p.site_role, p.disabled, p.created_at,
		       lb.balance, lb.general_balance, lb.unlimited,
		       ${usedSinceSql(sql`p.account_id`, siteMonthStart)} as used,
		       case when p.user_id is null then 0 else ${poolUsedSinceSql(sql`p.user_id::text`, siteMonthStart)} end as team_used,
		       -- greatest() skips a null: a person who only ever spent from pools has a last use.
		       to_char(greatest(${lastActiveDaySql(sql`p.account_id`)}, case when p.user_id is not null then ${lastPoolUseDaySql(sql`p.user_id::text`)} end), 'YYYY-MM-DD') as last_day,
		       (select s.last_seen_at from users s where s.id = p.user_id) as last_seen,
		       ${sort.text ?? sql`p.sort_key`} as cursor_value
		  from page p
		  ${lotFiguresJoin(sql`p.account_id`)}
		 order by p.sort_key ${order}, p.account_id ${order}`;
}

async function guestsRow(exec: Executor): Promise<GuestsRow | null> {
	const use = await guestUseThisMonth(exec);
	return use && { guests: use.guests, usedThisPeriod: use.used, usedByFeature: use.byFeature, lastActiveDay: use.lastDay };
}
