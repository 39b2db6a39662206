import { afterEach, describe, expect, it } from 'vitest';
import { age, appZone, dateTime, duration, shortDate } from '../../src/lib/client/format';

describe('figures shown to the user', () => {
	it('say how old a figure is', () => {
		const now = Date.UTC(2026, 0, 3, 8, 0);
		expect(age(now - 20_000, now)).toBe('just now');
		expect(age(now - 12 * 60_000, now)).toBe('12 min ago');
		expect(age(now - 3 * 3_600_000 - 5 * 60_000, now)).toBe('3 h ago');
		expect(age(now - 50 * 3_600_000, now)).toBe('2 days ago');
	});

	it('say when an allowance resets', () => {
		expect(duration((3 * 60 + 12) * 60_000)).toBe('3 h 12 min');
		expect(duration(5 * 60_000 + 30_000)).toBe('5 min');
		expect(duration(26 * 3_600_000)).toBe('1 day 2 h');
		expect(duration(10_000)).toBe('less than a minute');
	});

	it("show dates in the user's time zone", () => {
		const at = '2026-01-03T06:58:00Z';
		expect(dateTime(at, 'Europe/Madrid')).toMatch(/Jan 3, 2026,? 07:58/);
		expect(dateTime(at, 'America/New_York')).toMatch(/Jan 3, 2026,? 01:58/);
	});

	describe('in the time zone chosen in Settings, without each page passing it', () => {
		afterEach(() => {
			appZone.now = () => null;
		});

		it('an instant a page formats without naming a zone is shown in the app’s (an API key made at 23:27 UTC)', () => {
			let chosen: string | null = 'Asia/Tokyo';
			appZone.now = () => chosen;
			const created = '2026-12-02T23:27:00Z';
			expect(dateTime(created)).toMatch(/Dec 3, 2026,? 08:27/);
			expect(shortDate(created)).toBe('Dec 3, 2026');
			// Read at each call: a change in Settings shows at the next draw.
			chosen = 'America/New_York';
			expect(dateTime(created)).toMatch(/Dec 2, 2026,? 18:27/);
			// A calendar day names its own zone and keeps its day whatever the app's.
			expect(shortDate('2026-12-02T12:00:00Z', 'UTC')).toBe('Dec 2, 2026');
		});
	});
});
