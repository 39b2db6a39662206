// The largest token amount anywhere: the ledger's rule (ledger/validate.ts) and the console's forms say the same.

/**
 * Largest token amount accepted anywhere, as one figure or one change (a grant, a debit, an admin's
 * adjustment): far below 2^53, so sums stay exact in JS numbers. It bounds a change, not a balance: a
 * balance is the sum of its lots, each up to this, so it may be larger (ledger `adjustBalance`).
 */
export const MAX_TOKENS = 1_000_000_000_000;
