// A bonus's expiry as the console's forms take it: a day (the date field's YYYY-MM-DD), meaning the
// last second of that day in the app's time zone (the admin's choice in Settings, else the device's):
// the zone every date on the admin's pages is read in, so the summary names the day they picked.
// Members see the instant with its time in their own zone ("expire Feb 1, 2027, 08:59" in Tokyo for
// the end of Jan 31 in London), never a bare day that would promise them the whole of it.
// The server refuses an expiry that is not in the future (admin/campaigns.ts,
// admin/user-actions.ts); the form says so beside the field first.
import { localDayStart } from '$lib/calendar';
import { appZone, shortDate } from '../format';

export type ExpiryRead = { ok: true; expiresAt: string | null } | { ok: false; error: string };

/** The ISO instant a bonus expires at (null: never), or why the day will not do; `now` for tests. */
export function readBonusExpiry(day: string, now: Date = new Date()): ExpiryRead {
	if (!day) return { ok: true, expiresAt: null };
	const end = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(localDayStart(day, appZone.now(), 1).getTime() - 1000) : new Date(NaN);
	if (Number.isNaN(end.getTime())) return { ok: false, error: 'Pick a day from the calendar, or leave it empty for never.' };
	if (end.getTime() <= now.getTime()) return { ok: false, error: 'The expiry must be in the future: pick today or a later day, or leave it empty for never.' };
	return { ok: true, expiresAt: end.toISOString() };
}

/**
 * The forms' summary of the expiry: when the tokens expire, or that they never do; '' for a day the
 * field's note refuses (the summary does not name a day that will not be sent).
 */
export function bonusExpiryWords(day: string, now: Date = new Date()): string {
	const read = readBonusExpiry(day, now);
	if (!read.ok) return '';
	return read.expiresAt ? `The tokens expire at the end of ${shortDate(read.expiresAt)}.` : 'With no expiry date the tokens never expire.';
}
