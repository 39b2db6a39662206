// Site-wide consumption for the admin Overview, from the daily rollup (usage_daily), counted in the
// site's own windows (quota_windows: time zone and week start), never in dates a caller sends.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { topWithRest, type RankedRow } from '../../shares';
import { NO_MODEL } from '../../model-words';

/** The chart's spans, in the site's days (the current day included). */
export const USAGE_SPANS = [7, 30, 90] as const;
export type UsageSpan = (typeof USAGE_SPANS)[number];
export type UsageBy = 'module' | 'model';

export interface SiteUsageTotals {
	/** Tokens consumed site-wide in the site's current day and month (all accounts, guests included). */
	today: { tokens: number; operations: number; activeUsers: number };
	month: { tokens: number; operations: number; activeUsers: number };
	/** The site's current month: its first day and its last (site-local, YYYY-MM-DD). */
	monthFirstDay: string;
	monthLastDay: string;
}

/**
 * Today's and this month's consumption site-wide, with the users active in each (a user counts when
 * their own account or a team pool was spent by them; guests and API calls without a user do not).
 */
export async function siteUsageTotals(exec: Executor): Promise<SiteUsageTotals> {
	const rows = await queryRows<{ span: 'today' | 'month'; tokens: number; operations: number; active_users: number; first_day: string; last_day: string }>(
		exec,
		sql`
		with spans as (
		  select 'today' as span, first_day, last_day from quota_windows('daily', 1)
		  union all select 'month', first_day, last_day from quota_windows('monthly', 1))
		select s.span, to_char(s.first_day, 'YYYY-MM-DD') as first_day, to_char(s.last_day, 'YYYY-MM-DD') as last_day,
		       coalesce(sum(d.tokens), 0)::int8 as tokens, coalesce(sum(d.operations), 0)::int8 as operations,
		       count(distinct coalesce(u.id::text, nullif(d.actor_user_id, ''))) as active_users
		  from spans s
		  left join usage_daily d on d.day between s.first_day and s.last_day
		  left join users u on u.account_id = d.account_id
		 group by s.span, s.first_day, s.last_day`
	);
	const of = (span: 'today' | 'month') => {
		const r = rows.find((x) => x.span === span)!;
		return { tokens: Number(r.tokens), operations: Number(r.operations), activeUsers: Number(r.active_users) };
	};
	const month = rows.find((x) => x.span === 'month')!;
	return { today: of('today'), month: of('month'), monthFirstDay: month.first_day, monthLastDay: month.last_day };
}

export interface UsageSeries {
	/** Module or model key ('' = general tokens, no model). */
	key: string;
	label: string;
	tokens: number;
	operations: number;
	/** Tokens per day, in the order of `days`. */
	perDay: number[];
}

/** A top row; the last one (`rest: true`, key REST_KEY) stands for everything below the top 5. */
export type TopRow = RankedRow;

export interface SiteUsage {
	/** Every site-local day of the span, oldest first (YYYY-MM-DD). */
	days: string[];
	/** Site-wide tokens per day, zeros included. */
	totals: number[];
	/** The same split by module or by model, biggest first. */
	series: UsageSeries[];
	/** The span's top 5 of each, then one row for the rest: each list adds up to the span's total. */
	top: { features: TopRow[]; models: TopRow[]; users: TopRow[] };
}

const TOP = 5;
type CountedRow = TopRow & { keys: number };

/**
 * Site-wide consumption over the site's last `span` days (7, 30 or 90, today included), per day
 * and by module or model, with the span's top features, models and users (5 each, then the rest as
 * one row, or the sixth by name when it is all the rest: every list adds up to the span's tokens and
 * operations and shows the same shares).
 * Errors: invalid_input (another span).
 */
export async function siteUsage(exec: Executor, opts: { span: number; by: UsageBy }): Promise<SiteUsage> {
	if (!USAGE_SPANS.includes(opts.span as UsageSpan)) throw new DomainError('invalid_input', `The span is ${USAGE_SPANS.join(', ')} days.`, { field: 'span' });
	const windows = sql`(select first_day as day from quota_windows('daily', ${opts.span}))`;
	const span = sql`d.day between (select min(day) from ${windows} w) and (select max(day) from ${windows} w)`;
	const seriesKey = opts.by === 'module' ? sql`coalesce(f.module, d.feature)` : sql`d.model`;
	const seriesLabel = opts.by === 'module' ? sql`coalesce(mo.name, f.module, d.feature)` : sql`coalesce(m.name, case when d.model = '' then ${NO_MODEL}::text else d.model end)`;
	const [days, split, features, models, users] = await Promise.all([
		queryRows<{ day: string; tokens: number; operations: number }>(exec, sql`
			select to_char(w.day, 'YYYY-MM-DD') as day, coalesce(sum(d.tokens), 0)::int8 as tokens, coalesce(sum(d.operations), 0)::int8 as operations
			  from ${windows} w left join usage_daily d on d.day = w.day
			 group by w.day order by w.day`),
		queryRows<{ day: string; key: string; label: string; tokens: number; operations: number }>(exec, sql`
			select to_char(d.day, 'YYYY-MM-DD') as day, ${seriesKey} as key, ${seriesLabel} as label, sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations
			  from usage_daily d
			  left join features f on f.key = d.feature
			  left join modules mo on mo.key = f.module
			  left join models m on m.key = nullif(d.model, '')
			 where ${span}
			 group by 1, 2, 3`),
		queryRows<CountedRow>(exec, sql`
			select d.feature as key, coalesce(f.name, d.feature) as label, sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations,
			       count(*) over ()::int8 as keys
			  from usage_daily d left join features f on f.key = d.feature
			 where ${span} group by 1, 2 order by 3 desc, 1 limit ${TOP + 1}`),
		queryRows<CountedRow>(exec, sql`
			select d.model as key, coalesce(m.name, case when d.model = '' then ${NO_MODEL}::text else d.model end) as label,
			       sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations, count(*) over ()::int8 as keys
			  from usage_daily d left join models m on m.key = nullif(d.model, '')
			 where ${span} group by 1, 2 order by 3 desc, 1 limit ${TOP + 1}`),
		// A user's own account, or a team pool they spent: both are that user's use.
		queryRows<CountedRow>(exec, sql`
			select u.id::text as key, u.name || ' (' || coalesce(u.email, u.external_id, 'no e-mail') || ')' as label,
			       sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations
			  from usage_daily d
			  join users u on u.id = nullif(d.actor_user_id, '')::uuid or (d.actor_user_id = '' and u.account_id = d.account_id)
			 where ${span} group by u.id order by 3 desc, 1 limit ${TOP + 1}`)
	]);
	const dayList = days.map((d) => d.day);
	const index = new Map(dayList.map((d, i) => [d, i]));
	const series = new Map<string, UsageSeries>();
	for (const r of split) {
		const s = series.get(r.key) ?? { key: r.key, label: r.label, tokens: 0, operations: 0, perDay: dayList.map(() => 0) };
		s.tokens += Number(r.tokens);
		s.operations += Number(r.operations);
		s.perDay[index.get(r.day)!]! += Number(r.tokens);
		series.set(r.key, s);
	}
	const whole = { tokens: days.reduce((n, d) => n + Number(d.tokens), 0), operations: days.reduce((n, d) => n + Number(d.operations), 0) };
	const top = (rows: CountedRow[], restLabel: (left: number | null) => string, counted = true) =>
		topWithRest(
			rows.map((r) => ({ key: r.key, label: r.label, tokens: Number(r.tokens), operations: Number(r.operations) })),
			TOP,
			restLabel,
			{ ...whole, keys: counted ? Number(rows[0]?.keys ?? 0) : undefined }
		);
	return {
		days: dayList,
		totals: days.map((d) => Number(d.tokens)),
		series: [...series.values()].sort((a, b) => b.tokens - a.tokens || a.key.localeCompare(b.key)),
		top: {
			features: top(features, (n) => `Other features (${n})`),
			models: top(models, (n) => `Other models (${n})`),
			// Guests, team pools spent without a user and other users: what the top users leave.
			users: top(users, () => 'Everyone else', false)
		}
	};
}
