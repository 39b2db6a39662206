import { describe, expect, it } from 'vitest';
import { freeStartWords } from '../../src/lib/free-start';

const format = (n: number) => new Intl.NumberFormat('en').format(n);

describe('the sign-up promise', () => {
	it('names each module the site gives free, with its tokens and period', () => {
		expect(
			freeStartWords(
				[
					{ name: 'Chatbot', tokens: 10_000, period: 'daily' },
					{ name: 'AI Forms', tokens: 5_000, period: 'weekly' }
				],
				format
			)
		).toBe('Free to start: 10,000 tokens a day on Chatbot and 5,000 a week on AI Forms. Buy tokens when you need more.');
	});

	it('says unlimited and once-only allowances as they are', () => {
		expect(
			freeStartWords(
				[
					{ name: 'Chatbot', tokens: null, period: 'monthly' },
					{ name: 'Images', tokens: 500, period: 'never' },
					{ name: 'AI Forms', tokens: 1_200, period: 'monthly' }
				],
				format
			)
		).toBe('Free to start: unlimited use of Chatbot, 500 tokens to start on Images, and 1,200 a month on AI Forms. Buy tokens when you need more.');
	});

	it('promises nothing free when the site gives nothing free', () => {
		expect(freeStartWords([], format)).toBe('Buy tokens when you need them: you pay only for what you use.');
	});
});
