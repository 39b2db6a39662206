import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { siteRoleKeys } from '../accounts';

export interface AccountLot {
	id: string;
	source: string;
	/** null = general tokens, usable by every model. */
	model: string | null;
	amount: number;
	remaining: number;
	unlimited: boolean;
	expiresAt: string | null;
	/** Past its expiry (what was left is lost), or used up. */
	active: boolean;
	note: string | null;
	createdAt: string;
}

export interface AccountDetail {
	accountId: string;
	kind: 'user' | 'team' | 'guest';
	name: string;
	user: { id: string; email: string | null; externalId: string | null; siteRole: string; disabled: boolean } | null;
	teamId: string | null;
	joinedAt: string;
	/** Newest first: active lots and the ones that ended. */
	lots: AccountLot[];
	caps: { memberUserId: string | null; memberName: string | null; period: string; limitTokens: number | null }[];
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
	const [lots, caps, roles] = await Promise.all([
		queryRows<{ id: string; source: string; model: string | null; amount: number; remaining: number; unlimited: boolean; expires_at: string | null; active: boolean; note: string | null; created_at: string }>(exec, sql`
			select id, source, model, amount, remaining, unlimited, expires_at, note, created_at,
			       (expires_at is null or expires_at > now()) and (unlimited or remaining > 0) as active
			  from lots where account_id = ${accountId}::uuid
			 order by created_at desc, id desc limit ${DETAIL_LOTS}`),
		queryRows<{ member_user_id: string | null; member_name: string | null; period: string; limit_tokens: number | null }>(exec, sql`
			select c.member_user_id, u.name as member_name, c.period, c.limit_tokens
			  from caps c left join users u on u.id = c.member_user_id
			 where c.account_id = ${accountId}::uuid and c.limit_tokens is not null and c.limit_tokens >= 0
			 order by c.member_user_id nulls first, c.period`),
		siteRoleKeys(exec)
	]);
	const when = (v: string | null) => (v === null ? null : new Date(v).toISOString());
	return {
		accountId: a.id,
		kind: a.kind,
		name: a.name,
		user: a.user_id ? { id: a.user_id, email: a.email, externalId: a.external_id, siteRole: a.site_role!, disabled: Boolean(a.disabled) } : null,
		teamId: a.team_id,
		joinedAt: when(a.created_at)!,
		lots: lots.map((l) => ({
			id: l.id,
			source: l.source,
			model: l.model,
			amount: Number(l.amount),
			remaining: Number(l.remaining),
			unlimited: l.unlimited,
			expiresAt: when(l.expires_at),
			active: l.active,
			note: l.note,
			createdAt: when(l.created_at)!
		})),
		caps: caps.map((c) => ({ memberUserId: c.member_user_id, memberName: c.member_name, period: c.period, limitTokens: c.limit_tokens === null ? null : Number(c.limit_tokens) })),
		roles
	};
}
