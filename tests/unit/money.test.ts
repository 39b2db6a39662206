import { describe, expect, it } from 'vitest';
import { minorDigits, money, per1k, toMain, toMinor } from '../../src/lib/money';
import { dollarScaled } from '../../src/lib/server/topup/dollar-scale';
import { maxMoneyMinor } from '../../src/lib/server/topup/rules';
import { PADDLE_CURRENCIES } from '../../src/lib/price-range';
import { priceWords } from '../../src/lib/server/topup/notify';

describe('amounts in a currency’s minor unit (as Paddle Billing counts them)', () => {
	it('knows how many digits each Paddle currency has after the point, as ISO 4217 does', () => {
		expect(['USD', 'EUR', 'GBP', 'COP', 'HUF'].map(minorDigits)).toEqual([2, 2, 2, 2, 2]);
		expect(['JPY', 'KRW', 'CLP', 'VND', 'jpy'].map(minorDigits)).toEqual([0, 0, 0, 0, 0]);
		// Intl agrees for every Paddle currency but two, where it rounds to cash (no fillér, no centavo) and ISO and Paddle keep hundredths.
		const intl = (c: string) => new Intl.NumberFormat('en', { style: 'currency', currency: c }).resolvedOptions().maximumFractionDigits;
		expect(PADDLE_CURRENCIES.filter((c) => intl(c) !== minorDigits(c)).sort()).toEqual(['COP', 'HUF']);
	});

	it('turns minor units into the main unit and back', () => {
		expect([toMain(1250, 'USD'), toMain(1250, 'EUR'), toMain(550, 'JPY'), toMain(550, 'KRW')]).toEqual([12.5, 12.5, 550, 550]);
		expect([toMinor(19.99, 'USD'), toMinor(12.5, 'EUR'), toMinor(550, 'JPY'), toMinor(550, 'KRW')]).toEqual([1999, 1250, 550, 550]);
	});

	it('shows ¥550 as ¥550, and $5.50 as $5.50, in the reader’s locale and in mail', () => {
		expect(money(550, 'JPY', 'en')).toBe('¥550');
		expect(money(550, 'KRW', 'en')).toBe('₩550');
		expect(money(550, 'USD', 'en')).toBe('$5.50');
		expect(money(550, 'EUR', 'de')).toBe('5,50\u00a0€');
		expect(money(12_345, 'HUF', 'en')).toBe('HUF\u00a0123.45');
		expect(priceWords(550, 'JPY')).toBe('¥550');
		expect(priceWords(500, 'USD')).toBe('$5.00');
	});

	it('shows a price per 1,000 tokens with one more digit when it is below ten minor units', () => {
		// Hundredths of a minor unit: ¥550 for 100 tokens is ¥5,500 per 1,000; $5.00 for 5,000 tokens is $1.00.
		expect(per1k(550_000, 'JPY')).toBe('¥5,500');
		expect(per1k(550, 'JPY')).toBe('¥5.5');
		expect(per1k(10_000, 'USD')).toBe('$1.00');
		expect(per1k(450, 'USD')).toBe('$0.045');
		expect(per1k(450, 'KRW')).toBe('₩4.5');
	});

	it('shows a price below one minor unit per 1,000 tokens as it is, not rounded up: $0.50 for 1,000,000 tokens is $0.0005', () => {
		expect(per1k(5, 'USD')).toBe('$0.0005');
		expect(per1k(1, 'USD')).toBe('$0.0001');
		expect(per1k(50, 'USD')).toBe('$0.005');
		expect(per1k(5, 'JPY')).toBe('¥0.05');
	});

	it('scales a bound in dollars to each currency’s magnitude, never below what auto top-up took before', () => {
		expect(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'KRW', 'VND', 'INR'].map((c) => dollarScaled(1_000_000, c))).toEqual([1e6, 1e6, 1e6, 1e6, 1e8, 1e9, 1e10, 1e7]);
		expect(dollarScaled(1, 'krw')).toBe(1000);
		// Rules were saved up to 100,000,000 minor units of any currency, then up to 1,000,000 of its main unit: every one still saves.
		const below = PADDLE_CURRENCIES.filter((c) => maxMoneyMinor(c) < Math.max(100_000_000, toMinor(1_000_000, c)));
		expect(below).toEqual([]);
	});
});
