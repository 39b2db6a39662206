import { describe, expect, it } from 'vitest';
import { addCalendar, dayEndIn, localDayStart } from '../../src/lib/calendar';

const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('calendar arithmetic clamps to the end of the month', () => {
	it("reads a wall time that happens twice as its later instant, as Postgres does (01:00 on the night New York's clocks go back)", () => {
		// 28 June 2001 01:00 EDT + 4 months = 28 October 2001 01:00, which New York lived twice: Postgres gives EST's (06:00Z).
		expect(addCalendar(new Date('2001-06-28T05:00:00.000Z'), 'month', 4, 'America/New_York').toISOString()).toBe('2001-10-28T06:00:00.000Z');
		// An hour that happens once is as it was.
		expect(addCalendar(new Date('2001-06-28T09:00:00.000Z'), 'month', 4, 'America/New_York').toISOString()).toBe('2001-10-28T10:00:00.000Z');
	});

	it('a monthly period that starts on 31 March ends on 30 April, not 1 May', () => {
		const start = at('2026-03-31T10:00:00.000Z');
		const overflow = new Date(start);
		overflow.setUTCMonth(overflow.getUTCMonth() + 1); // the fault this replaces
		expect(iso(overflow)).toBe('2026-05-01T10:00:00.000Z');
		expect(iso(addCalendar(start, 'month'))).toBe('2026-04-30T10:00:00.000Z');
	});

	it('31 January + 1 month is the last day of February, in leap years too', () => {
		expect(iso(addCalendar(at('2026-01-31T00:00:00Z'), 'month'))).toBe('2026-02-28T00:00:00.000Z');
		expect(iso(addCalendar(at('2028-01-31T23:59:59Z'), 'month'))).toBe('2028-02-29T23:59:59.000Z');
		expect(iso(addCalendar(at('2026-12-31T08:00:00Z'), 'month'))).toBe('2027-01-31T08:00:00.000Z');
		expect(iso(addCalendar(at('2026-08-31T08:00:00Z'), 'month', 6))).toBe('2027-02-28T08:00:00.000Z');
	});

	it('29 February + 1 year is 28 February', () => {
		expect(iso(addCalendar(at('2028-02-29T12:00:00Z'), 'year'))).toBe('2029-02-28T12:00:00.000Z');
		expect(iso(addCalendar(at('2028-02-29T12:00:00Z'), 'year', 4))).toBe('2032-02-29T12:00:00.000Z');
	});

	it('reads the month in the given time zone: 31 March 00:30 in Berlin is still 30 March in UTC', () => {
		// 2026-03-30T22:30Z is 31 March 00:30 in Berlin (CEST): + 1 month there is 30 April 00:30 CEST.
		expect(iso(addCalendar(at('2026-03-30T22:30:00Z'), 'month', 1, 'Europe/Berlin'))).toBe('2026-04-29T22:30:00.000Z');
		expect(iso(addCalendar(at('2026-03-30T22:30:00Z'), 'month'))).toBe('2026-04-30T22:30:00.000Z');
		// Across the change to summer time the local time of day is kept (one hour less in UTC).
		expect(iso(addCalendar(at('2026-02-15T14:00:00Z'), 'month', 1, 'America/New_York'))).toBe('2026-03-15T13:00:00.000Z');
	});
});

describe('a local calendar day as instants', () => {
	it('starts at local midnight in the chosen time zone and lasts until the next one, 23 h on a spring-forward day', () => {
		expect(iso(localDayStart('2026-03-08', 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z');
		expect(iso(localDayStart('2026-03-08', 'America/New_York', 1))).toBe('2026-03-09T04:00:00.000Z');
		expect(iso(localDayStart('2026-11-30', 'Pacific/Auckland'))).toBe('2026-11-29T11:00:00.000Z');
		expect(iso(localDayStart('2028-02-29', 'Asia/Kolkata', 1))).toBe('2028-02-29T18:30:00.000Z');
		expect(iso(localDayStart('2026-12-31', 'UTC', 1))).toBe('2027-01-01T00:00:00.000Z');
	});

	it('a day whose midnight is skipped starts at its first instant (01:00), and ends at the next midnight', () => {
		// Chile moves from 00:00 to 01:00 on Sunday 6 September 2026 (-04 to -03).
		expect(iso(localDayStart('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
		expect(iso(localDayStart('2026-09-05', 'America/Santiago', 1))).toBe('2026-09-06T04:00:00.000Z');
		expect(iso(localDayStart('2026-09-06', 'America/Santiago', 1))).toBe('2026-09-07T03:00:00.000Z');
	});

	it('refuses what is not a calendar day', () => {
		expect(() => localDayStart('31.12.2026', 'UTC')).toThrow(RangeError);
	});
});

describe('the end of a day in a zone (what "until Dec 12" means in the console)', () => {
	it('is the last millisecond before the next local midnight there, not in UTC or on this device', () => {
		expect(iso(dayEndIn('2026-12-12', 'Europe/Berlin'))).toBe('2026-12-12T22:59:59.999Z');
		expect(iso(dayEndIn('2026-12-31', 'Europe/Berlin'))).toBe('2026-12-31T22:59:59.999Z');
		expect(iso(dayEndIn('2026-12-12', 'UTC'))).toBe('2026-12-12T23:59:59.999Z');
		expect(iso(dayEndIn('2027-01-31', 'Asia/Tokyo'))).toBe('2027-01-31T14:59:59.999Z');
	});

	it("ends Berlin's 23-hour and 25-hour days (the last Sundays of March and October) at their own midnight", () => {
		// 29 March 2026: 02:00 becomes 03:00 (UTC+1 to UTC+2); the day ends at 22:00 UTC.
		expect(iso(dayEndIn('2026-03-28', 'Europe/Berlin'))).toBe('2026-03-28T22:59:59.999Z');
		expect(iso(dayEndIn('2026-03-29', 'Europe/Berlin'))).toBe('2026-03-29T21:59:59.999Z');
		expect(dayEndIn('2026-03-29', 'Europe/Berlin').getTime() - dayEndIn('2026-03-28', 'Europe/Berlin').getTime()).toBe(23 * 3_600_000);
		// 25 October 2026: 03:00 becomes 02:00 (UTC+2 to UTC+1); the day ends at 23:00 UTC.
		expect(iso(dayEndIn('2026-10-24', 'Europe/Berlin'))).toBe('2026-10-24T21:59:59.999Z');
		expect(iso(dayEndIn('2026-10-25', 'Europe/Berlin'))).toBe('2026-10-25T22:59:59.999Z');
		expect(dayEndIn('2026-10-25', 'Europe/Berlin').getTime() - dayEndIn('2026-10-24', 'Europe/Berlin').getTime()).toBe(25 * 3_600_000);
	});

	it('refuses what is not a calendar day', () => {
		expect(() => dayEndIn('12/12/2026', 'Europe/Berlin')).toThrow(RangeError);
	});
});
