// A bonus's expiry (and unlimited use's end, and an event bonus's) as the console's forms take it: a
// day of the site's calendar (the date field's YYYY-MM-DD), meaning the last instant of that day in the
// site's time zone, as every other period of the app is (allowances, today, Reports), whatever zone the
// admin's device or Settings is in. The page sends the day; the server makes the instant
// (admin/site-day-end.ts) from the zone saved when it grants. The words name that zone ("the end of
// Dec 12, 2026, Berlin time (UTC+1)"); members then see the instant in their own zone ("expire
// Dec 13, 2026, 07:59" in Tokyo), never a bare day that would promise them the whole of it.
// The server refuses an expiry that is not in the future (admin/campaigns.ts, admin/user-actions.ts);
// the form says so beside the field first.
import { dayEndIn } from '$lib/calendar';
import { isDay } from '$lib/day-text';
import { zoneName } from '$lib/zone-name';
import { shortDate } from '../format';

export type ExpiryRead = { ok: true; expiresOn: string | null } | { ok: false; error: string };

/** The zone whose day the field means: the site's; until Settings has said it, the device's stands in for the check. */
const zoneOf = (siteZone: string | null) => siteZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The day to send as `expiresOn` (YYYY-MM-DD; null: never), or why the day will not do: not a day, or
 * one whose end in `siteZone` (IANA id; null: not known yet) has passed. `now` for tests.
 */
export function readBonusExpiry(day: string, siteZone: string | null, now: Date = new Date()): ExpiryRead {
	if (!day) return { ok: true, expiresOn: null };
	if (!isDay(day)) return { ok: false, error: 'Pick a day from the calendar, or leave it empty for never.' };
	if (dayEndIn(day, zoneOf(siteZone)).getTime() <= now.getTime()) return { ok: false, error: 'The expiry must be in the future: pick today or a later day, or leave it empty for never.' };
	return { ok: true, expiresOn: day };
}

/** "the end of Dec 12, 2026, Berlin time (UTC+1)": `day` (YYYY-MM-DD) named as the site's, with its zone when known. */
export function endOfDayWords(day: string, siteZone: string | null): string {
	const end = dayEndIn(day, zoneOf(siteZone));
	return `the end of ${shortDate(end, zoneOf(siteZone))}, ${siteZone ? zoneName(siteZone, end) : "the site's time"}`;
}

/**
 * The forms' summary of the expiry: when the tokens expire, or that they never do; '' for a day the
 * field's note refuses (the summary does not name a day that will not be sent).
 */
export function bonusExpiryWords(day: string, siteZone: string | null, now: Date = new Date()): string {
	const read = readBonusExpiry(day, siteZone, now);
	if (!read.ok) return '';
	return read.expiresOn ? `The tokens expire at ${endOfDayWords(read.expiresOn, siteZone)}.` : 'With no expiry date the tokens never expire.';
}
