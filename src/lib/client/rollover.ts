// The dashboard's rollover lines (issue 17.3): "+1,200 rolled over from last week, usable until Dec 14".
import { tokens } from './format';
import type { Overview } from './api-types';

type RolloverLine = Overview['rolledOver'][number];

/** A site-local calendar day (YYYY-MM-DD) in the user's words: "Dec 14", or "November 2026" for a month. */
function dayWords(day: string, month = false): string {
	const options: Intl.DateTimeFormatOptions = month ? { month: 'long', year: 'numeric', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' };
	return new Intl.DateTimeFormat(undefined, options).format(new Date(`${day}T12:00:00Z`));
}

/** Where the tokens came from: "yesterday", "last week", "last month", or the period itself when older. */
function fromWords(l: Pick<RolloverLine, 'period' | 'fromDay' | 'fromPrevious'>): string {
	if (l.period === 'daily') return l.fromPrevious ? 'yesterday' : dayWords(l.fromDay);
	if (l.period === 'weekly') return l.fromPrevious ? 'last week' : `the week of ${dayWords(l.fromDay)}`;
	return l.fromPrevious ? 'last month' : dayWords(l.fromDay, true);
}

/**
 * One rollover as a line: "+1,200 rolled over from last week, usable until Dec 14", with what is left
 * when part of it is spent ("…, 800 left, usable until Dec 14") and "no expiry" when it never expires.
 * The days are the site's calendar days, as the periods are.
 */
export function rolloverText(l: Pick<RolloverLine, 'period' | 'fromDay' | 'fromPrevious' | 'tokens' | 'remaining' | 'lastDay'>): string {
	const left = l.remaining < l.tokens ? `, ${tokens(l.remaining)} left` : '';
	const until = l.lastDay ? `usable until ${dayWords(l.lastDay)}` : 'no expiry';
	return `+${tokens(l.tokens)} rolled over from ${fromWords(l)}${left}, ${until}`;
}
