import { describe, expect, it } from 'vitest';
import { lotEnd } from '../../src/lib/client/lots';

describe("an ended lot's line", () => {
	it('says "none left" for a lot whose tokens are all spent or taken back, even before its expiry date', () => {
		expect(lotEnd({ remaining: 0, unlimited: false })).toBe('none left');
	});
	it('says "expired" for a lot that ended with tokens in it, and for an unlimited lot (it holds no count)', () => {
		expect(lotEnd({ remaining: 1_225, unlimited: false })).toBe('expired');
		expect(lotEnd({ remaining: 0, unlimited: true })).toBe('expired');
	});
});
