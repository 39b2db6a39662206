import type { ReferralView } from '$lib/server/referrals';
import type { Outputs } from '$lib/client/api-types';
import { trpc } from '$lib/client/trpc';
import { errorMessage } from '$lib/client/errors';

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

/** The member's referral panel as Settings shows it (its card, its link among the sections), or why it could not be had. */
export type ReferralAnswer = { panel: Outputs['referrals']['panel'] | null; error: string | null };

/** Asks for the panel (the member's link is made on the first ask, so only with a connection); never throws. */
export async function askReferral(): Promise<ReferralAnswer> {
	try {
		return { panel: await trpc().referrals.panel.query(), error: null };
	} catch (e) {
		return { panel: null, error: errorMessage(e) };
	}
}

/** Whether the card shows: with a link (the site has referrals on), or to say the link could not be loaded. */
export const referralShown = (answer: ReferralAnswer | undefined): boolean => Boolean(answer?.error || answer?.panel?.link);
