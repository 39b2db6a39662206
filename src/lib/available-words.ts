// What a person can spend of an account now, when a cap on their use leaves less than the account's
// Available: the figure the dashboard's Available card and the playground show them, the one a check's
// remaining (POST /api/v1/check) counts down from. Worded with the figures by the server (the dashboard's
// answer): the dashboard's start JavaScript has no room for it.

const en = new Intl.NumberFormat('en').format;

/** Whose cap binds (a check's `cap.limitOf`): a member's or the pool's own in a team pool, else the account's own. */
type CapOf = 'user' | 'team' | 'guest' | 'member';

/**
 * `tokens`: what the cap leaves the viewer, when that is less than the account's `available`; `sub`,
 * under it, what the account itself has, short enough for a summary card's line on a 390 px phone
 * ("of 91,900 in the pool"; the cap line under the cards names the cap and says the same figure);
 * `meaning`, what the dashboard adds to the figures' meaning then. null when no cap is in force or it
 * leaves as much as the account has or more: the account's Available is then what the viewer can spend.
 */
export function capBoundAvailable(available: number, cap: { limitOf: CapOf; left: number } | null): { tokens: number; sub: string; meaning: string } | null {
	if (!cap || cap.left >= available) return null;
	const pool = cap.limitOf === 'member' || cap.limitOf === 'team';
	return {
		tokens: cap.left,
		sub: `of ${en(available)} in the ${pool ? 'pool' : 'account'}`,
		meaning: `For you it is what the cap above leaves, less than the ${pool ? "pool's" : "account's"} ${en(available)}.`
	};
}

/**
 * What a cap on a person's use leaves them of an account, when less than its Available (capBoundAvailable's
 * `tokens` and `sub`), with the cap's line as the dashboard shows it ("Your daily cap in this team: 4,955 of
 * 5,000 tokens left today"): what the store says after a purchase (ledger viewerAvailableRead).
 */
export interface CapBound {
	tokens: number;
	sub: string;
	line: string;
}

/**
 * The dashboard's Available card, worded with the figures by the server (the start JavaScript has no
 * room for it): `value`, what the viewer can spend now — what a cap leaves them (`bound`,
 * capBoundAvailable's), else "Unlimited" with unlimited use of every model (`unlimited.every`, GET
 * /api/v1/balance's `unlimited`), else the account's `available` tokens; `sub`, under it, the cap's
 * words, or the unlimited use (`unlimited.words`, allocationWords') and the tokens `held`.
 */
export function availableCard(available: number, held: number, unlimited: { every: boolean; words: string | null }, bound: { tokens: number; sub: string } | null): { value: string; sub: string } {
	if (bound) return { value: en(bound.tokens), sub: bound.sub };
	return { value: unlimited.every ? 'Unlimited' : en(available), sub: [unlimited.words, held ? `${en(held)} on hold` : ''].filter(Boolean).join(' · ') || 'none on hold' };
}

/**
 * The dashboard's warning above its figures, worded with them by the server (the start JavaScript has
 * no room for it), or null: none while the balance is fine, nor for a member who never had tokens and
 * still has free allowances (nothing is "left" to run out of). `level`, the balance's indicator;
 * `freeLeft`, whether a free allowance can still pay now. `tone` is the alert's class: 'empty' only
 * when nothing at all can pay.
 */
export function lowBalanceAlert(level: 'ok' | 'low' | 'empty', everGranted: boolean, freeLeft: boolean): { tone: 'low' | 'empty'; text: string } | null {
	if (level === 'ok' || (!everGranted && freeLeft)) return null;
	const text =
		level === 'low'
			? 'Tokens are running low — buy more'
			: !everGranted
				? 'You have no tokens yet — buy a pack to get started'
				: freeLeft
					? 'No purchased tokens left (free allowances still apply) — buy more'
					: 'You have no tokens left — buy more to keep going';
	return { tone: level === 'empty' && everGranted && !freeLeft ? 'empty' : 'low', text };
}
