import { describe, expect, it } from 'vitest';
import { parseTokenAmount, readTokenAmount } from '../../src/lib/client/amount';
import { parseRollover } from '../../src/lib/client/admin/rollover';
import { readLimit } from '../../src/lib/client/admin/limits';
import { describeChange, parseBalanceInput } from '../../src/lib/client/admin/balance-edit';

// Every token amount typed in the admin console (a user's bonus, a campaign, limits, rollover maximums,
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
		expect(readLimit({ choice: 'tokens', text: '2,000' })).toEqual({ ok: true, value: 2000 });
		expect(readLimit({ choice: 'tokens', text: '1.5' })).toMatchObject({ ok: false });
		expect(parseBalanceInput('+1,000', 0)).toEqual({ mode: 'delta', tokens: 1000, delta: 1000 });
		expect(parseBalanceInput('−1,000', 5000)).toEqual({ mode: 'delta', tokens: -1000, delta: -1000 });
		expect(parseBalanceInput('1,250', 1000)).toEqual({ mode: 'set', tokens: 1250, delta: 250 });
	});

	it('in the balance editor, says the most an adjustment takes for too many digits, and what to type for anything else', () => {
		for (const typed of ['+1,000,000,000,001', '+99999999999999999999', '−99999999999999999999']) {
			expect(parseBalanceInput(typed, 0), typed).toBeNull();
			expect(describeChange(null, 0, String, typed), typed).toBe('The amount is at most 1,000,000,000,000 tokens.');
		}
		// A figure to set may be past MAX_TOKENS (a balance is the sum of its lots): its bound is what JS counts exactly.
		expect(parseBalanceInput('99999999999999999999', 0)).toBeNull();
		expect(describeChange(null, 0, String, '99999999999999999999')).toBe('The amount is at most 9,007,199,254,740,991 tokens.');
		expect(parseBalanceInput('+1,000,000,000,000', 0)).toEqual({ mode: 'delta', tokens: 1_000_000_000_000, delta: 1_000_000_000_000 });
		for (const typed of ['', 'ten', '1.5']) expect(describeChange(parseBalanceInput(typed, 0), 0, String, typed), typed).toMatch(/^Type a number to set the general balance/);
	});

	it('reads a field against its server maximum: too many digits is "at most", never "not whole"', () => {
		const range = { min: 1, max: 1_000_000_000_000 };
		expect(readTokenAmount('1,000', range)).toEqual({ ok: true, value: 1000 });
		expect(readTokenAmount('1,000,000,000,000', range)).toEqual({ ok: true, value: 1e12 });
		for (const typed of ['1,000,000,000,001', '99999999999999999', '99999999999999999999', '9'.repeat(400)]) {
			expect(readTokenAmount(typed, range), typed).toEqual({ ok: false, error: 'The amount is at most 1,000,000,000,000 tokens.' });
		}
		for (const typed of ['abc', '0', '1.5', '-5', '']) {
			expect(readTokenAmount(typed, range), typed).toEqual({ ok: false, error: 'The amount is a whole number of tokens from 1 to 1,000,000,000,000.' });
		}
		expect(readTokenAmount('abc', { ...range, what: 'A limit', rule: 'Or empty.' })).toEqual({ ok: false, error: 'Or empty.' });
		expect(readTokenAmount('2,000,000,000,000', { ...range, what: 'A limit' })).toEqual({ ok: false, error: 'A limit is at most 1,000,000,000,000 tokens.' });
	});

	it('tells limits and rollover maximums their own maximum too', () => {
		const limit = (text: string) => readLimit({ choice: 'tokens', text });
		expect(limit('99999999999999999')).toEqual({ ok: false, error: 'A limit is at most 1,000,000,000,000 tokens.' });
		expect(limit('0')).toEqual({ ok: true, value: 0 });
		expect(limit('abc')).toEqual({ ok: false, error: 'A whole number of tokens (0: not available), or choose Unlimited or None.' });
		expect(parseRollover({ on: true, capKind: 'tokens', cap: '99999999999999999', expiresAfter: '' })).toEqual({ ok: false, problems: [{ field: 'cap', error: 'The maximum held is at most 9,007,199,254,740,991 tokens.' }] });
	});
});
