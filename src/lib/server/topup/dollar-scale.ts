// A bound in dollars, in another currency: auto top-up's monthly money limit (rules.ts maxMoneyMinor).

/**
 * How many of a currency's main units make about one US dollar, as the power of ten at or below its
 * rate (1 for those worth a dollar or more): so a bound like "a million" means about as much money in
 * every currency, ₩1,000,000,000 and ₫10,000,000,000 as $1,000,000. From the rates of 2024–2025: the
 * ECB's euro reference rates crossed through the dollar, and for the currencies it does not publish
 * (ARS, CLP, COP, PEN, RUB, TWD, UAH, VND) their central banks' official rates. A power of ten holds
 * while a rate moves within its decade; one that crosses it is changed here.
 */
const PER_DOLLAR: Record<string, number> = {
	ARS: 1000, CLP: 100, COP: 1000, CZK: 10, HUF: 100, INR: 10, JPY: 100, KRW: 1000, MXN: 10, NOK: 10, RUB: 10,
	SEK: 10, THB: 10, TRY: 10, TWD: 10, UAH: 10, VND: 10000, ZAR: 10
};

/** `dollars` (a bound in US-dollar-sized units) in `currency`'s main unit, by PER_DOLLAR: (1,000,000, 'KRW') → 1,000,000,000; (1,000,000, 'EUR') → 1,000,000. */
export const dollarScaled = (dollars: number, currency: string): number => dollars * (PER_DOLLAR[currency.toUpperCase()] ?? 1);
