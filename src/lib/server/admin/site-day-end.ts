// The console's dates (a bonus's expiry, unlimited use's end, an event bonus's expiry) are days of the
// site's calendar, as every period of the app is: the admin picks Dec 12 and the tokens last to the
// end of Dec 12 in the site's time zone, whatever zone the admin's device is in. The page sends the
// day as it was picked; the instant is made here, from the zone saved at the moment of the grant.
// The day, not the instant, is what a grant's key stands for: a retry after the site's zone changed
// asks for the same day, whose end has moved.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { siteTimeZone } from '../ledger';
import { DomainError, fieldRefusal } from '../errors';
import { dayEndIn } from '../../calendar';
import { dayRule, isDay } from '../../day-text';

/**
 * The last instant (to the millisecond) of `day` (YYYY-MM-DD) in the site's time zone; null for no
 * day (never expires, no end). Errors: `invalid_input` for a text that is not a calendar day.
 */
export async function endOfSiteDay(exec: Executor, day: string | null | undefined): Promise<Date | null> {
	if (!day) return null;
	if (!isDay(day)) throw new DomainError('invalid_input', dayRule('expiresOn', day));
	const [row] = await queryRows<{ zone: string }>(exec, sql`select ${siteTimeZone} as zone`);
	return dayEndIn(day, row!.zone);
}

/** A console grant's expiry: the day the admin picked (YYYY-MM-DD, the request a key stands for) and its last instant in the site's zone; both null for never. */
export interface SiteDayExpiry {
	expiresOn: string | null;
	expiresAt: Date | null;
}

/** `day` with its last instant in the site's zone now (endOfSiteDay); errors as it. */
export async function siteDayExpiry(exec: Executor, day: string | null | undefined): Promise<SiteDayExpiry> {
	return { expiresOn: day || null, expiresAt: await endOfSiteDay(exec, day) };
}

/**
 * Refuses an expiry that has passed (`invalid_input` naming `expiresOn`, the field the console's
 * forms send, so the refusal is said under their Expires field). `expiresAt` null: never, fine.
 */
export function futureExpiry(expiresAt: Date | null | undefined): void {
	if (expiresAt && expiresAt.getTime() <= Date.now()) throw fieldRefusal('expiresOn', 'The expiry must be in the future.');
}

/**
 * Whether `instant` is the last instant of `day` (YYYY-MM-DD) in some time zone: the same expiry as
 * a request for that day, whatever zone the site had when it was granted (for a record that keeps the
 * instant, not the day, compared with a retry). The end of a day at UTC+14 is also the end of the day
 * before at UTC−10; the keys compared are random, so a retry naming the other day is no real case.
 */
export function endsDay(instant: Date, day: string): boolean {
	return ['UTC', ...Intl.supportedValuesOf('timeZone')].some((z) => dayEndIn(day, z).getTime() === instant.getTime());
}
