import { describe, expect, it } from 'vitest';
import { noCostWords, parseRate, previewCost, unitsIn } from '../../src/lib/client/admin/rates';

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
	it('says why it shows no cost for a rate the form would refuse, and only a dash while none is typed', () => {
		expect(noCostWords('0.333333')).toBe('No cost to show until the rate is above 0, at most 1,000,000, with at most 4 decimal places.');
		expect(noCostWords('-1')).toMatch(/^No cost to show until/);
		expect(noCostWords('')).toBe('—');
		expect(noCostWords('2.5')).toBe('—');
	});
});
