// Numbers, dates and durations in the user's locale and time zone.
import { counted, figure } from '../counted';
import { zoneName } from '../zone-name';

/**
 * The app's time zone now, the member's choice in Settings (null: the device's), for every instant a
 * page shows: the app context sets `now` to its getter (once), read at each call so a page redraws
 * its dates when it changes.
 */
export const appZone = { now: (): string | null => null };

// Formatters are costly to make (a page of history formats a hundred dates): one per time zone.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(kind: 'dateTime' | 'date', timeZone = appZone.now()): Intl.DateTimeFormat {
	const key = `${kind} ${timeZone ?? ''}`;
	let format = dateFormats.get(key);
	if (!format) {
		const time: Intl.DateTimeFormatOptions = kind === 'date' ? {} : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
		format = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', ...time, timeZone: timeZone ?? undefined });
		dateFormats.set(key, format);
	}
	return format;
}

/** A figure in the reader's locale ("1,500"), '—' for none. With its noun, `counted` (lib/counted.ts): "1 token". */
export function tokens(n: number | null | undefined): string {
	return figure(n);
}

/**
 * What is left of a window's free allowance of `limit` tokens, as the dashboard, the admin's pages,
 * the playground and the widget (in its own texts, tests/unit/widget-words.test.ts) say it: "1,500 of
 * 2,000 left"; "Not available" for a limit of 0 (the module is off for the account: none is ever left).
 */
export function allowanceLeft(used: number, limit: number): string {
	return limit ? `${tokens(Math.max(0, limit - used))} of ${tokens(limit)} left` : 'Not available';
}


/**
 * "Jan 3, 2026, 07:58" in the user's locale, in `timeZone`: by default the app's (the member's
 * chosen zone, or the device's); a calendar day ("2026-01-03T12:00:00Z") names its own, 'UTC'.
 */
export function dateTime(value: string | number | Date, timeZone?: string | null): string {
	return dateFormat('dateTime', timeZone).format(new Date(value));
}

/**
 * "Jan 1, 2028, 00:59 Berlin time (UTC+1)", "Dec 5, 2026, 00:00 UTC": `dateTime` with its zone named
 * as everywhere (lib/zone-name.ts), for a moment tokens end or a limit resets (a lot's expiry), which
 * the widget and a refusal name too.
 */
export function moment(value: string | number | Date, timeZone?: string | null): string {
	const at = new Date(value);
	const format = dateFormat('dateTime', timeZone);
	return `${format.format(at)} ${zoneName(format.resolvedOptions().timeZone, at)}`;
}

/** "Jan 3, 2026": the day of an instant, in the same zone as `dateTime`. */
export function shortDate(value: string | number | Date, timeZone?: string | null): string {
	return dateFormat('date', timeZone).format(new Date(value));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "3 h 12 min", "5 min", "2 days 4 h" — for "resets in …". */
export function duration(ms: number): string {
	if (ms < MINUTE) return 'less than a minute';
	const days = Math.floor(ms / DAY);
	const hours = Math.floor((ms % DAY) / HOUR);
	const minutes = Math.floor((ms % HOUR) / MINUTE);
	if (days > 0) return counted(days, 'day') + (hours ? ` ${hours} h` : '');
	if (hours > 0) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
	return `${minutes} min`;
}

/** "just now", "12 min ago", "3 h ago", "2 days ago" — the age of a figure. */
export function age(updatedAt: number, now = Date.now()): string {
	const ms = Math.max(0, now - updatedAt);
	if (ms < MINUTE) return 'just now';
	if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min ago`;
	if (ms < DAY) return `${Math.floor(ms / HOUR)} h ago`;
	const days = Math.floor(ms / DAY);
	return `${counted(days, 'day')} ago`;
}
