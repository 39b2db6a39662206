// The console's dates (a bonus's expiry, unlimited use's end, an event bonus's expiry) are days of the
// site's calendar, as every period of the app is: the admin picks Dec 12 and the tokens last to the
// end of Dec 12 in the site's time zone, whatever zone the admin's device is in. The page sends the
// day as it was picked; the instant is made here, from the zone saved at the moment of the grant.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { siteTimeZone } from '../ledger';
import { DomainError } from '../errors';
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
