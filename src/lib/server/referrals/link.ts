import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { config } from '../config';
import { referralRules, type ReferralSettings } from './settings';
import type { RefusalReason } from './record';

/** Crockford's base32 without look-alikes (no I, L, O, U): easy to read aloud and type. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new code: 10 characters, 50 random bits (a guessed code is worth at most a refused referral). */
function newCode(): string {
	return [...randomBytes(10)].map((b) => ALPHABET[b & 31]).join('');
}

/** A referral as its referrer sees it: who joined (first name only), when, and what came of it. */
export interface ReferralView {
	name: string;
	joinedAt: string;
	status: 'pending' | 'granted' | 'refused';
	reason: RefusalReason | null;
}

export interface ReferralPanel {
	/** The site's rules (the panel is hidden when they are off). */
	rules: ReferralSettings;
	/** The member's link (null when referrals are off: none is made). */
	link: string | null;
	/** Their most recent referrals, newest first (at most 50), and how many were rewarded in all. */
	referrals: ReferralView[];
	rewarded: number;
}

/** The member's code, made once (concurrent first asks agree on one). */
async function codeOf(exec: Executor, userId: string): Promise<string> {
	const [row] = await queryRows<{ code: string }>(exec, sql`
		with made as (insert into referral_codes (user_id, code) values (${userId}::uuid, ${newCode()}) on conflict (user_id) do nothing returning code)
		select code from made union all select code from referral_codes where user_id = ${userId}::uuid`);
	return row!.code;
}

/** What the member's referral panel shows: the rules, their link (`<ORIGIN>/signup?ref=CODE`), their referrals. */
export async function referralPanel(exec: Executor, userId: string): Promise<ReferralPanel> {
	const rules = await referralRules(exec);
	if (!rules.enabled) return { rules, link: null, referrals: [], rewarded: 0 };
	const [code, rows, [count]] = await Promise.all([
		codeOf(exec, userId),
		queryRows<{ name: string; created_at: string; status: ReferralView['status']; reason: RefusalReason | null }>(exec, sql`
			select split_part(u.name, ' ', 1) as name, r.created_at, r.status, r.reason
			  from referrals r join users u on u.id = r.referred_user_id
			 where r.referrer_user_id = ${userId}::uuid order by r.created_at desc limit 50`),
		queryRows<{ n: number }>(exec, sql`select count(*)::int4 as n from referrals where referrer_user_id = ${userId}::uuid and status = 'granted'`)
	]);
	return {
		rules,
		link: `${config().ORIGIN}/signup?ref=${code}`,
		referrals: rows.map((r) => ({ name: r.name, joinedAt: new Date(r.created_at).toISOString(), status: r.status, reason: r.reason })),
		rewarded: Number(count?.n ?? 0)
	};
}

/** For the sign-up page: whose link this is (first name) and what the newcomer gets; null when referrals are off or the code is unknown. */
export async function invitation(exec: Executor, code: string): Promise<{ referrerName: string; tokens: number; afterPurchase: boolean } | null> {
	if (!/^[0-9A-Za-z]{4,32}$/.test(code)) return null;
	const rules = await referralRules(exec);
	if (!rules.enabled) return null;
	const [row] = await queryRows<{ name: string }>(exec, sql`
		select split_part(u.name, ' ', 1) as name from referral_codes c join users u on u.id = c.user_id where c.code = ${code.toUpperCase()} and u.disabled_at is null`);
	return row ? { referrerName: row.name, tokens: rules.referredTokens, afterPurchase: rules.requirePurchase } : null;
}
