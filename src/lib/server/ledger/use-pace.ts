import { sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { read, readOne, type Read } from '../db/reads';

/**
 * The baseline of the anomaly flags and of the dashboard's forecast (issue 17.5): what an account
 * (or one of its API keys) spent in the same hour of each of the last 7 days, averaged (÷ 7).
 * The flags take the hours by age, [d days, d days + 1 hour) for d = 1…7 (`recentPace`); the
 * forecast takes whole clock hours, which a rollup can hold (`hourlyBaseline`). Refused
 * operations spend nothing and count apart.
 */
const BASELINE_DAYS = 7;

/** Consumes and settles that spent (the usage history's rows). */
const spent = sql`o.status = 'ok' and o.kind in ('consume', 'settle')`;

/** One account's, or one of its keys', recent use against its baseline. */
export interface UsePace {
	accountId: string;
	/** null: the whole account; set: what this key did on the account. */
	keyId: string | null;
	/** Tokens spent in the last 60 minutes. */
	lastHour: number;
	/** Tokens spent in the same hour of the last 7 days, on average (see above). */
	baseline: number;
	/** Whether it spent anything before the last 24 hours (no history: no baseline to speak of). */
	hasHistory: boolean;
	/** Refused operations in the last 10 minutes. */
	refusals: number;
	/** Operations (spent or refused) in the last 10 minutes. */
	operations: number;
	/** The modules of the features it spent on in the last hour (their free allowances are what that use can draw on). */
	modules: string[];
}

/**
 * The pace of every account, and of every API key on each account, that did something in the
 * last hour, as of `now` (default the database's). Accounts idle for an hour are not listed.
 * `now` is a JS time (milliseconds) and operations carry microseconds: "up to now" takes the whole
 * of its millisecond, so an operation committed just before the check is never left out.
 */
export async function recentPace(exec: Executor, now?: Date): Promise<UsePace[]> {
	const at = sql`coalesce(${now?.toISOString() ?? null}::timestamptz, now())`;
	const rows = await queryRows<{
		account_id: string; key_id: string | null; whole: boolean; last_hour: string; refusals: string; operations: string; baseline: string | null; has_history: boolean; modules: string[];
	}>(exec, sql`
		with recent as (
			select o.account_id, o.actor_key_id as key_id, grouping(o.actor_key_id) = 1 as whole,
			       coalesce(sum(o.cost) filter (where ${spent}), 0) as last_hour,
			       count(*) filter (where o.status = 'refused' and o.created_at > ${at} - interval '10 minutes') as refusals,
			       count(*) filter (where o.created_at > ${at} - interval '10 minutes' and o.kind in ('consume', 'hold', 'settle')) as operations,
			       coalesce(to_jsonb(array_agg(distinct f.module) filter (where ${spent} and f.module is not null)), '[]') as modules
			  from operations o left join features f on f.key = o.feature
			 where o.created_at > ${at} - interval '1 hour' and o.created_at < ${at} + interval '1 millisecond' and o.kind in ('consume', 'hold', 'settle')
			 group by grouping sets ((o.account_id), (o.account_id, o.actor_key_id))
		)
		select r.account_id, r.key_id, r.whole, r.last_hour, r.refusals, r.operations, r.modules,
		       b.baseline, coalesce(b.has_history, false) as has_history
		  from recent r
		  left join lateral (
			select sum(o.cost) filter (where mod(extract(epoch from ${at} - o.created_at)::numeric, 86400) < 3600) / ${BASELINE_DAYS} as baseline,
			       count(*) > 0 as has_history
			  from operations o
			 where o.account_id = r.account_id and ${spent}
			   and (r.whole or o.actor_key_id = r.key_id)
			   and o.created_at <= ${at} - interval '1 day' and o.created_at > ${at} - make_interval(days => ${BASELINE_DAYS}, hours => 1)
		  ) b on true
		 where r.whole or r.key_id is not null`);
	return rows.map((r) => ({
		accountId: r.account_id,
		keyId: r.whole ? null : r.key_id,
		lastHour: Number(r.last_hour),
		baseline: Number(r.baseline ?? 0),
		hasHistory: r.has_history,
		refusals: Number(r.refusals),
		operations: Number(r.operations),
		modules: r.modules
	}));
}

/** UTC clock hours, as the figures refresh bins usage_hourly (drizzle/functions/figures.sql). */
const hourOf = (t: SQL) => sql`date_bin('1 hour', ${t}, timestamptz '2000-01-01 00:00:00+00')`;

/**
 * An account's baseline for each of the next 24 hours (tokens per hour, the current clock hour
 * first): hour h is what it spent, on average over the 7 days of whole clock hours before the
 * current one, in the clock hour h hours after the current one's time of day. The dashboard's
 * forecast walks these until the available tokens are used up. Read from the hourly rollup the
 * figures refresh keeps (usage_hourly: every spend stamped before its cursor) and the account's
 * operations since that cursor, so a week of a busy account costs 168 rows, not its operations.
 */
export function hourlyBaseline(exec: Executor, accountIds: string[], now?: Date): Promise<Map<string, number[]>> {
	return readOne(exec, hourlyBaselineRead(accountIds, now));
}

/** The read behind `hourlyBaseline`. */
export function hourlyBaselineRead(accountIds: string[], now?: Date): Read<Map<string, number[]>> {
	const at = sql`coalesce(${now?.toISOString() ?? null}::timestamptz, now())`;
	return read(
		sql`
			with b as (
				select ${hourOf(at)} as h0,
				       coalesce((select cursor from account_figures_refresh where id = 1), '-infinity'::timestamptz) as covered
			),
			spent as (
				select u.account_id, u.hour, u.tokens from usage_hourly u, b
				 where u.account_id = any(${uuidArray(accountIds)}) and u.hour >= b.h0 - interval '7 days' and u.hour < b.h0
				union all
				select o.account_id, ${hourOf(sql`o.created_at`)}, o.cost from operations o, b
				 where o.account_id = any(${uuidArray(accountIds)}) and ${spent}
				   and o.created_at >= greatest(b.h0 - interval '7 days', b.covered) and o.created_at < b.h0
			)
			select s.account_id, mod(168 + (extract(epoch from s.hour - b.h0) / 3600)::int4, 24) as hour, sum(s.tokens) / ${BASELINE_DAYS} as tokens
			  from spent s, b
			 group by 1, 2`,
		(rows: { account_id: string; hour: number; tokens: string | number }[]) => {
			const out = new Map(accountIds.map((id) => [id, Array<number>(24).fill(0)]));
			for (const r of rows) out.get(r.account_id)![Number(r.hour)] = Number(r.tokens);
			return out;
		}
	);
}

/**
 * Tokens the account's open holds took from its allowance windows that started at or after `since`
 * (and before `until`, when given): an int8 scalar. A window's `used` counts them, but a hold is no
 * use until it settles (the pace counts consumes and settles), so the two reads below take them off:
 * else a hold open made the allowances look as if they paid more, and the balance last longer.
 */
const heldInWindows = (accountId: string, since: SQL, until?: SQL): SQL => sql`(
	select coalesce(-sum(e.amount), 0)::int8 from holds h
	  join entries e on e.operation_id = h.operation_id
	  join allowance_windows w on w.id = e.window_id
	 where h.account_id = ${accountId}::uuid and h.status = 'open' and w.window_start >= ${since}${until ? sql` and w.window_start < ${until}` : sql``})`;

/**
 * Tokens a day that an account's free allowances paid, on average over the baseline's 7 days: what
 * its windows that started in those days used (less what open holds took: `heldInWindows`), ÷ 7. The forecast takes it off the baseline's day,
 * since allowances renew and only the rest draws on the balance. Windows are whole periods, so a
 * week's or month's window that started before the 7 days is not counted (the forecast errs short).
 */
export function freeUsePerDayRead(accountId: string): Read<number> {
	return read(
		sql`select (coalesce(sum(w.used), 0) - ${heldInWindows(accountId, sql`${hourOf(sql`now()`)} - make_interval(days => ${BASELINE_DAYS})`, hourOf(sql`now()`))}) / ${BASELINE_DAYS} as tokens
		      from allowance_windows w
		     where w.account_id = ${accountId}::uuid and w.window_start >= ${hourOf(sql`now()`)} - make_interval(days => ${BASELINE_DAYS})
		       and w.window_start < ${hourOf(sql`now()`)}`,
		(rows: { tokens: string | number }[]) => Number(rows[0]?.tokens ?? 0)
	);
}

/**
 * Tokens a day that an account's balance paid for its use, on average over the last 7 days up to now:
 * what it spent (consumes and settles, as the pace baseline counts them, the hour under way too) less
 * what its free allowances' windows that started in those days paid (today's too; open holds' tokens are no use yet), ÷ 7.
 * Once a free allowance is used up, the use it would have paid draws on the balance, which the
 * allowances' usual day cannot show (a user who spent his chat allowance through the API and then drew
 * on his 501 tokens was told nothing runs out); the forecast draws the balance at no less than this.
 * Read from the hourly rollup and the operations since its last refresh, so a million operations cost
 * what a thousand do (bench:dashboard): a sum over the week's operations' entries took 416 ms there.
 */
export function lotUsePerDayRead(accountId: string): Read<number> {
	return read(
		sql`with b as (
				select ${hourOf(sql`now()`)} as h0,
				       coalesce((select cursor from account_figures_refresh where id = 1), '-infinity'::timestamptz) as covered
			)
			select greatest(
			         (select coalesce(sum(u.tokens), 0) from usage_hourly u, b where u.account_id = ${accountId}::uuid and u.hour >= b.h0 - interval '7 days')
			       + (select coalesce(sum(o.cost), 0) from operations o, b where o.account_id = ${accountId}::uuid and ${spent}
			            and o.created_at >= greatest(b.h0 - interval '7 days', b.covered))
			       - (select coalesce(sum(w.used), 0) from allowance_windows w, b where w.account_id = ${accountId}::uuid
			            and w.window_start >= b.h0 - make_interval(days => ${BASELINE_DAYS}))
			       + ${heldInWindows(accountId, sql`${hourOf(sql`now()`)} - make_interval(days => ${BASELINE_DAYS})`)},
			         0) / ${BASELINE_DAYS} as tokens`,
		(rows: { tokens: string | number }[]) => Number(rows[0]?.tokens ?? 0)
	);
}
