import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { ACCOUNT_HOLDERS, ACCOUNT_NAME, siteRoleKeys } from '../accounts';
import { actorUsedSinceSql, capLeftOf, capsOnMemberSql, capsSetOn, lotsOf, poolUsedSinceSql, unlimitedLotsOf, siteMonthStart, siteToday, tightestCapSql, type CapLeft, type LotRow, type TightestRow } from '../ledger';
import { users } from '../db/schema';
import { offReasonForAdmins } from '../topup';
import { inArray } from 'drizzle-orm';

/** A lot as the detail page lists it (the ledger's `LotRow`). */
export type AccountLot = LotRow;

export interface AccountDetail {
	accountId: string;
	kind: 'user' | 'team' | 'guest';
	name: string;
	/** `emailConfirmed`: they opened a link mailed to `email` (nothing else is mailed to it before: mail/addresses.ts). */
	user: { id: string; email: string | null; emailConfirmed: boolean; externalId: string | null; siteRole: string; disabled: boolean } | null;
	teamId: string | null;
	joinedAt: string;
	/** Newest first: active lots and the ones that ended. */
	lots: AccountLot[];
	/** Its unlimited lots in force now, newest first (each with an End action on its page), however many lots it has. */
	unlimited: AccountLot[];
	caps: { memberUserId: string | null; memberName: string | null; period: string; limitTokens: number }[];
	/** A user's caps on their use of team pools (set by each team), with the team's account and name. */
	teamCaps: { accountId: string; teamName: string; period: string; limitTokens: number }[];
	/** A user's teams (the ones they are in now), by name: what the Team page says of them. */
	teams: UserTeam[];
	/** A team's members now, owners first then by name: what its Team page says of each. Empty for a user or guests. */
	members: TeamMember[];
	/**
	 * Tokens a user spent from team pools today and this month (the site's day and month), the teams
	 * they have left included: what the users list adds to their own use. Zeros for a team or guests.
	 */
	poolUse: { today: number; month: number };
	/** The account's auto top-up rule, when it has one; `offReason`: why it turned itself off, said to the admin about the account (offReasonForAdmins), null while on or turned off by its owner. */
	autoTopup: { enabled: boolean; belowTokens: number; productName: string; offReason: string | null } | null;
	/** The site's list of roles (accounts/roles.ts), for the role picker. */
	roles: string[];
}

/**
 * One team of a user as the console shows it: their role, what they spent from its pool today and
 * this month (the site's day and month: the Team page's "used today"), and the cap that limits their
 * use of the pool now (the Team page's: the tightest in force, the pool's or their own, with what was
 * used of it in its window; null with none).
 */
export interface UserTeam {
	teamId: string;
	accountId: string;
	name: string;
	role: string;
	usedToday: number;
	usedThisMonth: number;
	cap: CapLeft | null;
}

/**
 * One member of a team as the console's team page shows them: their user and account (their own
 * console page), name, e-mail and role, with what they spent from the pool and their cap there as
 * `UserTeam` says it.
 */
export interface TeamMember {
	userId: string;
	accountId: string;
	name: string;
	email: string | null;
	role: string;
	usedToday: number;
	usedThisMonth: number;
	cap: CapLeft | null;
}

export const DETAIL_LOTS = 200;

/**
 * One account as the admin's user detail page shows it. Errors: `not_found` for an unknown account.
 * Balances, allowances, the statement, purchases and keys come from the member queries the page also calls.
 */
export async function accountDetail(exec: Executor, accountId: string): Promise<AccountDetail> {
	const [a] = await queryRows<{
		id: string; kind: 'user' | 'team' | 'guest'; name: string; created_at: string; user_id: string | null; email: string | null; email_confirmed: boolean | null;
		external_id: string | null; site_role: string | null; disabled: boolean | null; team_id: string | null;
	}>(exec, sql`
		select a.id, a.kind, ${ACCOUNT_NAME} as name, a.created_at, u.id as user_id, u.email, u.email_confirmed_at is not null as email_confirmed, u.external_id, u.site_role,
		       u.disabled_at is not null as disabled, t.id as team_id
		  from accounts a ${ACCOUNT_HOLDERS}
		 where a.id = ${accountId}::uuid`);
	if (!a) throw new DomainError('not_found', 'No such account.');
	const [lots, unlimited, caps, roles, teamCaps, teams, members, autoTopup, poolUse] = await Promise.all([
		lotsOf(exec, accountId, DETAIL_LOTS),
		unlimitedLotsOf(exec, accountId),
		capsSetOn(exec, accountId),
		siteRoleKeys(exec),
		a.user_id ? teamCapsOn(exec, a.user_id) : [],
		a.user_id ? teamsOf(exec, a.user_id) : [],
		a.team_id ? membersOf(exec, a.team_id) : [],
		topupRuleOf(exec, accountId),
		a.user_id ? poolUseOf(exec, a.user_id) : { today: 0, month: 0 }
	]);
	const memberIds = caps.flatMap((c) => (c.memberUserId ? [c.memberUserId] : []));
	const names = new Map(
		memberIds.length ? (await exec.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, memberIds))).map((u) => [u.id, u.name]) : []
	);
	const when = (v: string | null) => (v === null ? null : new Date(v).toISOString());
	return {
		accountId: a.id,
		kind: a.kind,
		name: a.name,
		user: a.user_id ? { id: a.user_id, email: a.email, emailConfirmed: Boolean(a.email_confirmed), externalId: a.external_id, siteRole: a.site_role!, disabled: Boolean(a.disabled) } : null,
		teamId: a.team_id,
		joinedAt: when(a.created_at)!,
		lots,
		unlimited,
		caps: caps.map((c) => ({ ...c, memberName: c.memberUserId ? (names.get(c.memberUserId) ?? null) : null })),
		teamCaps,
		teams,
		members,
		poolUse,
		autoTopup,
		roles
	};
}

/** The caps teams set on the user's use of their pools, each with its team's name, in one read (the ledger's caps joined to the teams). */
async function teamCapsOn(exec: Executor, userId: string): Promise<AccountDetail['teamCaps']> {
	const rows = await queryRows<{ account_id: string; team_name: string | null; period: string; limit_tokens: number }>(exec, sql`
		select c.account_id, t.name as team_name, c.period, c.limit_tokens
		  from (${capsOnMemberSql(userId)}) c left join teams t on t.account_id = c.account_id
		 order by c.account_id, c.period_rank`);
	return rows.map((c) => ({ accountId: c.account_id, teamName: c.team_name ?? 'A team', period: c.period, limitTokens: Number(c.limit_tokens) }));
}

/**
 * Memberships of teams, the ones `where` picks (SQL on `m`, team_members), in one read: each with the
 * member's use of the pool today and this month (usage_daily by actor, the Team page's member figures)
 * and their tightest cap there (quota_tightest_cap, the one rule of which cap binds: the Team page's
 * and the playground's); by team name, then owners first and by member name.
 */
async function memberships(exec: Executor, where: SQL) {
	const rows = await queryRows<{
		team_id: string; team_account_id: string; team_name: string; user_id: string; user_account_id: string; user_name: string; email: string | null;
		role: string; used_today: number; used_month: number; cap: TightestRow['cap'];
	}>(exec, sql`
		select t.id as team_id, t.account_id as team_account_id, t.name as team_name, u.id as user_id, u.account_id as user_account_id, u.name as user_name, u.email, m.role,
		       ${actorUsedSinceSql(sql`t.account_id`, sql`m.user_id::text`, siteToday)} as used_today,
		       ${actorUsedSinceSql(sql`t.account_id`, sql`m.user_id::text`, siteMonthStart)} as used_month,
		       ${tightestCapSql(sql`a.id`, sql`a.kind`, sql`m.user_id`)} as cap
		  from team_members m join teams t on t.id = m.team_id join accounts a on a.id = t.account_id join users u on u.id = m.user_id
		 where ${where}
		 order by lower(t.name), t.id, m.role <> 'owner', lower(u.name), u.id`);
	return rows.map((r) => ({ ...r, usedToday: Number(r.used_today), usedThisMonth: Number(r.used_month), cap: r.cap ? capLeftOf(r.cap) : null }));
}

/** The teams the user is in, with their role, pool use and cap in each. */
async function teamsOf(exec: Executor, userId: string): Promise<UserTeam[]> {
	return (await memberships(exec, sql`m.user_id = ${userId}::uuid`)).map((r) => ({
		teamId: r.team_id,
		accountId: r.team_account_id,
		name: r.team_name,
		role: r.role,
		usedToday: r.usedToday,
		usedThisMonth: r.usedThisMonth,
		cap: r.cap
	}));
}

/** The members of the team, with their role, pool use and cap. */
async function membersOf(exec: Executor, teamId: string): Promise<TeamMember[]> {
	return (await memberships(exec, sql`m.team_id = ${teamId}::uuid`)).map((r) => ({
		userId: r.user_id,
		accountId: r.user_account_id,
		name: r.user_name,
		email: r.email,
		role: r.role,
		usedToday: r.usedToday,
		usedThisMonth: r.usedThisMonth,
		cap: r.cap
	}));
}

/** What the user spent from team pools today and this month, in or out of each team now (the ledger's pool use by actor). */
async function poolUseOf(exec: Executor, userId: string): Promise<AccountDetail['poolUse']> {
	const [r] = await queryRows<{ today: number; month: number }>(exec, sql`
		select ${poolUsedSinceSql(sql`${userId}`, siteToday)} as today, ${poolUsedSinceSql(sql`${userId}`, siteMonthStart)} as month`);
	return { today: Number(r?.today ?? 0), month: Number(r?.month ?? 0) };
}

/** The account's auto top-up rule with its package's name, or null without one. */
async function topupRuleOf(exec: Executor, accountId: string): Promise<AccountDetail['autoTopup']> {
	const [r] = await queryRows<{ enabled: boolean; below_tokens: number; product_name: string; off_reason: string | null }>(exec, sql`
		select r.enabled, r.below_tokens, p.name as product_name, r.off_reason
		  from topup_rules r join products p on p.id = r.product_id
		 where r.account_id = ${accountId}::uuid`);
	return r ? { enabled: r.enabled, belowTokens: Number(r.below_tokens), productName: r.product_name, offReason: r.off_reason && offReasonForAdmins(r.off_reason) } : null;
}
