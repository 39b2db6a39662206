import type { ReferralView } from '$lib/server/referrals';

const REFUSED: Record<NonNullable<ReferralView['reason']>, string> = {
	same_email: 'same e-mail as an existing account',
	same_payment_customer: 'paid with the card of another account',
	daily_limit: 'over the daily limit of rewarded invitations',
	address_limit: 'too many sign-ups from one network today'
};

/** A referral's state in words for its referrer: a badge (label, tone) and, when refused, why. */
export function referralStatus(r: Pick<ReferralView, 'status' | 'reason'>): { label: string; tone: string; detail: string | null } {
	if (r.status === 'granted') return { label: 'Bonus granted', tone: 'ok', detail: null };
	if (r.status === 'pending') return { label: 'Waiting for first purchase', tone: 'low', detail: null };
	return { label: 'No bonus', tone: '', detail: r.reason ? REFUSED[r.reason] : null };
}
