// The daily cap an unusual-use alert suggests (anomalies/suggest.ts): it must never be at or below
// what the account has already used (and holds) today, or one tap would block it for the rest of the day.
import { describe, expect, it } from 'vitest';
import { capSuggestion } from '../../src/lib/server/anomalies/suggest';

const none = { usedToday: 0, held: 0, dailyCap: null };

describe('the daily cap an anomaly suggests', () => {
	it('is twice a usual day, rounded up to a hundred, at least 100, while today has used little', () => {
		expect(capSuggestion({ ...none, usualDay: 200 })).toEqual({ limitTokens: 400, usedToday: 0 });
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 300 })).toEqual({ limitTokens: 1_000, usedToday: 300 });
		expect(capSuggestion({ ...none, usualDay: 30 })).toEqual({ limitTokens: 100, usedToday: 0 });
		expect(capSuggestion({ ...none, usualDay: 0 })).toEqual({ limitTokens: 100, usedToday: 0 });
	});

	it('is above today’s use and holds: today’s use plus a usual day (at least 100), rounded up to a hundred', () => {
		// The case found: a usual day of 500 suggested 1,000 while 2,687 were used today.
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 2_687 })).toEqual({ limitTokens: 3_200, usedToday: 2_687 });
		// No history (a usual day of 0): 100 of room; exactly on a hundred still leaves room.
		expect(capSuggestion({ ...none, usualDay: 0, usedToday: 12_040 })).toEqual({ limitTokens: 12_200, usedToday: 12_040 });
		expect(capSuggestion({ ...none, usualDay: 0, usedToday: 12_000 })).toEqual({ limitTokens: 12_100, usedToday: 12_000 });
		// Open holds count against the cap as use does.
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 700, held: 400 })).toEqual({ limitTokens: 1_600, usedToday: 700 });
	});

	it('never at or below what the cap counts today, whatever the figures', () => {
		for (const usualDay of [0, 1, 49.5, 100, 333.3, 5_000])
			for (const usedToday of [0, 1, 99, 100, 999, 1_000, 2_687, 1e6])
				for (const held of [0, 50, 1_000]) {
					const s = capSuggestion({ usualDay, usedToday, held, dailyCap: null })!;
					expect(s.limitTokens).toBeGreaterThanOrEqual(usedToday + held + 100);
					expect(s.limitTokens % 100).toBe(0);
				}
	});

	it('is none when a daily cap at or below it is already in force (a tap would change nothing, or raise it)', () => {
		expect(capSuggestion({ ...none, usualDay: 200, dailyCap: 400 })).toBeNull();
		expect(capSuggestion({ ...none, usualDay: 200, dailyCap: 300 })).toBeNull();
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 2_687, dailyCap: 3_000 })).toBeNull();
		expect(capSuggestion({ ...none, usualDay: 200, dailyCap: 5_000 })).toEqual({ limitTokens: 400, usedToday: 0 });
	});
});
