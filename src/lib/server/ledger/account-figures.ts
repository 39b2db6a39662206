// The ledger's reads for the admin console's lists and exports. The users list shows a page's live
// balance and use in one SQL statement, so these figures come as SQL fragments that the admin's
// query composes; they name the ledger's tables here, and nowhere outside the ledger.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import type { LotSource } from './types';
import { endedBySomeone } from './lot-ended';

/** The site's time zone (SQL `text`, an IANA name). */
export const siteTimeZone = sql`(select time_zone from site_settings where id = 1)`;

/** The first day of the site's current month, in its time zone (SQL `date`). */
export const siteMonthStart = sql`(select (date_trunc('month', now() at time zone s.time_zone))::date from site_settings s where s.id = 1)`;

/** Today in the site's time zone (SQL `date`). */
export const siteToday = sql`(select (now() at time zone s.time_zone)::date from site_settings s where s.id = 1)`;

/**
 * `left join lateral … lb`: the account's active lots as `lb.balance` (spendable tokens, unlimited
 * lots excluded), `lb.general_balance` (of those, the general ones) and `lb.unlimited`. `accountId`
 * is the SQL of the outer query's account id column.
 */
export const lotFiguresJoin = (accountId: SQL) => sql`
	left join lateral (
	     select coalesce(sum(l.remaining) filter (where not l.unlimited), 0)::int8 as balance,
	            coalesce(sum(l.remaining) filter (where not l.unlimited and l.model is null), 0)::int8 as general_balance,
	            coalesce(bool_or(l.unlimited), false) as unlimited
	       from lots l where l.account_id = ${accountId} and (l.expires_at is null or l.expires_at > now())) lb on true`;

/** Tokens the account consumed since `since` (SQL `date`), from the daily rollup (`int8`). */
export const usedSinceSql = (accountId: SQL, since: SQL) =>
	sql`(select coalesce(sum(d.tokens), 0)::int8 from usage_daily d where d.account_id = ${accountId} and d.day >= ${since})`;

/** Tokens `actorUserId` (SQL `text`, a user id) consumed from the account since `since` (SQL `date`): a member's use of a team's pool (`int8`). */
export const actorUsedSinceSql = (accountId: SQL, actorUserId: SQL, since: SQL) =>
	sql`(select coalesce(sum(d.tokens), 0)::int8 from usage_daily d where d.account_id = ${accountId} and d.actor_user_id = ${actorUserId} and d.day >= ${since})`;

/**
 * The usage_daily rows of `actorUserId`'s (SQL `text`, a user id) own uses of team pools: every
 * pool they spent from, whether or not they are still in its team (leaving a team leaves what they
 * spent from its pool theirs). A person's own account is a `user` account, so it is never counted.
 * Read along usage_daily_actor_idx (0051): by actor, not through every pool's usage.
 */
const poolUseRows = (actorUserId: SQL) =>
	sql`from usage_daily d join accounts a on a.id = d.account_id and a.kind = 'team' where d.actor_user_id = ${actorUserId}`;

/** Tokens `actorUserId` (SQL `text`, a user id) consumed from any team pool since `since` (SQL `date`), in or out of its team now (`int8`). */
export const poolUsedSinceSql = (actorUserId: SQL, since: SQL) => sql`(select coalesce(sum(d.tokens), 0)::int8 ${poolUseRows(actorUserId)} and d.day >= ${since})`;

/** The last day `actorUserId` (SQL `text`, a user id) consumed from any team pool (SQL `date`, null when never). */
export const lastPoolUseDaySql = (actorUserId: SQL) => sql`(select max(d.day) ${poolUseRows(actorUserId)})`;

/**
 * The cap that binds `userId` on the account (SQL json as quota_tightest_cap gives it, or null;
 * see ledger/rates.ts `capLeftOf`): the one rule of which cap binds, as the Team page reads it.
 */
export const tightestCapSql = (accountId: SQL, accountKind: SQL, userId: SQL) =>
	sql`quota_tightest_cap(${accountId}, ${accountKind}, ${userId}, 0, (select s from site_settings s where s.id = 1), now())`;

/** The last day the account consumed anything (SQL `date`, null when never). */
export const lastActiveDaySql = (accountId: SQL) => sql`(select max(d.day) from usage_daily d where d.account_id = ${accountId})`;

export interface FeatureUse {
	/** The feature's key, and the name members' usage pages show for it (the key, for a feature since removed). */
	feature: string;
	name: string;
	tokens: number;
}

/** Tokens per account and feature since the first of the site's month, by the features' names. */
export async function featureUseThisMonth(exec: Executor, accountIds: string[]): Promise<Map<string, FeatureUse[]>> {
	const byAccount = new Map<string, FeatureUse[]>();
	if (!accountIds.length) return byAccount;
	const rows = await queryRows<{ account_id: string; feature: string; name: string; tokens: number }>(exec, sql`
		select d.account_id, d.feature, coalesce(f.name, d.feature) as name, sum(d.tokens)::int8 as tokens
		  from usage_daily d left join features f on f.key = d.feature
		 where d.account_id = any(${uuidArray(accountIds)}) and d.day >= ${siteMonthStart}
		 group by 1, 2, 3 order by 3, 2`);
	for (const r of rows) byAccount.set(r.account_id, [...(byAccount.get(r.account_id) ?? []), { feature: r.feature, name: r.name, tokens: Number(r.tokens) }]);
	return byAccount;
}

/**
 * Guests' use this month, all guests together as one read-only row (they are many and anonymous): how
 * many guest accounts used anything, their tokens, the last day (`YYYY-MM-DD`), and their tokens per
 * feature by the features' names, as an account's use is named (`featureUseThisMonth`). Null when no
 * guest used anything this month.
 */
export async function guestUseThisMonth(exec: Executor): Promise<{ guests: number; used: number; lastDay: string | null; byFeature: FeatureUse[] } | null> {
	const [total] = await queryRows<{ guests: number; used: number | null; last_day: string | null }>(exec, sql`
		select count(distinct d.account_id)::int as guests, sum(d.tokens)::int8 as used, to_char(max(d.day), 'YYYY-MM-DD') as last_day
		  from usage_daily d join accounts a on a.id = d.account_id and a.kind = 'guest'
		 where d.day >= ${siteMonthStart}`);
	if (!total || !Number(total.guests)) return null;
	const byFeature = await queryRows<{ feature: string; name: string; tokens: number }>(exec, sql`
		select d.feature, coalesce(f.name, d.feature) as name, sum(d.tokens)::int8 as tokens
		  from usage_daily d join accounts a on a.id = d.account_id and a.kind = 'guest'
		  left join features f on f.key = d.feature
		 where d.day >= ${siteMonthStart}
		 group by 1, 2 order by 2, 1`);
	return {
		guests: Number(total.guests),
		used: Number(total.used ?? 0),
		lastDay: total.last_day,
		byFeature: byFeature.map((r) => ({ feature: r.feature, name: r.name, tokens: Number(r.tokens) }))
	};
}

export interface LotRow {
	id: string;
	source: LotSource;
	/** null = general tokens, usable by every model. */
	model: string | null;
	amount: number;
	remaining: number;
	unlimited: boolean;
	/** ISO time, or null for no expiry. */
	expiresAt: string | null;
	/** Not past its expiry, and unlimited or with tokens left. */
	active: boolean;
	/** Someone ended it before its time (a site admin, a site key): quota_end_lot. */
	ended: boolean;
	/** Its expiry took tokens from it (recorded, or due: past its expiry with tokens left); false for a lot spent out before. */
	expired: boolean;
	note: string | null;
	createdAt: string;
}

/** The account's lots, newest first, at most `limit`: active ones and those that ended. */
export function lotsOf(exec: Executor, accountId: string, limit: number): Promise<LotRow[]> {
	return lotRows(exec, accountId, sql``, limit);
}

/** The account's unlimited lots in force now (not ended, not past their expiry), newest first, however many lots it has. */
export function unlimitedLotsOf(exec: Executor, accountId: string): Promise<LotRow[]> {
	return lotRows(exec, accountId, sql`and unlimited and (expires_at is null or expires_at > now())`, 1000);
}

/**
 * The statement behind `lotsOf` and `unlimitedLotsOf`: `only` narrows the account's lots. Whether a lot
 * ended or expired reads its expiry entries by entries_lot_expire_idx, never the uses it paid for.
 */
export const lotRowsSql = (accountId: string, only: SQL, limit: number) => sql`
		select id, source, model, amount, remaining, unlimited, expires_at, note, created_at,
		       (expires_at is null or expires_at > now()) and (unlimited or remaining > 0) as active,
		       expired_at is not null and ${endedBySomeone(sql`lots.id`)} as ended,
		       not unlimited and ((expires_at <= now() and remaining > 0)
		         or exists (select 1 from entries e where e.lot_id = lots.id and e.kind = 'expire' and e.amount < 0)) as expired
		  from lots where account_id = ${accountId}::uuid ${only}
		 order by created_at desc, id desc limit ${limit}`;

async function lotRows(exec: Executor, accountId: string, only: SQL, limit: number): Promise<LotRow[]> {
	const rows = await queryRows<{ id: string; source: LotSource; model: string | null; amount: number; remaining: number; unlimited: boolean; expires_at: string | null; active: boolean; ended: boolean; expired: boolean; note: string | null; created_at: string }>(exec, lotRowsSql(accountId, only, limit));
	const when = (v: string | null) => (v === null ? null : new Date(v).toISOString());
	return rows.map((l) => ({
		id: l.id,
		source: l.source,
		model: l.model,
		amount: Number(l.amount),
		remaining: Number(l.remaining),
		unlimited: l.unlimited,
		expiresAt: when(l.expires_at),
		active: l.active,
		ended: l.ended,
		expired: l.expired,
		note: l.note,
		createdAt: when(l.created_at)!
	}));
}

/** The caps set on the account (the pool's and each member's; blank or negative limits left out), in member, period order. */
export async function capsSetOn(exec: Executor, accountId: string): Promise<{ memberUserId: string | null; period: string; limitTokens: number }[]> {
	const rows = await queryRows<{ member_user_id: string | null; period: string; limit_tokens: number }>(exec, sql`
		select member_user_id, period, limit_tokens from caps
		 where account_id = ${accountId}::uuid and limit_tokens is not null and limit_tokens >= 0
		 order by member_user_id nulls first, period`);
	return rows.map((c) => ({ memberUserId: c.member_user_id, period: c.period, limitTokens: Number(c.limit_tokens) }));
}

/**
 * The caps set on a user's use of other accounts' pools (a team member's own), as SQL rows
 * (`account_id`, `period`, `limit_tokens`, and `period_rank`: 1 daily, 2 weekly, 3 monthly) for a
 * caller's query to join to what it knows of those accounts (the admin's, to the teams' names).
 */
export const capsOnMemberSql = (userId: string) => sql`
	select account_id, period, limit_tokens, array_position(array['daily', 'weekly', 'monthly'], period) as period_rank from caps
	 where member_user_id = ${userId}::uuid and limit_tokens is not null and limit_tokens >= 0`;

/** How many free allowance rules give this role something (a role still named by one cannot be removed; an ended one gives nothing). */
export async function allowanceRulesForRole(exec: Executor, role: string): Promise<number> {
	const [row] = await queryRows<{ n: number }>(exec, sql`select count(*)::int as n from allowance_rules where role = ${role} and ended_at is null`);
	return Number(row?.n ?? 0);
}
