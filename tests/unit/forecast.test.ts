import { describe, expect, it } from 'vitest';
import { forecastHours, forecastText, totalsPerWindow } from '../../src/lib/client/forecast';

/** A usual day: 100 tokens an hour from 9 to 17 (the hour starting now is 0). */
const office = Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 17 ? 100 : 0));

describe('the dashboard forecast', () => {
	it('walks the usual hours of the day (the same-hour baseline of the last 7 days) until the tokens are gone', () => {
		// 800 a day: 4,000 tokens last five whole days, the fifth day's last hour ending at hour 17.
		expect(forecastHours(4_000, office)).toBe(4 * 24 + 17);
		expect(forecastHours(250, office)).toBe(11.5);
		expect(forecastText(4_000, false, office, true)).toBe('At this pace your tokens last about 5 days.');
		expect(forecastText(250, false, office, true)).toBe('At this pace your tokens last about 12 hours.');
		// Quiet hours cost nothing: a use at hour 0 runs out at once.
		expect(forecastText(5, false, [10, ...Array(23).fill(0)], true)).toBe('At this pace your tokens run out within the hour.');
	});

	it('says so when there is nothing to forecast', () => {
		expect(forecastText(500, true, office, true)).toBe('Unlimited tokens: no need to count.');
		expect(forecastText(0, false, office, true)).toBe('No tokens left at the moment.');
		expect(forecastText(500, false, Array(24).fill(0), true)).toBe('No use in the last 7 days.');
		expect(forecastText(10_000_000, false, office, true)).toBe('At this pace your tokens last more than a year.');
	});

	it('does not tell a member who never had tokens that none are left', () => {
		expect(forecastText(0, false, office, false)).toBe('No tokens yet.');
	});

	it('counts a day without use as zero in the sparkline', () => {
		const daily = totalsPerWindow({
			buckets: ['2026-01-01', '2026-01-02', '2026-01-03'],
			rows: [
				{ bucket: '2026-01-01', key: 'chat', label: 'Chat', tokens: 300, operations: 3 },
				{ bucket: '2026-01-01', key: 'forms', label: 'Forms', tokens: 100, operations: 1 },
				{ bucket: '2026-01-03', key: 'chat', label: 'Chat', tokens: 400, operations: 2 }
			]
		}).map((d) => d.tokens);
		expect(daily).toEqual([400, 0, 400]);
	});
});
