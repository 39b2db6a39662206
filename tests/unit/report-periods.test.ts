import { describe, expect, it } from 'vitest';
import { windowLabel } from '../../src/lib/client/report-periods';

// Dates are kept on one line: a no-break space (\u00a0) inside each, so "Nov" and "23" never part.
describe("the reports' windows in words", () => {
	it('a month reads as a month of a year, never as a day ("Nov 26")', () => {
		expect(windowLabel('monthly', '2026-11-01')).toBe('Nov\u00a02026');
		expect(windowLabel('monthly', '2027-01-01')).toBe('Jan\u00a02027');
	});

	it('a week says it is a week, named by its first day', () => {
		expect(windowLabel('weekly', '2026-11-23')).toBe('week of Nov\u00a023');
	});

	it('a day is its date, the same in every time zone of the viewer', () => {
		expect(windowLabel('daily', '2026-11-23')).toBe('Nov\u00a023');
		expect(windowLabel('daily', '2026-12-31')).toBe('Dec\u00a031');
	});
});
