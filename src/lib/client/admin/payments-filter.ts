// Payments' filters as a link or a reload brings them (/admin/payments?outcome=…&account=…): a value
// the page has no choice for, or an account filter that is no account id, is said on the page and
// nothing is asked (the server would refuse it; a list of every account would read as its matches).
import { PAYMENT_FILTERS, accountIdWords, type PaymentFilter } from '$lib/payments-filter';
import { isUuid } from '$lib/uuid';

/** The filters as the page's URL names them ('' = not filtered). */
export type PaymentsFilterText = { outcome: string; account: string };

export const paymentsFilterDefaults: PaymentsFilterText = { outcome: '', account: '' };

/** What is wrong with each filter (null where nothing is). */
export function paymentsFilterSlips(f: PaymentsFilterText): { outcome: string | null; account: string | null } {
	const known = (PAYMENT_FILTERS as readonly string[]).includes(f.outcome);
	return {
		outcome: f.outcome && !known ? `Show has no “${f.outcome}”: choose what to show from the list.` : null,
		account: f.account && !isUuid(f.account) ? accountIdWords(f.account) : null
	};
}

/** The list's query for filters without a slip. */
export function paymentsQuery(f: PaymentsFilterText): { outcome: PaymentFilter | null; account: string | null } {
	return { outcome: (f.outcome || null) as PaymentFilter | null, account: f.account || null };
}
