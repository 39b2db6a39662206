import { describe, expect, it } from 'vitest';
import { forecastText, totalsPerWindow } from '../../src/lib/client/forecast';

describe('the dashboard forecast', () => {
	it('divides what is available by the average daily use, days without use counting as zero', () => {
		const daily = totalsPerWindow({
			buckets: ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'],
			rows: [
				{ bucket: '2026-01-01', key: 'chat', label: 'Chat', tokens: 300, operations: 3 },
				{ bucket: '2026-01-01', key: 'forms', label: 'Forms', tokens: 100, operations: 1 },
				{ bucket: '2026-01-03', key: 'chat', label: 'Chat', tokens: 400, operations: 2 }
			]
		}).map((d) => d.tokens);
		expect(daily).toEqual([400, 0, 400, 0]);
		expect(forecastText(1_200, false, daily, true)).toBe('At this pace your tokens last about 6 days.');
	});

	it('says so when there is nothing to forecast', () => {
		expect(forecastText(500, true, [10], true)).toBe('Unlimited tokens: no need to count.');
		expect(forecastText(0, false, [10], true)).toBe('No tokens left at the moment.');
		expect(forecastText(500, false, [0, 0], true)).toBe('No use in the last 2 days.');
		expect(forecastText(5, false, [10], true)).toBe('At this pace your tokens run out today.');
	});

	it('does not tell a member who never had tokens that none are left', () => {
		expect(forecastText(0, false, [120, 80], false)).toBe('No tokens yet.');
	});
});
