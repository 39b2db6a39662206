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

/**
 * What the store says on a plan the account does not have while it has `other` (another plan that
 * has not ended): a renewing one bills beside the new one, each on its own; one cancelled at its
 * period's end is billed no more, so the new one is the only plan billed ("… until Jan 2, 2027").
 */
export function otherPlanWords(other: SubscriptionState & { productName: string }, timeZone?: string | null): string {
	const { ending } = subscriptionState(other, timeZone);
	if (!ending) return `You already have “${other.productName}”: subscribing to this one too bills both, each renewing on its own.`;
	const until = other.currentPeriodEnd ? `until ${shortDate(other.currentPeriodEnd, timeZone)}` : 'until its period ends';
	return `You already have “${other.productName}” ${until}, and it is not billed again: subscribing to this one bills only this one.`;
}
