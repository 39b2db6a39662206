import type { PurchaseStatus } from '$lib/server/store/orders';
import { money } from '$lib/money';

/**
 * A purchase's status in words and its badge tone, the same on the member's pages and the admin's; a
 * chargeback is not a refund. The lists show paid orders only (orders.ts PAID_STATUSES); `pending` and
 * `failed` are an order's states while the store waits on its payment.
 */
export const purchaseStatus: Record<PurchaseStatus, { label: string; tone: 'ok' | 'low' | 'empty' }> = {
	pending: { label: 'Unpaid', tone: 'low' },
	completed: { label: 'Completed', tone: 'ok' },
	failed: { label: 'Failed', tone: 'empty' },
	refunded: { label: 'Refunded', tone: 'empty' },
	charged_back: { label: 'Charged back', tone: 'empty' },
	partially_refunded: { label: 'Partly refunded', tone: 'low' }
};

/**
 * An order's status as the console's Payments page says it, in the words of `purchaseStatus`
 * ("Partly refunded", "Charged back"): the codes (`partially_refunded`) read as a fault to a person.
 * A status this app does not know yet is shown as it came.
 */
export function orderStatusWords(status: string): string {
	return status in purchaseStatus ? purchaseStatus[status as PurchaseStatus].label : status;
}

/**
 * A purchase as every list names it, the member's and the console's alike: its package, how many, and
 * what made it when no checkout did ("Monthly plan · renewal", "Token pack · auto top-up"), so a renewal
 * never reads as a second purchase of the plan.
 */
export function purchaseName(p: { productName: string; quantity: number; renewal: boolean; autoTopUp: boolean }): string {
	return `${p.productName}${p.quantity > 1 ? ` × ${p.quantity}` : ''}${p.renewal ? ' · renewal' : p.autoTopUp ? ' · auto top-up' : ''}`;
}

/** What a partly refunded purchase got back, as the lists say it beside its amount ("$499.99 paid back"); '' for any other. */
export function refundWords(p: { refundedCents: number | null; currency: string | null }): string {
	return p.refundedCents ? `${money(p.refundedCents, p.currency ?? 'USD')} paid back` : '';
}

/** A purchase's amount as the lists show it: "$5.00", or "nothing charged" for a failed one (no amount; never a bare "—"). */
export function amountWords(p: { amountCents: number | null; currency: string | null }): string {
	return p.amountCents === null ? 'nothing charged' : money(p.amountCents, p.currency ?? 'USD');
}

/**
 * Who bought a purchase, as the console and a team's pages say it: "Bought by Maya Lee"; "Renewed by
 * its subscription" and "Charged by auto top-up" for what Paddle's billing made with no checkout;
 * "Buyer not recorded" for a checkout whose buyer was not kept (a team's pool bought in the embedded
 * store before its buyer was), never blank. Beside the status words, which those pages load already:
 * a module of its own was one more chunk, named in the app's start script (the 60 KB budget).
 */
export function buyerWords(p: { buyer: string | null; renewal: boolean; autoTopUp: boolean }): string {
	if (p.buyer) return `Bought by ${p.buyer}`;
	if (p.renewal) return 'Renewed by its subscription';
	return p.autoTopUp ? 'Charged by auto top-up' : 'Buyer not recorded';
}
