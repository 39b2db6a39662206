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

/**
 * Why a lot that is no longer spendable ended, in words for its line: "ended" when someone ended it (an
 * admin, a site key: the statement's "Ended", "Unlimited ended") or unlimited use reached its end date,
 * "expired" when its expiry took tokens from it (ledger `LotRow.expired`), else "none left": its tokens
 * were spent or taken back (a refund) before (a lot ends only these ways: ledger `LotRow.active`).
 */
export function lotEnd(lot: { unlimited: boolean; ended: boolean; expired: boolean }): 'ended' | 'none left' | 'expired' {
	if (lot.unlimited || lot.ended) return 'ended';
	return lot.expired ? 'expired' : 'none left';
}

/**
 * A lot's Expires cell: "Never", its expiry (`when`: the page's date format), or for a lot that ended
 * (unlimited use, or a lot someone ended) "Ended" and when (its expiry is the moment it ended: ledger `endLot`).
 */
export function lotExpiry(lot: { unlimited: boolean; ended: boolean; active: boolean; expiresAt: string | null }, when: (iso: string) => string): string {
	if (!lot.expiresAt) return 'Never';
	return (lot.unlimited || lot.ended) && !lot.active ? `Ended ${when(lot.expiresAt)}` : when(lot.expiresAt);
}
