import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';

/** Tokens consumed and operations counted (consumes and settlements). */
export interface UsageTotals {
	tokens: number;
	operations: number;
}

/** Site-wide use (every account) over a range of site-local days, from the daily rollup. */
export interface SiteUsage {
	/** Every day of the range, oldest first, zeros included; `day` is YYYY-MM-DD. */
	days: (UsageTotals & { day: string })[];
	/** Per module (a feature that no longer exists counts under its own key), biggest first. */
	byModule: (UsageTotals & { module: string })[];
}

/**
 * `SiteUsage` from `from` to `to` (YYYY-MM-DD site-local days, both included). The caller checks
 * the range (reports/site.ts); an invalid date is Postgres's error.
 */
export async function siteUsage(exec: Executor, range: { from: string; to: string }): Promise<SiteUsage> {
	const [days, byModule] = await Promise.all([
		queryRows<{ day: string; tokens: number; operations: number }>(exec, sql`
			select to_char(g.day, 'YYYY-MM-DD') as day, coalesce(sum(d.tokens), 0)::int8 as tokens, coalesce(sum(d.operations), 0)::int8 as operations
			  from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') g(day)
			  left join usage_daily d on d.day = g.day::date
			 group by g.day order by g.day`),
		queryRows<{ module: string; tokens: number; operations: number }>(exec, sql`
			select coalesce(f.module, d.feature) as module, sum(d.tokens)::int8 as tokens, sum(d.operations)::int8 as operations
			  from usage_daily d left join features f on f.key = d.feature
			 where d.day between ${range.from}::date and ${range.to}::date
			 group by 1 order by 2 desc, 1`)
	]);
	const totals = <T extends UsageTotals>(r: T): T => ({ ...r, tokens: Number(r.tokens), operations: Number(r.operations) });
	return { days: days.map(totals), byModule: byModule.map(totals) };
}
