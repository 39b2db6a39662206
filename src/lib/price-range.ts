// A package's price, in cents, and its Paddle price ids: the catalog's rules (store/catalog.ts) and the admin's form say the same.

/** The lowest price, in cents: a package costs something (tokens given away are a bonus, with its own audit trail). */
export const MIN_PRICE_CENTS = 1;
/** The highest price, in cents (1,000,000.00 in the package's currency). */
export const MAX_PRICE_CENTS = 100_000_000;
/** The rule in words, as the form shows it. */
export const PRICE_RULE = 'The price is an amount from 0.01 to 1,000,000, like 12 or 12.50: tokens given away are a bonus (Campaigns), not a package.';

/** A Paddle price id: pri_ then at least 4 lower-case letters, digits or underscores. */
export const PADDLE_PRICE_ID = /^pri_[a-z0-9_]{4,}$/;
/** That rule in words, as the form shows it beside the field. */
export const PADDLE_PRICE_ID_RULE = 'That is not a Paddle price id: pri_ then at least 4 lower-case letters, digits or _ (Paddle shows it with the price); or leave it empty.';
