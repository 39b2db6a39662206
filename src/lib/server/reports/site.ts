import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';

export const USERS_PAGE_SIZE = 50;

export type UserSort = 'name' | 'email' | 'balance' | 'lastActive' | 'joined';

export interface UserListQuery {
	/** Part of the name or e-mail, case-insensitive. */
	search?: string | null;
	sort?: UserSort;
	dir?: 'asc' | 'desc';
	offset?: number;
}

export interface UserCreditsRow {
	userId: string;
	accountId: string;
	name: string;
	email: string | null;
	siteRole: string;
	disabled: boolean;
	/** Spendable purchased/granted tokens (active lots, unlimited ones excluded). */
	balance: number;
	unlimited: boolean;
	/** What the user's current allowance windows have used, per module. */
	usedThisPeriod: { module: string; used: number; limit: number | null }[];
	/** Last day with metered use (site time zone), null if never. */
	lastActiveDay: string | null;
	joinedAt: string;
}

const sortColumn: Record<UserSort, SQL> = {
	name: sql`lower(name)`,
	email: sql`email`,
	balance: sql`balance`,
	lastActive: sql`last_day`,
	joined: sql`created_at`
};

/** Escapes LIKE wildcards so a search for "50%" finds "50%", not everything. */
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The admin credits screen: users with balance, this period's use per module and last activity. */
export async function listUserCredits(exec: Executor, q: UserListQuery = {}): Promise<{ rows: UserCreditsRow[]; total: number; nextOffset: number | null }> {
	const offset = q.offset ?? 0;
	if (!Number.isInteger(offset) || offset < 0) throw new DomainError('invalid_input', 'offset must be a whole number ≥ 0.');
	const search = q.search?.trim() ? likePattern(q.search.trim()) : null;
	const dir = q.dir === 'desc' ? sql`desc` : sql`asc`;
	const rows = await queryRows<{
		user_id: string; account_id: string; name: string; email: string | null; site_role: string; disabled: boolean;
		balance: number; unlimited: boolean; last_day_text: string | null; created_at: string; total: number;
	}>(exec, sql`
		with u as (
			select u.id as user_id, u.account_id, u.name, u.email, u.site_role, u.disabled_at is not null as disabled, u.created_at,
			       coalesce(b.balance, 0)::int8 as balance, coalesce(b.unlimited, false) as unlimited, a.last_day
			  from users u
			  left join lateral (
			       select sum(l.remaining) filter (where not l.unlimited) as balance, bool_or(l.unlimited) as unlimited
			         from lots l where l.account_id = u.account_id and (l.expires_at is null or l.expires_at > now())) b on true
			  left join lateral (select max(d.day) as last_day from usage_daily d where d.account_id = u.account_id) a on true
			 ${search ? sql`where u.name ilike ${search} or u.email ilike ${search}` : sql``}
		)
		select user_id, account_id, name, email, site_role, disabled, created_at, balance, unlimited,
		       to_char(last_day, 'YYYY-MM-DD') as last_day_text, count(*) over ()::int as total
		  from u
		 order by ${sortColumn[q.sort ?? 'name']} ${dir} nulls last, user_id
		 limit ${USERS_PAGE_SIZE} offset ${offset}`);
	const usage = rows.length
		? await queryRows<{ account_id: string; module: string; used: number; limit_tokens: number | null }>(exec, sql`
			select w.account_id, r.module, sum(w.used)::int8 as used, max(w.limit_tokens)::int8 as limit_tokens
			  from allowance_windows w join allowance_rules r on r.id = w.rule_id
			 where w.account_id in (${sql.join(rows.map((r) => sql`${r.account_id}::uuid`), sql`, `)})
			   and w.window_start <= now() and (w.window_end is null or w.window_end > now())
			 group by 1, 2 order by 2`)
		: [];
	const total = rows[0]?.total ?? 0;
	return {
		rows: rows.map((r) => ({
			userId: r.user_id,
			accountId: r.account_id,
			name: r.name,
			email: r.email,
			siteRole: r.site_role,
			disabled: r.disabled,
			balance: Number(r.balance),
			unlimited: r.unlimited,
			usedThisPeriod: usage
				.filter((w) => w.account_id === r.account_id)
				.map((w) => ({ module: w.module, used: Number(w.used), limit: w.limit_tokens === null ? null : Number(w.limit_tokens) })),
			lastActiveDay: r.last_day_text,
			joinedAt: new Date(r.created_at).toISOString()
		})),
		total,
		nextOffset: offset + rows.length < total ? offset + rows.length : null
	};
}

export interface SiteDaily {
	/** Every day of the range, zeros included, for the chart. */
	days: { day: string; tokens: number; operations: number }[];
	byModule: { module: string; tokens: number; operations: number }[];
	total: { tokens: number; operations: number };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Site-wide consumption per day (all accounts), from the daily rollup; days are site-local dates. */
export async function siteDaily(exec: Executor, range: { from: string; to: string }): Promise<SiteDaily> {
	const from = Date.parse(`${range.from}T00:00:00Z`);
	const to = Date.parse(`${range.to}T00:00:00Z`);
	if (!ISO_DAY.test(range.from) || !ISO_DAY.test(range.to) || Number.isNaN(from) || Number.isNaN(to)) {
		throw new DomainError('invalid_input', 'from and to must be dates (YYYY-MM-DD).');
	}
	if (to < from || to - from > 366 * 86_400_000) throw new DomainError('invalid_input', 'The range must run forwards and span at most 366 days.');
	const days = await queryRows<{ day: string; tokens: number; operations: number }>(exec, sql`
		select to_char(g.day, 'YYYY-MM-DD') as day, coalesce(sum(d.tokens), 0)::int8 as tokens, coalesce(sum(d.operations), 0)::int8 as operations
		  from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') g(day)
		  left join usage_daily d on d.day = g.day::date
		 group by g.day order by g.day`);
	const byModule = await queryRows<{ module: string; tokens: number; operations: number }>(exec, sql`
		select coalesce(f.module, d.feature) as module, sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations
		  from usage_daily d left join features f on f.key = d.feature
		 where d.day between ${range.from}::date and ${range.to}::date
		 group by 1 order by 2 desc, 1`);
	const numbers = <T extends { tokens: number; operations: number }>(r: T) => ({ ...r, tokens: Number(r.tokens), operations: Number(r.operations) });
	const dayRows = days.map(numbers);
	return {
		days: dayRows,
		byModule: byModule.map(numbers),
		total: dayRows.reduce((t, d) => ({ tokens: t.tokens + d.tokens, operations: t.operations + d.operations }), { tokens: 0, operations: 0 })
	};
}
