import { shortDate } from './format';

// The usage filters' days (YYYY-MM-DD, '' for an open end): From after To is said beside the
// fields and asked of no server (which refuses it: "From must be on or before to.").

/** "Nov 20, 2026": a calendar day as written, in no time zone's shift. */
const day = (d: string) => shortDate(`${d}T12:00:00Z`, 'UTC');

/** Why From and To cannot be asked for, or null when they can. */
export function dayRangeError(from: string, to: string): string | null {
	if (!from || !to || from <= to) return null;
	return `From is after To: swap them to see use between ${day(to)} and ${day(from)}.`;
}
