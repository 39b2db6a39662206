import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { costOf, rateUnits, RATE_DECIMALS } from '../../src/lib/cost';

// The cost the ledger charges is ceil(units × rate) in exact decimals (DESIGN.md "Rate"); the
// same computation in SQL is compared with this one in tests/integration/cost.test.ts.
describe('what an operation costs', () => {
	it('is exact where floating point is not: 100 characters at 0.07 tokens cost 7', () => {
		expect(100 * 0.07).not.toBe(7); // the fault this guards against: ceil(7.000000000000001) = 8
		expect(costOf(100, 0.07)).toBe(7);
		expect(costOf(100, '0.0700')).toBe(7);
		expect(costOf(3, 0.1)).toBe(1); // 0.30000000000000004 in a double
		expect(costOf(10, 0.3)).toBe(3);
	});

	it('rounds a part of a token up, once, for the whole operation', () => {
		expect(costOf(3, 2.5)).toBe(8);
		expect(costOf(1, 0.0001)).toBe(1);
		expect(costOf(10_000, 0.0001)).toBe(1);
		expect(costOf(10_001, 0.0001)).toBe(2);
		expect(costOf(1, 65)).toBe(65);
		expect(costOf(0, 2.5)).toBe(0);
	});

	it('stays exact at the largest units and rates the ledger accepts', () => {
		expect(costOf(1_000_000_000, 1_000_000)).toBe(1_000_000_000_000_000);
		// 999,999,999 × 999,999.9999 = 999,999,998,900,000.0001: a double cannot even hold the product.
		expect(costOf(999_999_999, 999_999.9999)).toBe(999_999_998_900_001);
	});

	it('refuses a rate with more places than the ledger stores, and units that are not whole', () => {
		expect(() => costOf(10, 0.00001)).toThrow(RangeError);
		expect(() => costOf(10, '1.23456')).toThrow(RangeError);
		expect(() => costOf(10, Number.NaN)).toThrow(RangeError);
		expect(() => costOf(10, -1)).toThrow(RangeError);
		expect(() => costOf(1.5, 2)).toThrow(RangeError);
		expect(() => costOf(-1, 2)).toThrow(RangeError);
		expect(rateUnits('2.50000')).toBe(25_000n);
		expect(rateUnits('2.5x')).toBeNull();
	});

	it('is the smallest whole number of tokens not below units × rate, for any units and rate', () => {
		const scale = 10n ** BigInt(RATE_DECIMALS);
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 1, max: 10_000_000_000 }), (units, rateTenThousandths) => {
				const rate = (Number(rateTenThousandths) / 10_000).toString();
				const cost = BigInt(costOf(units, rate));
				const exact = BigInt(units) * BigInt(rateTenThousandths); // units × rate, in 1/10,000 tokens
				expect(cost * scale >= exact).toBe(true);
				expect((cost - 1n) * scale < exact).toBe(true);
			})
		);
	});
});
