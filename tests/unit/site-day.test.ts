import { describe, expect, it } from 'vitest';
import { siteDayWords } from '../../src/lib/site-day';

// Dec 3, 2026, 14:30 UTC: 23:30 in Tokyo, 09:30 in New York.
const now = new Date(Date.UTC(2026, 11, 3, 14, 30));

describe("the dashboard's today, when the viewer's day is not the site's", () => {
	it("says from when, on the viewer's clock, the site's today counts (Leo in Tokyo, a UTC site)", () => {
		expect(siteDayWords(1478, 'UTC', 'Asia/Tokyo', now)).toEqual({
			sub: '1,478 since 09:00',
			meaning: "This month and today are the site's days, midnight to midnight in UTC, as caps and free allowances count them: its today began at 09:00 in your zone, Tokyo time (UTC+9)."
		});
	});

	it('a site day that began on the viewer’s yesterday says so', () => {
		expect(siteDayWords(25, 'UTC', 'America/New_York', now)).toEqual({
			sub: '25 since 19:00',
			meaning: "This month and today are the site's days, midnight to midnight in UTC, as caps and free allowances count them: its today began yesterday at 19:00 in your zone, New York time (UTC\u22125)."
		});
		// A site in Tokyo seen from UTC: its day began at 15:00 UTC the day before.
		expect(siteDayWords(0, 'Asia/Tokyo', 'UTC', now)?.meaning).toContain("This month and today are the site's days, midnight to midnight in Tokyo time (UTC+9), as caps and free allowances count them: its today began yesterday at 15:00 in your zone, UTC.");
		// A day of a summer-time change: the site's midnight is its own, not an hour off.
		expect(siteDayWords(1, 'Europe/Berlin', 'UTC', new Date(Date.UTC(2026, 2, 29, 12)))?.sub).toBe('1 since 23:00');
	});

	it("names the site's zone for a viewer who reads the device's clock, with the site's midnight for the page to compare", () => {
		expect(siteDayWords(14350, 'UTC', null, now)).toEqual({
			sub: '14,350 today (UTC)',
			meaning: "This month and today are the site's days, midnight to midnight in UTC, as caps, free allowances and Reports count them, not this device's.",
			start: '2026-12-03T00:00:00.000Z'
		});
		expect(siteDayWords(5, 'Europe/Berlin', null, now)).toMatchObject({ sub: '5 today (UTC+1)', start: '2026-12-02T23:00:00.000Z' });
	});

	it('says nothing when the viewer starts the day when the site does', () => {
		expect(siteDayWords(1478, 'UTC', 'UTC', now)).toBeNull();
		expect(siteDayWords(1478, 'UTC', 'Europe/London', now)).toBeNull(); // UTC+00:00 in December
		expect(siteDayWords(1478, 'Asia/Tokyo', 'Asia/Seoul', now)).toBeNull();
		expect(siteDayWords(1478, 'UTC', 'Not/AZone', now)).toBeNull();
	});
});
