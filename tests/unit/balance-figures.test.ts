import { describe, expect, it } from 'vitest';
import { balanceOf } from '../../src/lib/balance-figures';

describe('an account’s balance figures', () => {
	it('counts every model’s lots in the balance and only the model-free ones in the general balance; unlimited lots add nothing', () => {
		expect(
			balanceOf([
				{ model: null, remaining: 1_200 },
				{ model: 'gpt-5-nano', remaining: 50_000 },
				{ model: 'claude-sonnet-4-5', remaining: 0 }
			])
		).toEqual({ balance: 51_200, general: 1_200 });
	});

	it('counts the tokens beside an unlimited lot in its allocation: unlimited use takes none of them, and they are there when it ends', () => {
		// An allocation with an unlimited lot is unlimited; its remaining is its other lots' (an unlimited lot's is 0).
		const unlimitedGeneral = { model: null, remaining: 6_000, unlimited: true };
		expect(balanceOf([unlimitedGeneral])).toEqual({ balance: 6_000, general: 6_000 });
	});

	it('is zero for an account with no lots', () => {
		expect(balanceOf([])).toEqual({ balance: 0, general: 0 });
	});
});
