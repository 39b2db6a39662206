import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { grant } from '../ledger';
import { mailboxSql } from './email';
import { referralRules, type ReferralSettings } from './settings';

/** Why a referral got no bonus (kept on the referral; the referrer sees it in words). */
export type RefusalReason = 'same_email' | 'same_payment_customer' | 'daily_limit' | 'address_limit';

/** Separates these advisory locks from other users of pg_advisory_xact_lock(int, int). */
const REFERRER_LOCK_CLASS = 7243017;

export interface NewMember {
	id: string;
	accountId: string;
	email: string | null;
	name: string;
}

export type ReferralOutcome = { status: 'granted' | 'pending' } | { status: 'refused'; reason: RefusalReason };

interface Referrer {
	user_id: string;
	account_id: string;
	name: string;
}

/**
 * Records that `member` signed up through the referral link `code`, in the sign-up's transaction.
 * Nothing happens (null) when referrals are off, the code is unknown, or its member is disabled.
 * Otherwise one referral per new account (unique), refused when the new member's mailbox (see
 * email.ts) is the referrer's or any other member's, or when the referrer (or the sign-up's network
 * address) already had `dailyLimit` referrals in 24 hours; referrals of one referrer are decided one
 * at a time (advisory lock), so the limit holds under concurrent sign-ups. Without `requirePurchase`
 * both bonuses are granted at once; with it the referral waits for `settleOnPurchase`.
 */
export async function recordReferral(tx: Executor, code: string, member: NewMember, ip: string | null): Promise<ReferralOutcome | null> {
	const rules = await referralRules(tx);
	if (!rules.enabled) return null;
	const [referrer] = await queryRows<Referrer>(tx, sql`
		select u.id as user_id, u.account_id, u.name from referral_codes c join users u on u.id = c.user_id
		 where c.code = ${code.trim().toUpperCase()} and u.disabled_at is null and u.id <> ${member.id}::uuid`);
	if (!referrer) return null;
	await tx.execute(sql`select pg_advisory_xact_lock(${REFERRER_LOCK_CLASS}, hashtext(${referrer.user_id}))`);
	const reason = await signUpRefusal(tx, referrer, member, ip, rules);
	const status = reason ? 'refused' : rules.requirePurchase ? 'pending' : 'granted';
	const [row] = await queryRows<{ id: string }>(tx, sql`
		insert into referrals (referrer_user_id, referred_user_id, status, reason, signup_ip, settled_at)
		values (${referrer.user_id}::uuid, ${member.id}::uuid, ${status}, ${reason}, ${ip}, ${status === 'pending' ? null : sql`now()`})
		on conflict (referred_user_id) do nothing returning id`);
	if (!row) return null;
	if (status === 'granted') await grantBoth(tx, row.id, referrer, member, rules);
	return reason ? { status: 'refused', reason } : { status: rules.requirePurchase ? 'pending' : 'granted' };
}

async function signUpRefusal(tx: Executor, referrer: Referrer, member: NewMember, ip: string | null, rules: ReferralSettings): Promise<RefusalReason | null> {
	if (member.email) {
		const [twin] = await queryRows(tx, sql`
			select 1 from users where id <> ${member.id}::uuid and email is not null and ${mailboxSql(sql`email`)} = ${mailboxSql(member.email)} limit 1`);
		if (twin) return 'same_email';
	}
	const [counts] = await queryRows<{ by_referrer: number; by_address: number }>(tx, sql`
		select (select count(*)::int4 from referrals where referrer_user_id = ${referrer.user_id}::uuid and status <> 'refused' and created_at > now() - interval '24 hours') as by_referrer,
		       (select count(*)::int4 from referrals where ${ip}::text is not null and signup_ip = ${ip} and status <> 'refused' and created_at > now() - interval '24 hours') as by_address`);
	if (Number(counts!.by_referrer) >= rules.dailyLimit) return 'daily_limit';
	if (Number(counts!.by_address) >= rules.dailyLimit) return 'address_limit';
	return null;
}

/**
 * A completed purchase of `accountId` (the store calls this in the fulfilment's transaction): a
 * pending referral of that member is granted now, or refused when the payment customer already paid
 * for another account (`customerPaidElsewhere`, asked only when a referral is pending: the referrer's
 * account, or another referred one's). A member
 * is referred once, so later purchases find nothing pending. Returns what happened (null: nothing pending).
 */
export async function settleOnPurchase(tx: Executor, accountId: string, customerPaidElsewhere: () => Promise<boolean>): Promise<ReferralOutcome | null> {
	const [pending] = await queryRows<{ id: string; referrer_user_id: string; referrer_account_id: string; referrer_name: string; member_id: string; member_name: string }>(tx, sql`
		select r.id, r.referrer_user_id, ru.account_id as referrer_account_id, ru.name as referrer_name, m.id as member_id, m.name as member_name
		  from referrals r join users m on m.id = r.referred_user_id join users ru on ru.id = r.referrer_user_id
		 where m.account_id = ${accountId}::uuid and r.status = 'pending'
		 for update of r`);
	if (!pending) return null;
	const reason: RefusalReason | null = (await customerPaidElsewhere()) ? 'same_payment_customer' : null;
	await tx.execute(sql`update referrals set status = ${reason ? 'refused' : 'granted'}, reason = ${reason}, settled_at = now() where id = ${pending.id}::uuid`);
	if (reason) return { status: 'refused', reason };
	const referrer = { user_id: pending.referrer_user_id, account_id: pending.referrer_account_id, name: pending.referrer_name };
	await grantBoth(tx, pending.id, referrer, { id: pending.member_id, accountId, email: null, name: pending.member_name }, await referralRules(tx));
	return { status: 'granted' };
}

/** Both bonuses, as lots of source `referral`, once each (grant key per referral and side), labelled with the other member's name. */
async function grantBoth(tx: Executor, referralId: string, referrer: Referrer, member: NewMember, rules: ReferralSettings): Promise<void> {
	const expiresAt = rules.expiresDays ? new Date(Date.now() + rules.expiresDays * 86_400_000) : null;
	const sides = [
		{ accountId: referrer.account_id, tokens: rules.referrerTokens, side: 'referrer', note: `Invited ${member.name}` },
		{ accountId: member.accountId, tokens: rules.referredTokens, side: 'referred', note: `Joined through ${referrer.name}'s link` }
	];
	for (const s of sides) {
		if (s.tokens <= 0) continue;
		await grant(tx, { accountId: s.accountId, tokens: s.tokens, source: 'referral', expiresAt, grantKey: `referral:${referralId}:${s.side}`, note: s.note });
	}
}
