import type { PurchaseStatus } from '$lib/server/store/orders';

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

/** What happens to a checkout nobody pays (orders.ts purchasesRead drops it from the history after an hour); shown under every list of purchases (UnpaidNote.svelte). */
export const UNPAID_CHECKOUT_NOTE = 'Unpaid: nothing is charged or added yet. An unpaid checkout leaves this list after an hour.';
