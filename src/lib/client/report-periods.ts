// A report window named so that it reads as what it is: a day, a week or a month. "Nov 26" read as
// the 26th of November, so a month carries its whole year and a week says it is one.

export type ReportPeriod = 'daily' | 'weekly' | 'monthly';

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayOfYearFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

/** The year it is now in `timeZone` (the site's, whose days the windows are). */
export const yearIn = (timeZone: string, now = new Date()): number => Number(new Intl.DateTimeFormat('en-US', { year: 'numeric', timeZone }).format(now));

/**
 * The date of the window that starts on `firstDay` (YYYY-MM-DD, the site's calendar day, in no time
 * zone's shift), as a table's row says it under "Day" or "Week of": "Nov 23" in `thisYear`, "Dec 29,
 * 2025" in another; a month, "Nov 2026", always with its year.
 */
export function windowDate(period: ReportPeriod, firstDay: string, thisYear: number): string {
	const day = new Date(`${firstDay}T12:00:00Z`);
	const format = period === 'monthly' ? monthFormat : day.getUTCFullYear() === thisYear ? dayFormat : dayOfYearFormat;
	// Kept on one line: "Nov" at a line's end and "23" on the next read apart.
	return format.format(day).replace(/ /g, '\u00a0');
}

/**
 * The window that starts on `firstDay`: "Nov 23" for a day, "week of Nov 23" for a week, "Nov 2026"
 * for a month (the year of a day or a week only when not `thisYear`). The busiest line and the
 * chart's axis name a window by it; the table's rows by its date under their column's "Week of".
 */
export function windowLabel(period: ReportPeriod, firstDay: string, thisYear: number): string {
	const date = windowDate(period, firstDay, thisYear);
	return period === 'weekly' ? `week of ${date}` : date;
}
