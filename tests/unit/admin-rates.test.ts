import { describe, expect, it } from 'vitest';
import { parseRate, previewCost, unitsIn } from '../../src/lib/client/admin/rates';

describe('the rate preview', () => {
	it('counts words and characters of a sample as a person does', () => {
		expect(unitsIn('  Hello   brave\nnew world ', 'word')).toBe(4);
		expect(unitsIn('', 'word')).toBe(0);
		expect(unitsIn('héllo 👋', 'character')).toBe(7);
	});
	it('costs a sample exactly as the ledger charges: ceil(units × rate), no floating-point drift', () => {
		expect(previewCost(100, '0.07')).toBe(7); // 100 × 0.07 is 7.000000000000001 in a double
		expect(previewCost(3, '2.5')).toBe(8);
		expect(previewCost(10, '1,5')).toBe(15); // a decimal comma is read as a point
	});
	it('refuses a rate the ledger would refuse, and shows no cost for it', () => {
		for (const bad of ['0', '-1', '0.00001', 'abc', '2000000']) {
			expect(parseRate(bad).ok).toBe(false);
			expect(previewCost(10, bad)).toBeNull();
		}
	});
});
