// The largest token amount anywhere: the ledger's rule (ledger/validate.ts) and the console's forms say the same.

/** Largest token amount accepted anywhere: far below 2^53, so sums stay exact in JS numbers. */
export const MAX_TOKENS = 1_000_000_000_000;
