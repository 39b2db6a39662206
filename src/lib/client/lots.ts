import type { LotSource } from '$lib/server/ledger/types';

const SOURCE: Record<LotSource, string> = {
	purchase: 'Purchased',
	subscription: 'Subscription',
	bonus: 'Bonus',
	referral: 'Referral bonus',
	event: 'Event bonus',
	admin: 'Added by an admin',
	'refund-reversal': 'Chargeback reversed',
	rollover: 'Rolled over'
};

/** Where tokens came from, in words: "Referral bonus: Invited Leo", "Monthly plan", "Purchased". */
export function lotLabel(source: LotSource | null, note: string | null): string {
	if (!source) return note ?? 'Tokens';
	if (source === 'subscription' && note) return note;
	return note && source !== 'purchase' ? `${SOURCE[source]}: ${note}` : SOURCE[source];
}

/** The source alone ("Subscription", "Bonus", …), for a line that shows the note apart. */
export function sourceLabel(source: LotSource): string {
	return SOURCE[source];
}
