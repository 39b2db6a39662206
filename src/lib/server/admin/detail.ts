import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { siteRoleKeys } from '../accounts';
import { capsOnMemberSql, capsSetOn, lotsOf, type LotRow } from '../ledger';
import { users } from '../db/schema';
import { inArray } from 'drizzle-orm';

/** A lot as the detail page lists it (the ledger's `LotRow`). */
export type AccountLot = LotRow;

export interface AccountDetail {
	accountId: string;
	kind: 'user' | 'team' | 'guest';
	name: string;
	user: { id: string; email: string | null; externalId: string | null; siteRole: string; disabled: boolean } | null;
	teamId: string | null;
	joinedAt: string;
	/** Newest first: active lots and the ones that ended. */
	lots: AccountLot[];
	caps: { memberUserId: string | null; memberName: string | null; period: string; limitTokens: number }[];
	/** A user's caps on their use of team pools (set by each team), with the team's account and name. */
	teamCaps: { accountId: string; teamName: string; period: string; limitTokens: number }[];
	/** The site's list of roles (accounts/roles.ts), for the role picker. */
	roles: string[];
}

export const DETAIL_LOTS = 200;

/**
 * One account as the admin's user detail page shows it. Errors: `not_found` for an unknown account.
 * Balances, allowances, the statement, purchases and keys come from the member queries the page also calls.
 */
export async function accountDetail(exec: Executor, accountId: string): Promise<AccountDetail> {
	const [a] = await queryRows<{
		id: string; kind: 'user' | 'team' | 'guest'; name: string; created_at: string; user_id: string | null; email: string | null;
		external_id: string | null; site_role: string | null; disabled: boolean | null; team_id: string | null;
	}>(exec, sql`
		select a.id, a.kind, coalesce(u.name, t.name, a.name) as name, a.created_at, u.id as user_id, u.email, u.external_id, u.site_role,
		       u.disabled_at is not null as disabled, t.id as team_id
		  from accounts a left join users u on u.account_id = a.id left join teams t on t.account_id = a.id
		 where a.id = ${accountId}::uuid`);
	if (!a) throw new DomainError('not_found', 'No such account.');
	const [lots, caps, roles, teamCaps] = await Promise.all([
		lotsOf(exec, accountId, DETAIL_LOTS),
		capsSetOn(exec, accountId),
		siteRoleKeys(exec),
		a.user_id ? teamCapsOn(exec, a.user_id) : []
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
		user: a.user_id ? { id: a.user_id, email: a.email, externalId: a.external_id, siteRole: a.site_role!, disabled: Boolean(a.disabled) } : null,
		teamId: a.team_id,
		joinedAt: when(a.created_at)!,
		lots,
		caps: caps.map((c) => ({ ...c, memberName: c.memberUserId ? (names.get(c.memberUserId) ?? null) : null })),
		teamCaps,
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
