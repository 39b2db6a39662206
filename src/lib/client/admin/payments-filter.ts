// Payments' filters as a link or a reload brings them (/admin/payments?outcome=…&account=…&search=…):
// a value the page has no choice for, an account filter that is no account id, or a search longer than
// the box takes, is said on the page and nothing is asked (the server would refuse it; a list of every
// account would read as its matches).
import { PAYMENT_FILTERS, accountIdWords, type PaymentFilter } from '$lib/payments-filter';
import { isUuid } from '$lib/uuid';
import { SEARCH_MAX } from '$lib/search-text';
import { tooLongWords } from './room-left';

/** The filters as the page's URL names them ('' = not filtered); `search`: the Search box's text, an account's name or e-mail. */
export type PaymentsFilterText = { outcome: string; account: string; search: string };

export const paymentsFilterDefaults: PaymentsFilterText = { outcome: '', account: '', search: '' };

/** The label of Payments' search box, which its slip names. */
export const PAYMENTS_SEARCH_LABEL = 'Search accounts';

/** What is wrong with each filter (null where nothing is). */
export function paymentsFilterSlips(f: PaymentsFilterText): { outcome: string | null; account: string | null; search: string | null } {
	const known = (PAYMENT_FILTERS as readonly string[]).includes(f.outcome);
	return {
		outcome: f.outcome && !known ? `Show has no “${f.outcome}”: choose what to show from the list.` : null,
		account: f.account && !isUuid(f.account) ? accountIdWords(f.account) : null,
		search: tooLongWords(PAYMENTS_SEARCH_LABEL, f.search.trim(), SEARCH_MAX)
	};
}

/** The list's query for filters without a slip. */
export function paymentsQuery(f: PaymentsFilterText): { outcome: PaymentFilter | null; account: string | null; search: string | null } {
	return { outcome: (f.outcome || null) as PaymentFilter | null, account: f.account || null, search: f.search.trim() || null };
}
