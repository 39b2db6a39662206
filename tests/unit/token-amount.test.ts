import { describe, expect, it } from 'vitest';
import { parseTokenAmount } from '../../src/lib/client/admin/amount';
import { parseLimit } from '../../src/lib/client/admin/limits';
import { parseBalanceInput } from '../../src/lib/client/admin/balance-edit';

// Every token amount typed in the admin console (a user's bonus, a campaign, limits, rollover caps,
// the balance editor) is read by one parser: with or without thousands separators.
describe('a typed token amount', () => {
	it('takes digits with or without one kind of thousands separator', () => {
		for (const typed of ['1000', '1,000', ' 1 000 ', '1.000', "1'000", '1’000', '1_000', '1\u202f000']) expect(parseTokenAmount(typed), typed).toBe(1000);
		expect(parseTokenAmount('1,234,567')).toBe(1_234_567);
		expect(parseTokenAmount('0')).toBe(0);
	});

	it('refuses decimals, signs, letters, mixed or short groups and amounts past the safe integers', () => {
		for (const typed of ['1.5', '1,00', '1,000.5', '1,000 000', '-5', '+5', '5k', '', '1e3', '9007199254740993']) expect(parseTokenAmount(typed), typed).toBeNaN();
	});

	it('is the reading of the bonus form, the campaign form, limits and the balance editor alike', () => {
		expect(parseLimit('2,000')).toEqual({ ok: true, value: 2000 });
		expect(parseLimit('1.5')).toMatchObject({ ok: false });
		expect(parseBalanceInput('+1,000', 0)).toEqual({ mode: 'delta', tokens: 1000, delta: 1000 });
		expect(parseBalanceInput('−1,000', 5000)).toEqual({ mode: 'delta', tokens: -1000, delta: -1000 });
		expect(parseBalanceInput('1,250', 1000)).toEqual({ mode: 'set', tokens: 1250, delta: 250 });
	});
});
