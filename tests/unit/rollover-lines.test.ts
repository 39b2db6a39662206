import { describe, expect, it } from 'vitest';
import { rolloverText } from '../../src/lib/client/rollover';

// The dashboard's line for tokens rolled over from an earlier period (issue 17.3). The days are the
// site's calendar days as the server gives them (YYYY-MM-DD), so the user's zone cannot shift them.
const words = (day: string, opts: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(undefined, { ...opts, timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
const short = (day: string) => words(day, { month: 'short', day: 'numeric' });
const n = (v: number) => new Intl.NumberFormat().format(v);

describe('rollover lines', () => {
	it('name the period just before this one in words, and the last day the tokens are usable', () => {
		expect(rolloverText({ period: 'weekly', fromDay: '2026-11-23', fromPrevious: true, tokens: 1200, remaining: 1200, lastDay: '2026-12-14' })).toBe(
			`+${n(1200)} rolled over from last week, usable until ${short('2026-12-14')}`
		);
		expect(rolloverText({ period: 'daily', fromDay: '2026-11-29', fromPrevious: true, tokens: 30, remaining: 30, lastDay: '2026-11-30' })).toBe(
			`+30 rolled over from yesterday, usable until ${short('2026-11-30')}`
		);
		expect(rolloverText({ period: 'monthly', fromDay: '2026-10-01', fromPrevious: true, tokens: 250, remaining: 250, lastDay: null })).toBe('+250 rolled over from last month, no expiry');
	});

	it('name older periods by their dates, and say what is left once some is spent', () => {
		expect(rolloverText({ period: 'weekly', fromDay: '2026-11-16', fromPrevious: false, tokens: 500, remaining: 120, lastDay: '2026-12-07' })).toBe(
			`+500 rolled over from the week of ${short('2026-11-16')}, 120 left, usable until ${short('2026-12-07')}`
		);
		expect(rolloverText({ period: 'daily', fromDay: '2026-11-20', fromPrevious: false, tokens: 10, remaining: 10, lastDay: '2026-11-30' })).toContain(`from ${short('2026-11-20')},`);
		expect(rolloverText({ period: 'monthly', fromDay: '2026-09-01', fromPrevious: false, tokens: 10, remaining: 10, lastDay: null })).toContain(
			`from ${words('2026-09-01', { month: 'long', year: 'numeric' })},`
		);
	});
});
