import { describe, expect, it } from 'vitest';
import { dailyTotals, forecastText } from '../../src/lib/client/forecast';
import { lastDays } from '../../src/lib/days';

describe('the dashboard forecast', () => {
	it('divides what is available by the average daily use, days without use counting as zero', () => {
		const days = lastDays(4, new Date('2026-01-04T10:00:00Z'));
		expect(days).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
		const daily = dailyTotals(
			[
				{ bucket: '2026-01-01', key: 'chat', label: 'Chat', tokens: 300, operations: 3 },
				{ bucket: '2026-01-01', key: 'forms', label: 'Forms', tokens: 100, operations: 1 },
				{ bucket: '2026-01-03', key: 'chat', label: 'Chat', tokens: 400, operations: 2 }
			],
			days
		);
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

describe('report buckets', () => {
	it('cover 30 days, 12 weeks starting on Mondays, or 12 months', async () => {
		const { reportBuckets } = await import('../../src/lib/client/forecast');
		const now = new Date('2026-01-07T12:00:00Z'); // a Wednesday
		expect(reportBuckets('day', now)).toHaveLength(30);
		const weeks = reportBuckets('week', now);
		expect(weeks).toHaveLength(12);
		expect(weeks.at(-1)).toBe('2026-01-05');
		expect(weeks[0]).toBe('2025-10-20');
		expect(reportBuckets('month', now)).toEqual([
			'2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01',
			'2025-08-01', '2025-09-01', '2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01'
		]);
	});
});
