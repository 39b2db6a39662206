import { shortDate } from './format';

// Days of a filter's From and To (YYYY-MM-DD, '' for an open end: the usage filters, the audit log's):
// From after To is said beside the fields and asked of no server (the usage one refuses it: "From
// must be on or before to."; the audit log would answer no entry, with no word of why).

/** "Nov 20, 2026": a calendar day as written, in no time zone's shift. */
const day = (d: string) => shortDate(`${d}T12:00:00Z`, 'UTC');

/** Why From and To cannot be asked for, or null when they can; `what` the page lists between them. */
export function dayRangeError(from: string, to: string, what = 'use'): string | null {
	if (!from || !to || from <= to) return null;
	return `From is after To: swap them to see ${what} between ${day(to)} and ${day(from)}.`;
}
