// Money amounts are kept in the currency's minor unit, as Paddle Billing counts them: cents for USD,
// whole yen for JPY. Every parse and format of an amount goes through these, on the client and the server.

/**
 * Paddle's currencies without a smaller unit (ISO 4217 exponent 0). A table, not Intl's
 * `maximumFractionDigits`: Intl says 0 for COP and HUF too (cash rounding), where ISO and Paddle count hundredths.
 */
const WHOLE_UNIT = new Set(['CLP', 'JPY', 'KRW', 'VND']);

/** The digits after the point in `currency`'s main unit (ISO 4217 code, any case): 2 for USD and EUR, 0 for JPY and KRW. */
export const minorDigits = (currency: string): 0 | 2 => (WHOLE_UNIT.has(currency.toUpperCase()) ? 0 : 2);

/** Minor units in the main unit: (1250, 'USD') → 12.5; (550, 'JPY') → 550. */
export const toMain = (minor: number, currency: string): number => minor / 10 ** minorDigits(currency);

/** A main-unit amount in minor units, rounded to the nearest: (12.5, 'USD') → 1250; (550, 'JPY') → 550. */
export const toMinor = (main: number, currency: string): number => Math.round(main * 10 ** minorDigits(currency));

/** Minor units as a price in `locale` (the reader's by default), with the currency's own digits: "$12.50", "¥550". */
export function money(minor: number, currency: string, locale?: string): string {
	const d = minorDigits(currency);
	return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: d, maximumFractionDigits: d }).format(minor / 10 ** d);
}

/**
 * A per-1,000-token price, from hundredths of the currency's minor unit (so cheap packs do not round to zero):
 * two more digits than the currency has below one minor unit ("$0.0005": $0.50 for 1,000,000 tokens, which one
 * more digit rounded up to "$0.001", twice the price), one more below ten ("$0.045", "¥5.5"), its own digits from there.
 */
export function per1k(centiMinor: number, currency: string): string {
	const d = minorDigits(currency);
	const digits = centiMinor < 100 ? d + 2 : centiMinor < 1000 ? d + 1 : d;
	return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: d, maximumFractionDigits: digits }).format(centiMinor / 10 ** (d + 2));
}
