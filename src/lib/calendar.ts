// Calendar arithmetic in Node and in the pages, in one place, with date-fns (+ @date-fns/tz for named
// time zones). Months clamp to their end, as Postgres interval maths does (DESIGN.md "Periods"):
// 31 March + 1 month = 30 April, 29 February + 1 year = 28 February. Date#setUTCMonth overflows
// instead (31 March + 1 month = 1 May). Period windows (allowances, caps, reports) are not made
// here: they come from the database's one window function, quota_window_start/end.
import { addMonths } from 'date-fns';
import { TZDate } from '@date-fns/tz';

/**
 * `from` plus `count` calendar months or years, read in time zone `tz` (an IANA name; billing
 * periods are UTC), clamped to the end of a shorter month. A wall time that happens twice (the hour a
 * clock goes back) is its later instant, standard time, as Postgres reads it. Returns a new instant.
 */
export function addCalendar(from: Date, unit: 'month' | 'year', count = 1, tz = 'UTC'): Date {
	const at = addMonths(new TZDate(from.getTime(), tz), unit === 'year' ? count * 12 : count).getTime();
	return new Date(Math.max(...[0, 30, 60].map((min) => at + min * 60_000).filter((t) => sameWallTime(t, at, tz))));
}

/** Whether two instants read the same on a clock in `tz` (one of them in a repeated hour). */
function sameWallTime(a: number, b: number, tz: string): boolean {
	const [x, y] = [new TZDate(a, tz), new TZDate(b, tz)];
	return x.getDate() === y.getDate() && x.getHours() === y.getHours() && x.getMinutes() === y.getMinutes() && x.getMonth() === y.getMonth();
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The instant calendar day `day` (YYYY-MM-DD) starts at local midnight in `tz` (null: this device's
 * zone), moved by `days` whole days (1: the start of the next day, i.e. the end of `day`). Days are
 * calendar days, so one across a DST change is 23 or 25 hours long. Throws RangeError on a bad day.
 */
export function localDayStart(day: string, tz: string | null, days = 0): Date {
	const m = ISO_DAY.exec(day);
	if (!m) throw new RangeError(`not a calendar day (YYYY-MM-DD): ${day}`);
	const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
	// The target day's own first instant: adding days to the start of a day that begins at 01:00
	// (midnight skipped by a DST change) would land at 01:00 on the next day too.
	const start = tz ? new TZDate(y, mo, d + days, tz) : new Date(y, mo, d + days);
	return new Date(start.getTime());
}

/**
 * The last instant (to the millisecond) of calendar day `day` (YYYY-MM-DD) in time zone `tz` (an IANA
 * name): what "until the end of Dec 12" means there, one millisecond before the next day's first
 * instant, so a 23- or 25-hour DST day ends at its own midnight. Throws RangeError on a bad day.
 */
export function dayEndIn(day: string, tz: string): Date {
	return new Date(localDayStart(day, tz, 1).getTime() - 1);
}
