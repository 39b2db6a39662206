// The daily cap an unusual-use alert suggests (anomalies/suggest.ts): when raised it is never at or below
// what the account has already used (and holds) today, or one tap would block it for the rest of the day.
// The alert keeps it; once the day's use reaches it, the alert says that setting it stops today's spending.
import { describe, expect, it } from 'vitest';
import { capSuggestion, offeredCap } from '../../src/lib/server/anomalies/suggest';

const none = { usedToday: 0, held: 0, dailyCap: null };

describe('the daily cap an anomaly suggests', () => {
	it('is twice a usual day, rounded up to a hundred, at least 100, while today has used little', () => {
		expect(capSuggestion({ ...none, usualDay: 200 })).toBe(400);
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 300 })).toBe(1_000);
		expect(capSuggestion({ ...none, usualDay: 30 })).toBe(100);
		expect(capSuggestion({ ...none, usualDay: 0 })).toBe(100);
	});

	it('is above today’s use and holds: today’s use plus a usual day (at least 100), rounded up to a hundred', () => {
		// The case found: a usual day of 500 suggested 1,000 while 2,687 were used today.
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 2_687 })).toBe(3_200);
		// No history (a usual day of 0): 100 of room; exactly on a hundred still leaves room.
		expect(capSuggestion({ ...none, usualDay: 0, usedToday: 12_040 })).toBe(12_200);
		expect(capSuggestion({ ...none, usualDay: 0, usedToday: 12_000 })).toBe(12_100);
		// Open holds count against the cap as use does.
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 700, held: 400 })).toBe(1_600);
	});

	it('never at or below what the cap counts today, whatever the figures', () => {
		for (const usualDay of [0, 1, 49.5, 100, 333.3, 5_000])
			for (const usedToday of [0, 1, 99, 100, 999, 1_000, 2_687, 1e6])
				for (const held of [0, 50, 1_000]) {
					const limit = capSuggestion({ usualDay, usedToday, held, dailyCap: null })!;
					expect(limit).toBeGreaterThanOrEqual(usedToday + held + 100);
					expect(limit % 100).toBe(0);
				}
	});

	it('is none when a daily cap at or below it is already in force (a tap would change nothing, or raise it)', () => {
		expect(capSuggestion({ ...none, usualDay: 200, dailyCap: 400 })).toBeNull();
		expect(capSuggestion({ ...none, usualDay: 200, dailyCap: 300 })).toBeNull();
		expect(capSuggestion({ ...none, usualDay: 500, usedToday: 2_687, dailyCap: 3_000 })).toBeNull();
		expect(capSuggestion({ ...none, usualDay: 200, dailyCap: 5_000 })).toBe(400);
	});

	it('an alert offers the cap it kept when raised, says when today has reached it since, and none where a cap no higher is in force', () => {
		const kept = { kept: true, suggested: 400 };
		expect(offeredCap(kept, { ...none, usualDay: 200, usedToday: 150 })).toEqual({ limitTokens: 400, usedToday: 150, blocksToday: false });
		// Used on since: still the 400 it said, not one worked out again; it would stop today's spending.
		expect(offeredCap(kept, { ...none, usualDay: 200, usedToday: 1_150 })).toEqual({ limitTokens: 400, usedToday: 1_150, blocksToday: true });
		expect(offeredCap(kept, { ...none, usualDay: 200, usedToday: 300, held: 100 })).toEqual({ limitTokens: 400, usedToday: 300, blocksToday: true });
		expect(offeredCap(kept, { ...none, usualDay: 200, dailyCap: 400 })).toBeNull();
		expect(offeredCap(kept, { ...none, usualDay: 200, dailyCap: 500 })).toEqual({ limitTokens: 400, usedToday: 0, blocksToday: false });
		expect(offeredCap({ kept: true, suggested: null }, { ...none, usualDay: 200 })).toBeNull();
		// A flag from before suggestions were kept: the one suggested now, above today's use.
		expect(offeredCap({ kept: false, suggested: null }, { ...none, usualDay: 200, usedToday: 1_150 })).toEqual({ limitTokens: 1_400, usedToday: 1_150, blocksToday: false });
	});
});
