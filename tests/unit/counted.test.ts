import { describe, expect, it } from 'vitest';
import { counted, figure, nounFor } from '../../src/lib/counted';

// Every "N tokens" the app writes, on a page, in a mail or a push, comes from counted: one token is
// "1 token", never "1 tokens".
const en = new Intl.NumberFormat('en').format;

describe('a count and its noun', () => {
	it('is singular for exactly one, plural for none, two and more, with the thousands the reader reads', () => {
		expect(counted(1, 'token', en)).toBe('1 token');
		expect(counted(0, 'token', en)).toBe('0 tokens');
		expect(counted(2, 'token', en)).toBe('2 tokens');
		expect(counted(1_000, 'token', en)).toBe('1,000 tokens');
		expect(counted(1_500_000, 'free token', en)).toBe('1,500,000 free tokens');
	});

	it('says a taking of one as one (−1 token) and a fraction as many (1.5 tokens, 0.07 tokens per word)', () => {
		expect(counted(-1, 'token', en)).toBe('-1 token');
		expect(counted(-300, 'token', en)).toBe('-300 tokens');
		expect(counted(1.5, 'token', en)).toBe('1.5 tokens');
		expect(counted(0.07, 'token', String)).toBe('0.07 tokens');
	});

	it('writes the figure with the formatter it is given (a sign, plain digits), the reader’s locale by default', () => {
		expect(counted(1, 'token', (n) => `+${n}`)).toBe('+1 token');
		expect(counted(1234, 'day', String)).toBe('1234 days');
		expect(counted(1234, 'token')).toBe(`${figure(1234)} tokens`);
		expect(figure(1234)).toBe(new Intl.NumberFormat().format(1234));
	});

	it('follows English’s plural rule (Intl.PluralRules) for every kind of figure', () => {
		const english = new Intl.PluralRules('en');
		for (const n of [-2, -1, -0.5, 0, 0.07, 1, 1.5, 2, 11, 21, 101, 1_000, 1_000_001]) {
			expect(nounFor(n, 'token'), String(n)).toBe(english.select(n) === 'one' ? 'token' : 'tokens');
		}
	});

	it('gives the noun alone, by the same rule, where a page styles the figure apart', () => {
		expect([0, 1, 2].map((n) => nounFor(n, 'token'))).toEqual(['tokens', 'token', 'tokens']);
	});
});
