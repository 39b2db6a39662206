// What a new sign-up gets free, for the sign-up page's promise: the allowance rules the ledger would
// pick for a new member (quota_allowance_rule: role > all users), so the page never promises what the
// site does not give.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import type { Period } from './types';

/** One module's free allowance for a newcomer: tokens per period, or null for unlimited. */
export interface NewcomerAllowance {
	module: string;
	/** The module's name as the site calls it ("Chatbot"). */
	name: string;
	/** Free tokens per period; null = unlimited. Never 0 (a disabled module is left out). */
	tokens: number | null;
	period: Period;
}

/**
 * The free allowances a member who signs up now would get, one per module that gives any, in module
 * key order. `role` is the role a sign-up gets (users.ts: `subscriber`). A per-member rule cannot
 * exist for someone who has no account yet, so only the role's and the all-users rules count.
 */
export async function newcomerAllowances(exec: Executor, role: string): Promise<NewcomerAllowance[]> {
	const rows = await queryRows<{ module: string; name: string; limit_tokens: string | null; period: Period }>(
		exec,
		sql`select m.key as module, m.name, r.limit_tokens, r.period
			from modules m
			join lateral (
				select limit_tokens, period, ended_at from allowance_rules
				where module = m.key and (audience = 'user' or (audience = 'role' and role = ${role}))
				order by case audience when 'role' then 0 else 1 end
				limit 1
			) r on true
			where r.ended_at is null and (r.limit_tokens is null or r.limit_tokens > 0)
			order by m.key`
	);
	return rows.map((r) => ({ module: r.module, name: r.name, tokens: r.limit_tokens === null ? null : Number(r.limit_tokens), period: r.period }));
}
