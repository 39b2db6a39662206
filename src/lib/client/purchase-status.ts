import type { PurchaseStatus } from '$lib/server/store/orders';

/** A purchase's status in words and its badge tone; a chargeback is not a refund. */
export const purchaseStatus: Record<PurchaseStatus, { label: string; tone: 'ok' | 'low' | 'empty' }> = {
	pending: { label: 'Pending', tone: 'low' },
	completed: { label: 'Completed', tone: 'ok' },
	failed: { label: 'Failed', tone: 'empty' },
	refunded: { label: 'Refunded', tone: 'empty' },
	charged_back: { label: 'Charged back', tone: 'empty' },
	partially_refunded: { label: 'Partly refunded', tone: 'low' }
};
