import { shortDate } from './format';

/** A subscription as the store's reads give it (store/subscriptions.ts SubscriptionView). */
interface SubscriptionState {
	status: string;
	currentPeriodEnd: string | null;
	nextBilledAt: string | null;
	canceledAt: string | null;
}

const BADGES: Record<string, { label: string; tone: 'ok' | 'low' | 'empty' }> = {
	active: { label: 'Active', tone: 'ok' },
	trialing: { label: 'Trial', tone: 'ok' },
	past_due: { label: 'Payment due', tone: 'low' },
	paused: { label: 'Paused', tone: 'low' },
	canceled: { label: 'Canceled', tone: 'empty' }
};

/**
 * A subscription's state in words, the same on the member's Purchases, the store and the admin's
 * user page: its badge (`label`, `tone`) and `when` ("Renews Jan 2", "Canceled · ends Jan 2",
 * "Ended Jan 2"). Cancelled at its period's end it is still active until then: "Ending".
 * `held`: it has not ended, so the account has this plan (the store sells it no second time).
 * `ending`: cancelled at its period's end and not yet ended (it can still be kept).
 */
export function subscriptionState(s: SubscriptionState, timeZone?: string | null) {
	const date = (iso: string) => shortDate(iso, timeZone);
	const ending = (s.status === 'active' || s.status === 'trialing') && !s.nextBilledAt;
	const badge = ending ? { label: 'Ending', tone: 'low' as const } : (BADGES[s.status] ?? { label: s.status, tone: 'low' as const });
	let when: string;
	if (s.status === 'canceled') when = s.canceledAt ? `Ended ${date(s.canceledAt)}` : 'Ended';
	else if (s.nextBilledAt) when = `Renews ${date(s.nextBilledAt)}`;
	else when = s.currentPeriodEnd ? `Canceled · ends ${date(s.currentPeriodEnd)}` : 'Canceled';
	return { ...badge, when, held: s.status !== 'canceled', ending };
}
