// The one meaning of an account's balance figures, for every page that shows them (the dashboard,
// the admin's users list, a user's detail, the balance editor), so the same word is the same number.

/** What each figure is, in the words the pages show beside it. */
export const FIGURE_MEANING = {
	// Read after `balance` wherever both show (the dashboard, a user's admin page): it builds on it.
	available: "Available: the balance plus what remains of this period's free allowances (one with no limit adds nothing).",
	balance: "Balance: the tokens in the account's lots (bought, granted, bonuses), on every model, less what running jobs hold of them. Free allowances are not in it."
} as const;

/**
 * The balance (tokens in lots, every model; unlimited lots add nothing countable, but the tokens
 * beside one in its allocation count: they are there when unlimited use ends) and the general
 * balance (of those, the ones with no model) of an account's allocations (ledger.summary's, one per
 * model scope, holds already deducted). Tokens.
 */
export function balanceOf(allocations: readonly { model: string | null; remaining: number }[]): { balance: number; general: number } {
	let balance = 0;
	let general = 0;
	for (const a of allocations) {
		balance += a.remaining;
		if (a.model === null) general += a.remaining;
	}
	return { balance, general };
}
