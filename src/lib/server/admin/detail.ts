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

export interface AccountOperation {
	id: string;
	kind: string;
	feature: string | null;
	model: string | null;
	/** Tokens the operation added to (+) or took from (−) the account's lots, and its allowance windows. */
	lotChange: number;
	allowanceChange: number;
	/** Spendable lot balance after it (unlimited lots excluded); null where the ledger did not record one. */
	balanceAfter: number | null;
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
	/** The newest operations with their effect on the balance. */
	operations: AccountOperation[];
	/** The site's list of roles (accounts/roles.ts), for the role picker. */
	roles: string[];
}

export const DETAIL_LOTS = 200;
export const DETAIL_OPERATIONS = 50;

/**
 * One account as the admin's user detail page shows it. Errors: `not_found` for an unknown account.
 * Balances, allowances, purchases and keys come from the member queries the page also calls.
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
	const [lots, caps, operations, roles] = await Promise.all([
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
		queryRows<{ id: string; kind: string; feature: string | null; model: string | null; lot_change: number; allowance_change: number; balance_after: number | null; created_at: string }>(exec, sql`
			select o.id, o.kind, o.feature, o.model, o.balance_after, o.created_at,
			       -- A grant is its lot's amount (no entry); every later change to a lot is an entry.
			       ((select coalesce(sum(l.amount), 0) from lots l where l.account_id = o.account_id and l.operation_id = o.id and not l.unlimited)
			        + (select coalesce(sum(e.amount), 0) from entries e where e.operation_id = o.id and e.lot_id is not null))::int8 as lot_change,
			       (select coalesce(sum(e.amount), 0)::int8 from entries e where e.operation_id = o.id and e.window_id is not null) as allowance_change
			  from operations o
			 where o.account_id = ${accountId}::uuid and o.status = 'ok'
			 order by o.created_at desc, o.id desc limit ${DETAIL_OPERATIONS}`),
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
		operations: operations.map((o) => ({
			id: o.id,
			kind: o.kind,
			feature: o.feature,
			model: o.model,
			lotChange: Number(o.lot_change),
			allowanceChange: Number(o.allowance_change),
			balanceAfter: o.balance_after === null ? null : Number(o.balance_after),
			createdAt: when(o.created_at)!
		})),
		roles
	};
}
