import { describe, expect, it } from 'vitest';
import { dayRangeError } from '../../src/lib/client/day-range';

describe("the usage filters' days", () => {
	it('take an open end, one day, or From before To', () => {
		expect(dayRangeError('', '')).toBeNull();
		expect(dayRangeError('2026-11-25', '')).toBeNull();
		expect(dayRangeError('', '2026-11-20')).toBeNull();
		expect(dayRangeError('2026-11-20', '2026-11-20')).toBeNull();
		expect(dayRangeError('2026-11-20', '2026-12-01')).toBeNull();
	});

	it('say From after To the wrong way round, with the days to swap', () => {
		expect(dayRangeError('2026-11-25', '2026-11-20')).toBe('From is after To: swap them to see use between Nov 20, 2026 and Nov 25, 2026.');
		expect(dayRangeError('2027-01-01', '2026-12-31')).toBe('From is after To: swap them to see use between Dec 31, 2026 and Jan 1, 2027.');
	});
});
