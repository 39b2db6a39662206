import { figure } from '../counted';

/**
 * What the playground's Balance card says, in the dashboard's words ("Available", and under it "of
 * 91,900 in the account" as its card says what a cap leaves). `chosen`: the operation chosen, once the
 * server priced it (`spendable`: what it can spend on its feature and model now, a check's
 * `spendable`, the figure /check's `remaining_after` counts down from; null = unlimited): "Available
 * for Chatbot reply", with the account's Available under it when that is more (another module's free
 * allowance, another model's tokens). Before that (offline, no operation to price) the account's own
 * figures, as the dashboard's card: its Available ("Unlimited" with unlimited use of every model, some
 * models' unlimited use under it: the server's `unlimitedShown`, as GET /api/v1/balance says them), or
 * what a cap on this person's use leaves them (`bound`: capBoundAvailable's `tokens` and `sub`).
 */
export function balanceCard(
	chosen: { name: string; spendable: number | null } | null,
	account: { available: number; unlimited: { every: boolean; words: string | null } | undefined; bound: { tokens: number; sub: string } | null }
): { label: string; figure: string; sub: string | null } {
	if (chosen) {
		const less = chosen.spendable !== null && chosen.spendable < account.available;
		return {
			label: `Available for ${chosen.name}`,
			figure: chosen.spendable === null ? 'Unlimited' : figure(chosen.spendable),
			sub: less ? (account.bound?.sub ?? `of ${figure(account.available)} in the account`) : null
		};
	}
	if (account.bound) return { label: 'Available to you', figure: figure(account.bound.tokens), sub: account.bound.sub };
	return { label: 'Available in the account', figure: account.unlimited?.every ? 'Unlimited' : figure(account.available), sub: account.unlimited?.words ?? null };
}
