import { describe, expect, it } from 'vitest';
import { buyerWords } from '../../src/lib/client/purchase-status';

describe('who bought a purchase, in words', () => {
	it('names the member who opened the checkout', () => {
		expect(buyerWords({ buyer: 'Maya Lee', renewal: false, autoTopUp: false })).toBe('Bought by Maya Lee');
	});
	it('says what Paddle billed with no checkout, and a buyer not kept as such, never blank', () => {
		expect(buyerWords({ buyer: null, renewal: true, autoTopUp: false })).toBe('Renewed by its subscription');
		expect(buyerWords({ buyer: null, renewal: false, autoTopUp: true })).toBe('Charged by auto top-up');
		expect(buyerWords({ buyer: null, renewal: false, autoTopUp: false })).toBe('Buyer not recorded');
	});
});
