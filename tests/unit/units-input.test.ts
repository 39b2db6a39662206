import { describe, expect, it } from 'vitest';
import { readUnits, unitsRule } from '../../src/lib/client/units-input';

describe("the playground's units field", () => {
	it('takes a whole number from 1 to 1,000,000,000', () => {
		expect(readUnits(1)).toEqual({ units: 1, error: null });
		expect(readUnits(100)).toEqual({ units: 100, error: null });
		expect(readUnits(1_000_000_000)).toEqual({ units: 1_000_000_000, error: null });
	});

	it("refuses anything else in the server's words", () => {
		const UNITS_RULE = unitsRule();
		expect(UNITS_RULE).toBe('Units must be a whole number from 1 to 1,000,000,000.');
		for (const value of [null, undefined, 0, -5, 2.5, 1_000_000_001, 99_999_999_999_999, Number.NaN, Number.POSITIVE_INFINITY]) {
			expect(readUnits(value), String(value)).toEqual({ units: null, error: UNITS_RULE });
		}
	});

	it('refuses letters, which a number input reports as empty with badInput', () => {
		expect(readUnits(null, true)).toEqual({ units: null, error: unitsRule() });
		expect(readUnits(5, true)).toEqual({ units: null, error: unitsRule() });
	});

	it('names the field as the page labels it', () => {
		expect(readUnits(0, false, 'The number of words')).toEqual({ units: null, error: 'The number of words must be a whole number from 1 to 1,000,000,000.' });
	});
});
