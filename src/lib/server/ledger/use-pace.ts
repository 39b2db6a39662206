import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';

/**
 * The baseline the anomaly flags and the dashboard's forecast share (issue 17.5): what an account
 * (or one of its API keys) spent in the same clock hour of each of the last 7 days, averaged —
 * the tokens of consumes and settles whose age is in [d days, d days + 1 hour) for d = 1…7,
 * divided by 7. Refused operations spend nothing and count apart.
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
}

/**
 * The pace of every account, and of every API key on each account, that did something in the
 * last hour, as of `now` (default the database's). Accounts idle for an hour are not listed.
 */
export async function recentPace(exec: Executor, now?: Date): Promise<UsePace[]> {
	const at = sql`coalesce(${now?.toISOString() ?? null}::timestamptz, now())`;
	const rows = await queryRows<{
		account_id: string; key_id: string | null; whole: boolean; last_hour: string; refusals: string; operations: string; baseline: string | null; has_history: boolean;
	}>(exec, sql`
		with recent as (
			select o.account_id, o.actor_key_id as key_id, grouping(o.actor_key_id) = 1 as whole,
			       coalesce(sum(o.cost) filter (where ${spent}), 0) as last_hour,
			       count(*) filter (where o.status = 'refused' and o.created_at > ${at} - interval '10 minutes') as refusals,
			       count(*) filter (where o.created_at > ${at} - interval '10 minutes' and o.kind in ('consume', 'hold', 'settle')) as operations
			  from operations o
			 where o.created_at > ${at} - interval '1 hour' and o.created_at <= ${at} and o.kind in ('consume', 'hold', 'settle')
			 group by grouping sets ((o.account_id), (o.account_id, o.actor_key_id))
		)
		select r.account_id, r.key_id, r.whole, r.last_hour, r.refusals, r.operations,
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
		operations: Number(r.operations)
	}));
}

/**
 * An account's baseline for each of the next 24 hours (tokens per hour, from the hour starting now):
 * hour h is what it spent, on average over the last 7 days, in the hour that started h hours after
 * this time of day. The dashboard's forecast walks these until the available tokens are used up.
 */
export async function hourlyBaseline(exec: Executor, accountIds: string[], now?: Date): Promise<Map<string, number[]>> {
	const at = sql`coalesce(${now?.toISOString() ?? null}::timestamptz, now())`;
	const rows = accountIds.length
		? await queryRows<{ account_id: string; hour: number; tokens: string }>(exec, sql`
			select o.account_id, floor(mod(86400 - mod(extract(epoch from ${at} - o.created_at)::numeric, 86400), 86400) / 3600)::int4 as hour,
			       sum(o.cost) / ${BASELINE_DAYS} as tokens
			  from operations o
			 where o.account_id = any(${uuidArray(accountIds)}) and ${spent}
			   and o.created_at <= ${at} and o.created_at > ${at} - make_interval(days => ${BASELINE_DAYS})
			 group by 1, 2`)
		: [];
	const out = new Map(accountIds.map((id) => [id, Array<number>(24).fill(0)]));
	for (const r of rows) out.get(r.account_id)![Number(r.hour)] = Number(r.tokens);
	return out;
}
