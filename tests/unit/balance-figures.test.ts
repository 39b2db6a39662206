import { describe, expect, it } from 'vitest';
import { balanceOf } from '../../src/lib/balance-figures';

describe('an account’s balance figures', () => {
	it('counts every model’s lots in the balance and only the model-free ones in the general balance; unlimited lots add nothing', () => {
		expect(
			balanceOf([
				{ model: null, remaining: 1_200, unlimited: false },
				{ model: 'gpt-5-nano', remaining: 50_000, unlimited: false },
				{ model: 'claude-sonnet-4-5', remaining: 0, unlimited: true }
			])
		).toEqual({ balance: 51_200, general: 1_200 });
	});

	it('is zero for an account with no lots', () => {
		expect(balanceOf([])).toEqual({ balance: 0, general: 0 });
	});
});
