// A package's id, price in minor units, currency and Paddle price ids: the catalog's rules (store/catalog.ts) and the admin's form say the same.
import type { CurrencyCode } from '@paddle/paddle-node-sdk';
import { minorDigits } from './money';

/** A package's id: what checkouts and webhooks name it by, fixed once saved. */
export const PACKAGE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
/** That rule in words, as the form shows it beside the field. */
export const PACKAGE_ID_RULE = 'The id is 2 to 63 lower-case letters, digits and dashes, starting with a letter or digit, like token-pack.';
/** A package's name: 2 to 80 characters, spaces at either end not counted. */
export const PACKAGE_NAME_RULE = 'The name is 2 to 80 characters, like Token pack.';

/** The lowest price, in minor units (a cent, a yen): a package costs something (tokens given away are a bonus, with its own audit trail). */
export const MIN_PRICE_CENTS = 1;
/** The highest price in `currency`'s minor units: 1,000,000 of its main unit (100,000,000 cents; 1,000,000 yen). */
export const maxPriceMinor = (currency: string) => 1_000_000 * 10 ** minorDigits(currency);
/** The rule in words, as the form shows it: whole amounts only in a currency without a smaller unit (JPY, KRW…). */
export const priceRule = (currency: string) =>
	minorDigits(currency) === 0
		? 'The price is a whole amount from 1 to 1,000,000, like 550: tokens given away are a bonus (Bonuses), not a package.'
		: 'The price is an amount from 0.01 to 1,000,000 with at most two decimals, like 12 or 12.50: tokens given away are a bonus (Bonuses), not a package.';

/** A Paddle price id: pri_ then at least 4 lower-case letters, digits or underscores. */
export const PADDLE_PRICE_ID = /^pri_[a-z0-9_]{4,}$/;
/** A package's price id field in each Paddle environment: "Add package" fills the one of the environment the site sells in when left empty. */
export const PRICE_FIELD = { sandbox: 'paddlePriceSandbox', production: 'paddlePriceProduction' } as const;
/** That rule in words, as the form shows it beside the field. */
export const PADDLE_PRICE_ID_RULE = 'That is not a Paddle price id: pri_ then at least 4 lower-case letters, digits or _ (Paddle shows it with the price); or leave it empty.';

/** The currencies Paddle Billing prices in (the SDK's CurrencyCode: the check below fails the build when Paddle's list and this differ). */
const PADDLE_CURRENCY_SET = {
	USD: 1, EUR: 1, GBP: 1, JPY: 1, AUD: 1, CAD: 1, CHF: 1, CLP: 1, HKD: 1, SGD: 1, SEK: 1, ARS: 1, BRL: 1, CNY: 1, COP: 1, CZK: 1, DKK: 1,
	HUF: 1, ILS: 1, INR: 1, KRW: 1, MXN: 1, NOK: 1, NZD: 1, PEN: 1, PLN: 1, RUB: 1, THB: 1, TRY: 1, TWD: 1, UAH: 1, VND: 1, ZAR: 1
} satisfies Record<CurrencyCode, 1>;
/** Those currencies' ISO 4217 codes. */
export const PADDLE_CURRENCIES = Object.keys(PADDLE_CURRENCY_SET) as CurrencyCode[];
/** Whether `code` (upper case) is one of them. */
export const isPaddleCurrency = (code: string): code is CurrencyCode => Object.hasOwn(PADDLE_CURRENCY_SET, code);
/** The rule in words, after the field's name (the form offers only these, in a list). */
export const CURRENCY_RULE = 'must be a currency Paddle Billing prices in, as its 3-letter code (USD, EUR, GBP, …)';
