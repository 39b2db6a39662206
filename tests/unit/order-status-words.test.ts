import { describe, expect, it } from 'vitest';
import { orderStatusWords } from '../../src/lib/client/purchase-status';

describe("the Payments page's order status", () => {
	it('says what a purchase list says, not the code', () => {
		expect(orderStatusWords('partially_refunded')).toBe('Partly refunded');
		expect(orderStatusWords('charged_back')).toBe('Charged back');
		expect(orderStatusWords('refunded')).toBe('Refunded');
		expect(orderStatusWords('failed')).toBe('Failed');
	});
	it('shows a status it does not know as it came', () => {
		expect(orderStatusWords('on_hold')).toBe('on_hold');
	});
});
