import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { figuresByAccount, guestUseThisMonth, lastActiveDaySql, lotFiguresJoin, moduleUseThisMonth, siteMonthStart, usedSinceSql, type ModuleUse } from '../ledger';
import { DomainError } from '../errors';
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

export type { ModuleUse };

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
	/** Tokens consumed this month (site time zone), in total and per module. */
	usedThisPeriod: number;
	usedByModule: ModuleUse[];
	/** Last day with metered use (site-local date), null if never. */
	lastActiveDay: string | null;
	joinedAt: string;
}

/** Guests are many and anonymous: one read-only row per module with what they used this month. */
export interface GuestModuleRow {
	module: string;
	/** Guest accounts that used the module this month. */
	guests: number;
	usedThisPeriod: number;
	lastActiveDay: string | null;
}

export interface AccountPage {
	rows: AccountRow[];
	/** Only on the first page of an unfiltered list. */
	guests: GuestModuleRow[];
	nextCursor: string | null;
}

/**
 * Each sort's key (never null, so a keyset comparison is total), the SQL type the cursor's value is
 * read back as, and how it is written into the cursor. Times travel as text with microseconds: a JS
 * Date would drop them and repeat or skip rows at a page boundary. A figure sort needs the figure of
 * every account before it can take a page: `all` joins it from one grouped pass over the table
 * (figuresByAccount, as `k.value`) or probes it per account; a search has few rows, so `searched`
 * computes it per row.
 */
interface Sort { numeric: boolean; type: SQL; text?: SQL; all: { key: SQL; join?: SQL }; searched: { key: SQL; join?: SQL } }
const byKey = (key: SQL) => ({ key, join: undefined });
const joined = (figure: SQL, orElse: SQL) => ({ key: sql`coalesce(k.value, ${orElse})`, join: sql`left join ${figure} k on k.account_id = b.account_id` });
const perAccountBalance = { key: sql`lb.balance`, join: lotFiguresJoin(sql`b.account_id`) };
const sorts: Record<AccountSort, Sort> = {
	name: { numeric: false, type: sql`text`, all: byKey(sql`b.sort_name`), searched: byKey(sql`b.sort_name`) },
	joined: {
		numeric: false, type: sql`timestamptz`, text: sql`to_char(p.sort_key at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
		all: byKey(sql`b.created_at`), searched: byKey(sql`b.created_at`)
	},
	// Per row even unsearched: measured at 100,000 accounts with a lot each, the grouped pass over
	// lots read them through lots_account_idx in account order (0.7 s), the per-account probe 0.25 s.
	balance: { numeric: true, type: sql`int8`, all: perAccountBalance, searched: perAccountBalance },
	used: { numeric: true, type: sql`int8`, all: joined(figuresByAccount.used, sql`0`), searched: byKey(usedSinceSql(sql`b.account_id`, siteMonthStart)) },
	lastActive: {
		numeric: false, type: sql`date`, text: sql`to_char(p.sort_key, 'YYYY-MM-DD')`,
		all: joined(figuresByAccount.lastActive, sql`date '0001-01-01'`), searched: byKey(sql`coalesce(${lastActiveDaySql(sql`b.account_id`)}, date '0001-01-01')`)
	}
};

/**
 * The admin's list of users and teams with balances and this month's use, `ACCOUNTS_PAGE_SIZE` at a
 * time by keyset (sort key, account id). Sorting by name or by join date reads only a page's rows
 * (indexes users/teams_name_idx and _created_idx, drizzle/0000_baseline.sql); sorting by a figure
 * computes that one figure for every account in one grouped pass, and the page's other figures for
 * its rows only. The figures are live: the same as the detail page's and the dashboard's.
 * Errors: `invalid_input` for a cursor this list did not make.
 */
export async function listAccounts(exec: Executor, q: AccountListQuery = {}): Promise<AccountPage> {
	const sort = sorts[q.sort ?? 'name'];
	const rows = await queryRows<{
		kind: 'user' | 'team'; account_id: string; user_id: string | null; team_id: string | null; name: string; email: string | null;
		external_id: string | null; site_role: string | null; disabled: boolean; created_at: string;
		balance: number; general_balance: number; unlimited: boolean; used: number; last_day: string | null; cursor_value: string | number;
	}>(exec, accountPageQuery(q));
	const page = rows.slice(0, ACCOUNTS_PAGE_SIZE);
	const last = page.at(-1);
	const used = await moduleUseThisMonth(exec, page.map((r) => r.account_id));
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
			usedThisPeriod: Number(r.used),
			usedByModule: used.get(r.account_id) ?? [],
			lastActiveDay: r.last_day,
			joinedAt: new Date(r.created_at).toISOString()
		})),
		guests: q.cursor || q.search?.trim() ? [] : await guestModules(exec),
		nextCursor: rows.length > ACCOUNTS_PAGE_SIZE && last ? encodeCursor(sort.numeric ? Number(last.cursor_value) : String(last.cursor_value), last.account_id) : null
	};
}

/** The SQL of one page (one row more than a page, to tell whether another follows); exported for EXPLAIN checks. */
export function accountPageQuery(q: AccountListQuery): SQL {
	const sort = sorts[q.sort ?? 'name'];
	const desc = q.dir === 'desc';
	const search = q.search?.trim() ? likePattern(q.search.trim()) : null;
	const { key, join } = search ? sort.searched : sort.all;
	let after = sql`true`;
	if (q.cursor) {
		const [value, id] = decodeCursor(q.cursor);
		if (typeof id !== 'string' || sort.numeric !== (typeof value === 'number')) throw new DomainError('invalid_input', 'That page cursor belongs to another sort order.');
		after = sql`(sort_key, account_id) ${desc ? sql`<` : sql`>`} (${value}::${sort.type}, ${id}::uuid)`;
	}
	const order = desc ? sql`desc` : sql`asc`;
	return sql`
		with base as (
			select 'user' as kind, u.account_id, u.id as user_id, null::uuid as team_id, u.name, u.email, u.external_id, u.site_role,
			       u.disabled_at is not null as disabled, u.created_at, lower(u.name) as sort_name
			  from users u
			 ${search ? sql`where u.name ilike ${search} or u.email ilike ${search} or u.external_id ilike ${search}` : sql``}
			union all
			select 'team', t.account_id, null, t.id, t.name, null, null, null, false, t.created_at, lower(t.name)
			  from teams t
			 ${search ? sql`where t.name ilike ${search}` : sql``}
		),
		keyed as (select b.*, ${key} as sort_key from base b ${join ?? sql``}),
		page as (select * from keyed where ${after} order by sort_key ${order}, account_id ${order} limit ${ACCOUNTS_PAGE_SIZE + 1})
		select p.kind, p.account_id, p.user_id, p.team_id, p.name, p.email, p.external_id, p.site_role, p.disabled, p.created_at,
		       lb.balance, lb.general_balance, lb.unlimited,
		       ${usedSinceSql(sql`p.account_id`, siteMonthStart)} as used,
		       to_char(${lastActiveDaySql(sql`p.account_id`)}, 'YYYY-MM-DD') as last_day,
		       ${sort.text ?? sql`p.sort_key`} as cursor_value
		  from page p
		  ${lotFiguresJoin(sql`p.account_id`)}
		 order by p.sort_key ${order}, p.account_id ${order}`;
}

async function guestModules(exec: Executor): Promise<GuestModuleRow[]> {
	return (await guestUseThisMonth(exec)).map((r) => ({ module: r.module, guests: r.guests, usedThisPeriod: r.used, lastActiveDay: r.lastDay }));
}
