// The count above Admin → Users' rows, in words that agree with the rows: the guests' summary row
// is one more row than the accounts counted ("9 accounts" read above 10 rows), so its words say it.
import { counted, figure } from '$lib/counted';

/**
 * "9 accounts", "50+ accounts", "1 account matching “ada”", and " and the guests' row" when the
 * list shows that row (the first page of an unfiltered list, when guests used anything this month).
 */
export function accountsCount(n: number, more: boolean, guests: boolean, search: string): string {
	const shown = more ? `${figure(n)}+ accounts` : counted(n, 'account');
	return `${shown}${guests ? " and the guests' row" : ''}${search ? ` matching “${search}”` : ''}`;
}
