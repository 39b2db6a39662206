import { describe, expect, it } from 'vitest';
import { windowDate, windowLabel, yearIn } from '../../src/lib/client/report-periods';

// Dates are kept on one line: a no-break space (\u00a0) inside each, so "Nov" and "23" never part.
describe("the reports' windows in words", () => {
	it('a month reads as a month of a year, never as a day ("Nov 26")', () => {
		expect(windowLabel('monthly', '2026-11-01', 2026)).toBe('Nov\u00a02026');
		expect(windowLabel('monthly', '2027-01-01', 2027)).toBe('Jan\u00a02027');
	});

	it('a week says it is a week, named by its first day', () => {
		expect(windowLabel('weekly', '2026-11-23', 2026)).toBe('week of Nov\u00a023');
	});

	it('a day is its date, the same in every time zone of the viewer', () => {
		expect(windowLabel('daily', '2026-11-23', 2026)).toBe('Nov\u00a023');
		expect(windowLabel('daily', '2026-12-31', 2026)).toBe('Dec\u00a031');
	});

	it('a day or a week of another year than this one says its year', () => {
		expect(windowLabel('weekly', '2025-12-29', 2026)).toBe('week of Dec\u00a029,\u00a02025');
		expect(windowLabel('daily', '2025-12-31', 2026)).toBe('Dec\u00a031,\u00a02025');
	});

	it('the table’s rows name a window as the chart does, under their column’s “Day”, “Week of” or “Month”: “Sep 14”, not “Sep 14, 2026”', () => {
		expect(windowDate('weekly', '2026-09-14', 2026)).toBe('Sep\u00a014');
		expect(windowLabel('weekly', '2026-09-14', 2026)).toBe(`week of ${windowDate('weekly', '2026-09-14', 2026)}`);
		expect(windowDate('daily', '2026-11-23', 2026)).toBe(windowLabel('daily', '2026-11-23', 2026));
		expect(windowDate('weekly', '2025-12-29', 2026)).toBe('Dec\u00a029,\u00a02025');
		expect(windowDate('monthly', '2026-11-01', 2026)).toBe('Nov\u00a02026');
	});

	it('this year is the site’s: its new year may come hours before or after the reader’s', () => {
		const at = new Date('2026-12-31T18:00:00Z');
		expect(yearIn('UTC', at)).toBe(2026);
		expect(yearIn('Pacific/Kiritimati', at)).toBe(2027);
		expect(yearIn('Pacific/Honolulu', new Date('2027-01-01T05:00:00Z'))).toBe(2026);
	});
});
