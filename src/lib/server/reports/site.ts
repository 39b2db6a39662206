import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';

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
