import { describe, expect, it } from 'vitest';
import { forecastHours, forecastText, totalsPerWindow } from '../../src/lib/forecast';

/** A usual day: 100 tokens an hour from 9 to 17 (the hour starting now is 0). */
const office = Array.from({ length: 24 }, (_, h) => (h >= 9 && h < 17 ? 100 : 0));
/** The sparkline's days (today last): a usual fortnight, and one without use. */
const week = Array(14).fill(800);
const quiet = Array(14).fill(0);

describe('the dashboard forecast', () => {
	it('walks the usual hours of the day (the same-hour baseline of the last 7 days) until the tokens are gone', () => {
		// 800 a day: 4,000 tokens last five whole days, the fifth day's last hour ending at hour 17.
		expect(forecastHours(4_000, office)).toBe(4 * 24 + 17);
		expect(forecastHours(250, office)).toBe(11.5);
		expect(forecastText(4_000, false, office, true, week, 4_000)).toBe('At this pace your tokens last about 5 days.');
		expect(forecastText(250, false, office, true, week, 250)).toBe('At this pace your tokens last about 12 hours.');
		// Quiet hours cost nothing: a use at hour 0 runs out at once.
		expect(forecastText(5, false, [10, ...Array(23).fill(0)], true, week, 5)).toBe('At this pace your tokens run out within the hour.');
	});

	it("says whose tokens: a team pool's pace is every member's, so its line speaks of the pool's tokens, not the reader's", () => {
		expect(forecastText(4_000, false, office, true, week, 4_000, 0, 0, "the pool's")).toBe("At this pace the pool's tokens last about 5 days.");
		expect(forecastText(9_000, false, office, true, week, 0, 0, 0, "the pool's")).toBe("The pool's free allowances renew on their own, so nothing runs out.");
		expect(forecastText(85_500, false, Array(24).fill(0), true, [...Array(13).fill(0), 14_500], 85_500, 0, 0, "the pool's")).toBe("Too early to forecast: the pool's first use in 7 days came this hour.");
	});

	it('says so when there is nothing to forecast', () => {
		expect(forecastText(500, true, office, true, week, 500)).toBe('Unlimited tokens: no need to count.');
		expect(forecastText(0, false, office, true, week, 0)).toBe('No tokens left at the moment.');
		expect(forecastText(500, false, Array(24).fill(0), true, quiet, 500)).toBe('No use in the last 7 days.');
		expect(forecastText(10_000_000, false, office, true, week, 10_000_000)).toBe('At this pace your tokens last more than a year.');
	});

	it('does not say "no use" when all the use of the last 7 days came this hour (the baseline reads whole hours before it)', () => {
		// A new member's first 14,500 tokens, this hour: the sparkline ends with them, the baseline is still empty.
		const firstDay = [...Array(13).fill(0), 14_500];
		expect(forecastText(85_500, false, Array(24).fill(0), true, firstDay, 85_500)).toBe('Too early to forecast: your first use in 7 days came this hour.');
		// Just after midnight the current hour may have begun on yesterday's site day.
		expect(forecastText(85_500, false, Array(24).fill(0), true, [...Array(12).fill(0), 14_500, 0], 85_500)).toBe('Too early to forecast: your first use in 7 days came this hour.');
		// Use 8 to 14 days ago is outside the baseline and the 7 days it names.
		expect(forecastText(85_500, false, Array(24).fill(0), true, [900, ...Array(13).fill(0)], 85_500)).toBe('No use in the last 7 days.');
	});

	it('does not forecast free allowances alone: they renew (a member with no tokens in lots was told they last 34 days)', () => {
		expect(forecastText(9_000, false, office, false, week, 0)).toBe('Your free allowances renew on their own, so nothing runs out.');
		expect(forecastText(9_000, false, office, true, week, 0)).toBe('Your free allowances renew on their own, so nothing runs out.');
		// A new member who has used nothing yet is told that, as anyone is.
		expect(forecastText(9_000, false, Array(24).fill(0), false, quiet, 0)).toBe('No use in the last 7 days.');
	});

	it('forecasts the balance at the part of the pace the free allowances do not pay: they renew (a user whose chat allowance covers his use was told 500 tokens last 32 days)', () => {
		// 800 a usual day, all of it paid by the free allowance: the 500 in lots are not drawn on.
		expect(forecastText(9_500, false, office, true, week, 500, 800)).toBe('Your free allowances renew on their own, so nothing runs out.');
		expect(forecastText(9_500, false, office, true, week, 500, 1_000)).toBe('Your free allowances renew on their own, so nothing runs out.');
		// Half of it paid by the allowance: 400 a day from the balance, so 4,000 last 10 days (not 13,000 ÷ 800, the allowance left counted once).
		expect(forecastText(13_000, false, office, true, week, 4_000, 400)).toBe('At this pace your tokens last about 10 days.');
	});

	it("forecasts the balance once a used-up allowance draws on it, though a usual day's allowances paid it all (Leo, his chat allowance spent, 501 in lots, was told nothing runs out)", () => {
		// The allowances paid the whole usual day of 800, but the lots paid 2,800 this week (400 a day): 501 at 50 an hour from hour 9.
		expect(forecastText(5_501, false, office, true, week, 501, 800, 400)).toBe('At this pace your tokens last about 35 hours.');
		expect(forecastText(5_501, false, office, true, week, 501, 800, 0)).toBe('Your free allowances renew on their own, so nothing runs out.');
		// The lots paid less than the part of the usual day the allowances leave: that part is the pace.
		expect(forecastText(13_000, false, office, true, week, 4_000, 400, 100)).toBe('At this pace your tokens last about 10 days.');
	});

	it('does not tell a member who never had tokens that none are left', () => {
		expect(forecastText(0, false, office, false, quiet, 0)).toBe('No tokens yet.');
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
