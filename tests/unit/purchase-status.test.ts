import { describe, expect, it } from 'vitest';
import { amountWords } from '../../src/lib/client/purchase-status';

describe('a purchase’s amount in the lists', () => {
	it('is the amount charged, or says that nothing was', () => {
		expect(amountWords({ amountCents: 500, currency: 'EUR' })).toBe('€5.00');
		expect(amountWords({ amountCents: 1250, currency: null })).toBe('$12.50');
		expect(amountWords({ amountCents: null, currency: 'USD' })).toBe('nothing charged');
	});
});
