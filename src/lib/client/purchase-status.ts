import type { PurchaseStatus } from '$lib/server/store/orders';
import { money } from './money';

/**
 * A purchase's status in words and its badge tone, the same on the member's pages and the admin's; a
 * chargeback is not a refund. `pending` is a checkout (or a renewal's charge) not paid yet: nothing is
 * charged or granted, and a checkout left unpaid leaves the history after an hour (UNPAID_CHECKOUT_NOTE).
 */
export const purchaseStatus: Record<PurchaseStatus, { label: string; tone: 'ok' | 'low' | 'empty' }> = {
	pending: { label: 'Unpaid', tone: 'low' },
	completed: { label: 'Completed', tone: 'ok' },
	failed: { label: 'Failed', tone: 'empty' },
	refunded: { label: 'Refunded', tone: 'empty' },
	charged_back: { label: 'Charged back', tone: 'empty' },
	partially_refunded: { label: 'Partly refunded', tone: 'low' }
};

/** What happens to a checkout nobody pays (orders.ts purchasesRead drops it from the history after an hour); shown under every list of purchases that has one. */
export const UNPAID_CHECKOUT_NOTE = 'Unpaid: nothing is charged or added yet. An unpaid checkout leaves this list after an hour.';

/**
 * Whether a list of purchases shows an unpaid checkout, so UNPAID_CHECKOUT_NOTE goes under it (class
 * `unpaid-note`, app.css). A function and a class rather than a component: the dashboard's start is at its budget.
 */
export function hasUnpaid(purchases: readonly { status: string }[] | null | undefined): boolean {
	return purchases?.some((p) => p.status === 'pending') ?? false;
}

/** A purchase's amount as the lists show it: "$5.00", or "nothing charged" for a failed one (no amount; never a bare "—"). */
export function amountWords(p: { amountCents: number | null; currency: string | null }): string {
	return p.amountCents === null ? 'nothing charged' : money(p.amountCents, p.currency ?? 'USD');
}
