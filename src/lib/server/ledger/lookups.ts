import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import type { LotSource } from './types';

/** A lot as a lookup by grant key answers it. */
export interface GrantedLot {
	id: string;
	accountId: string;
	source: LotSource;
	/** null = general tokens, usable by every model. */
	model: string | null;
	/** Tokens granted, and what is left of them (both 0 for an unlimited lot). */
	amount: number;
	remaining: number;
	unlimited: boolean;
	/** ISO timestamps; `expiresAt` null = never expires, `expiredAt` null = not ended (yet). */
	expiresAt: string | null;
	expiredAt: string | null;
	grantKey: string;
}

/**
 * The lots whose grant key starts with one of `keyPrefixes`, oldest first (by creation, then id).
 * The ledger reads a grant key as an opaque string: what a prefix means is the granting domain's
 * convention (the store's is `paddle:<transaction>:…`). No prefixes: no lots.
 */
export async function lotsByGrantKey(exec: Executor, keyPrefixes: string[]): Promise<GrantedLot[]> {
	if (!keyPrefixes.length) return [];
	const rows = await queryRows<{
		id: string; account_id: string; source: LotSource; model: string | null; amount: number; remaining: number; unlimited: boolean;
		expires_at: string | null; expired_at: string | null; grant_key: string;
	}>(exec, sql`
		select l.id, l.account_id, l.source, l.model, l.amount, l.remaining, l.unlimited, l.expires_at, l.expired_at, l.grant_key
		  from lots l
		 where exists (select 1 from jsonb_array_elements_text(${JSON.stringify(keyPrefixes)}::jsonb) p(prefix)
		                where starts_with(l.grant_key, p.prefix))
		 order by l.created_at, l.id`);
	const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());
	return rows.map((r) => ({
		id: r.id,
		accountId: r.account_id,
		source: r.source,
		model: r.model,
		amount: Number(r.amount),
		remaining: Number(r.remaining),
		unlimited: r.unlimited,
		expiresAt: iso(r.expires_at),
		expiredAt: iso(r.expired_at),
		grantKey: r.grant_key
	}));
}

/**
 * Which of `accountIds` were ever granted countable tokens (a lot that is not unlimited, spent and
 * expired lots included): "none yet" is not "none left". One read, any number of accounts.
 */
export async function everGrantedTokens(exec: Executor, accountIds: string[]): Promise<Set<string>> {
	if (!accountIds.length) return new Set();
	const rows = await queryRows<{ account_id: string }>(exec, sql`
		select a.id as account_id from unnest(${uuidArray(accountIds)}) as a(id)
		 where exists (select 1 from lots where account_id = a.id and not unlimited)`);
	return new Set(rows.map((r) => r.account_id));
}

/**
 * Tokens `userId` used of `accountId` since `since` (consumes, and settled holds they opened): a member's
 * use of a team's pool while they were in it; 0 when none. The days after the one of `since` (the site's
 * days) from the daily rollup; that day itself from its operations from `since` on, so a member who left
 * and joined again that day is not told of their use before.
 */
export async function usedByActorSince(exec: Executor, accountId: string, userId: string, since: Date): Promise<number> {
	const [row] = await queryRows<{ used: string | number }>(exec, sql`
		with s as (select time_zone, (${since.toISOString()}::timestamptz at time zone time_zone)::date as first_day from site_settings where id = 1)
		select (select coalesce(sum(d.tokens), 0) from usage_daily d, s
		         where d.account_id = ${accountId}::uuid and d.actor_user_id = ${userId} and d.day > s.first_day)
		     + (select coalesce(sum(o.cost), 0) from s, operations o
		          left join holds h on h.id = o.hold_id left join operations ho on ho.id = h.operation_id
		         where o.account_id = ${accountId}::uuid and o.status = 'ok' and o.kind in ('consume', 'settle')
		           and o.created_at >= ${since.toISOString()}::timestamptz
		           and o.created_at < ((s.first_day + 1)::timestamp at time zone s.time_zone)
		           and coalesce(o.actor_user_id, ho.actor_user_id) = ${userId}::uuid) as used`);
	return Number(row?.used ?? 0);
}

/**
 * Who made the use stored under an idempotency key (`scope`, `key`) on `accountId`: the person its
 * operation names (a team member a key named, or who used the app); null when none is stored there, or
 * it named no one. What a retry of that use is checked against (REST spender).
 */
export async function spenderOfKey(exec: Executor, accountId: string, scope: string, key: string): Promise<string | null> {
	const [row] = await queryRows<{ actor_user_id: string | null }>(
		exec,
		sql`select actor_user_id from operations where idem_scope = ${scope} and idem_key = ${key} and account_id = ${accountId}::uuid`
	);
	return row?.actor_user_id ?? null;
}
