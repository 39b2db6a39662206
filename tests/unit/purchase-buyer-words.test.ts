import { describe, expect, it } from 'vitest';
import { buyerWords, purchaseName } from '../../src/lib/client/purchase-status';

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

describe('a purchase as the lists name it', () => {
	it('says a renewal and an auto top-up beside the package, on every list alike', () => {
		const p = { productName: 'Monthly plan', quantity: 1, renewal: false, autoTopUp: false };
		expect(purchaseName(p)).toBe('Monthly plan');
		expect(purchaseName({ ...p, renewal: true })).toBe('Monthly plan · renewal');
		expect(purchaseName({ ...p, productName: 'Token pack', autoTopUp: true })).toBe('Token pack · auto top-up');
		expect(purchaseName({ ...p, productName: 'Token pack', quantity: 3 })).toBe('Token pack × 3');
	});
});
