// Shares of a whole, computed one way for every list that shows them (the admin Overview's splits and
// tops, the member's reports), so one figure reads the same percentage wherever it appears.
import { percentText } from './percent';

/** The key of the rest row (never a module, feature, model or user key). */
export const REST_KEY = '(rest)';

/** A ranked row of a usage list: tokens and operations of one key (module, feature, model, user). */
export interface RankedRow {
	key: string;
	label: string;
	tokens: number;
	operations: number;
	/** True for the row that stands for everything below the top rows. */
	rest?: boolean;
}

/**
 * `part` as a whole percentage of `whole`, as shown beside a figure ("54%", percentText; rounded half
 * up; "0%" when the part or the whole is 0). A part that is not nothing never reads "0%" and a part
 * that is not the whole never reads "100%": they read "< 1%" and "> 99%" (370 of 115,546 tokens was "0%").
 */
export function shareText(part: number, whole: number): string {
	const percent = whole > 0 ? Math.round((part / whole) * 100) : 0;
	if (percent === 0 && part > 0) return `< ${percentText(1)}`;
	if (percent === 100 && part < whole) return `> ${percentText(99)}`;
	return percentText(percent);
}

/**
 * The first `limit` rows (biggest first, as given) and, when anything is left of `whole`, one more
 * row for the rest (the next row itself when the rest is that one key, if `rows` holds it), labelled by `restLabel(rowsLeft)` (rowsLeft: how many keys it stands for, null when
 * unknown): the rows then add up to `whole`, tokens and operations. `whole` defaults to the rows' sum.
 */
export function topWithRest<T extends RankedRow>(
	rows: readonly T[],
	limit: number,
	restLabel: (rowsLeft: number | null) => string,
	whole: { tokens: number; operations: number; keys?: number } = { tokens: sum(rows, 'tokens'), operations: sum(rows, 'operations'), keys: rows.length }
): RankedRow[] {
	// A rest of one key that is among the rows is that row itself, by its name.
	const shown = whole.keys === limit + 1 && rows.length > limit ? limit + 1 : limit;
	const top = rows.slice(0, shown);
	const tokens = whole.tokens - sum(top, 'tokens');
	const operations = whole.operations - sum(top, 'operations');
	if (tokens <= 0 && operations <= 0) return top;
	const left = whole.keys === undefined ? null : whole.keys - top.length;
	return [...top, { key: REST_KEY, label: restLabel(left), tokens, operations, rest: true }];
}

const sum = (rows: readonly RankedRow[], field: 'tokens' | 'operations') => rows.reduce((n, r) => n + r[field], 0);
