// A report window named so that it reads as what it is: a day, a week or a month. "Nov 26" read as
// the 26th of November, so a month carries its whole year and a week says it is one.

export type ReportPeriod = 'daily' | 'weekly' | 'monthly';

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/**
 * The window that starts on `firstDay` (YYYY-MM-DD, the site's calendar day, in no time zone's
 * shift): "Nov 23" for a day, "week of Nov 23" for a week, "Nov 2026" for a month. The busiest
 * line, the chart's axis and the table all name a window by it.
 */
export function windowLabel(period: ReportPeriod, firstDay: string): string {
	const day = new Date(`${firstDay}T12:00:00Z`);
	// Its date kept on one line: "Nov" at a line's end and "23" on the next read apart.
	const date = (period === 'monthly' ? monthFormat : dayFormat).format(day).replace(/ /g, '\u00a0');
	return period === 'weekly' ? `week of ${date}` : date;
}
