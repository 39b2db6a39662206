// The words Settings and the dashboard use for auto top-up: the rule, where it stands, how it pays.
import { tokens, duration, dateTime } from './format';
import { counted } from '../counted';
import { minorDigits, money, toMinor } from '$lib/money';
import type { Outputs } from './api-types';

export type TopupView = Outputs['topup']['view'];
export type AccountTopup = TopupView['accounts'][number];
export type TopupPackage = TopupView['packages'][number];

/** "Token pack (5,000 tokens, $5.00)". */
export function packageWords(p: TopupPackage): string {
	return `${p.name} (${counted(p.tokens, 'token')}, ${money(p.priceCents, p.currency)})`;
}

/** "When available tokens fall below 5,000, buy Token pack (5,000 tokens, $5.00)." */
export function ruleWords(rule: NonNullable<AccountTopup['rule']>, pack: TopupPackage | undefined): string {
	return `When available tokens fall below ${tokens(rule.belowTokens)}, buy ${pack ? packageWords(pack) : 'the chosen package'}.`;
}

/** "At most 3 a month and $20.00 a month, at least 1 h apart." */
export function capWords(rule: NonNullable<AccountTopup['rule']>, currency: string): string {
	const caps = [
		rule.maxPerMonth !== null ? `${counted(rule.maxPerMonth, 'top-up')} a month` : null,
		rule.maxCentsPerMonth !== null ? `${money(rule.maxCentsPerMonth, currency)} a month` : null
	].filter(Boolean);
	const apart = rule.cooldownSeconds > 0 ? `, at least ${duration(rule.cooldownSeconds * 1000)} apart` : '';
	return `At most ${caps.join(' and ')}${apart}.`;
}

/**
 * Where the rule stands, with the next trigger point: how far available tokens are from it, or what
 * holds the next top-up back. `now` and `timeZone` (default the app's) for a cooldown's end.
 */
export function stateWords(a: AccountTopup, timeZone?: string | null, now = Date.now()): string {
	const rule = a.rule;
	if (!rule || a.state === 'off') return rule?.offReason ?? 'Off. Tokens are only bought when you buy them.';
	const below = tokens(rule.belowTokens);
	// Served: whether they dropped below the trigger or were below it when it was set, this time below it was acted on.
	if (a.state === 'served') return `Acted on while below ${below}. The next top-up comes once available tokens are back at ${below} or more and fall below again.`;
	if (a.state === 'held' && a.heldBack) {
		if (a.heldBack.reason === 'count_cap') return `Held: this month's ${counted(rule.maxPerMonth ?? 0, 'top-up')} ${rule.maxPerMonth === 1 ? 'is' : 'are'} used. It tops up again next month.`;
		if (a.heldBack.reason === 'money_cap') return `Held: another top-up would pass this month's limit of ${money(rule.maxCentsPerMonth ?? 0, rule.currency)}. It tops up again next month.`;
		const until = a.heldBack.until ? Date.parse(a.heldBack.until) : now;
		return `Held: cooling down for ${duration(until - now)} (until ${dateTime(until, timeZone)}).`;
	}
	if (a.available < rule.belowTokens) return `Below ${below} now: a top-up starts in a moment.`;
	return `Next top-up when available tokens fall below ${below}: ${counted(a.available - rule.belowTokens + 1, 'token')} from now.`;
}

/** How a top-up is paid for this account, and why a notice comes instead when there is no subscription. */
export function paymentWords(a: AccountTopup): string {
	return a.chargeable
		? 'Charged to the payment method of your subscription, without a checkout; the tokens arrive when Paddle confirms the payment.'
		: 'No active subscription: Paddle can only charge without a checkout on a subscription, so each time you get a notice (in the app and by push) that opens the checkout with one tap.';
}

/** One of this month's top-ups: "Charged · tokens added", "Notice sent", "Bought 4 Dec 2026, 12:52" (from its notice), "Declined". */
export function recordWords(t: AccountTopup['month']['topups'][number]): string {
	switch (t.status) {
		case 'charged':
			if (t.boughtAt) return `Bought ${dateTime(t.boughtAt)}`;
			return t.orderStatus === 'completed' ? 'Charged · tokens added' : t.orderStatus === 'failed' ? 'Charge failed' : 'Charged · waiting for Paddle';
		case 'claimed':
		case 'charging':
			return 'Charging…';
		case 'notice':
			return 'Notice sent';
		case 'declined':
			return 'Declined';
		case 'failed':
			return 'Could not charge';
	}
}

/** The auto top-up form's values as typed: numbers, null for an empty field, NaN for one the browser could not read. */
export interface TopupDraft {
	belowTokens: number | null;
	maxPerMonth: number | null;
	/** In the package's currency's main unit (dollars, yen…), not minor units. */
	maxMoney: number | null;
}

export type TopupField = 'below' | 'pack' | 'count' | 'money';

/**
 * What is wrong with the form, said beside each field (empty: it can be saved), with the server's
 * limits (`topup.view`'s `limits`): the trigger 1 to maxBelowTokens tokens; at most 1 to maxPerMonth
 * top-ups a month, and an amount in the package's currency (no more digits than it has: whole yen)
 * from one package's price to the package's `maxMoneyMinor` a month (about a million dollars' worth: ₩1,000,000,000
 * where $1,000,000.00), at least one of the two.
 */
export function topupProblems(
	d: TopupDraft,
	pack: TopupPackage | undefined,
	limits: { maxBelowTokens: number; maxPerMonth: number }
): Partial<Record<TopupField, string>> {
	const problems: Partial<Record<TopupField, string>> = {};
	const b = d.belowTokens;
	if (b === null || !Number.isInteger(b) || b < 1 || b > limits.maxBelowTokens) {
		problems.below = `The trigger is a whole number of tokens from 1 to ${tokens(limits.maxBelowTokens)}.`;
	}
	if (!pack) problems.pack = 'Choose a package.';
	const n = d.maxPerMonth;
	// Letters in a cap are a slip, not "no limit": the field looks empty to the page but not to the member.
	if (n !== null && (!Number.isInteger(n) || n < 1 || n > limits.maxPerMonth)) {
		problems.count = `A whole number of top-ups from 1 to ${limits.maxPerMonth}, or empty for no limit.`;
	}
	const m = d.maxMoney;
	if (m !== null && !(m > 0)) problems.money = 'An amount more than zero, or empty for no limit.';
	else if (m !== null && pack) {
		const digits = minorDigits(pack.currency);
		const minor = m * 10 ** digits;
		// Past the currency's digits (5.5 yen, 12.345 dollars): a slip, not an amount rounded without a word.
		if (Math.abs(minor - Math.round(minor)) > 1e-6) {
			problems.money = digits === 0 ? `${pack.currency} has no smaller unit: a whole amount, or empty for no limit.` : `${pack.currency} counts to 0.01: at most 2 decimals, or empty for no limit.`;
		} else if (Math.round(minor) > pack.maxMoneyMinor) {
			problems.money = `At most ${money(pack.maxMoneyMinor, pack.currency)} a month, or empty for no limit.`;
		} else if (Math.round(minor) < pack.priceCents) {
			problems.money = `Less than one package (${money(pack.priceCents, pack.currency)}): no top-up could be made.`;
		}
	}
	if (n === null && m === null) problems.count = 'Auto top-up needs a monthly limit: a number of top-ups, an amount, or both. Only one may be left empty.';
	return problems;
}

/** The money limit as the form holds it: an amount in `currency`'s main unit, and one it cleared on a switch of package (see `switchLimit`). */
export interface MoneyLimit {
	amount: number | null;
	currency: string;
	cleared: { amount: number; currency: string } | null;
}

/**
 * The money limit when the form's package changes to one priced in `to`. Kept when the currency is
 * the same. Cleared when it is another: Quota knows no exchange rate, and the same figure in another
 * currency is another amount (20 dollars are not 20 yen), so the member types one in the new
 * currency; `cleared` keeps the old one, given back if they choose a package in its currency again
 * before typing another.
 */
export function switchLimit(limit: MoneyLimit, to: string): MoneyLimit {
	if (to === limit.currency) return limit;
	if (limit.amount !== null) return { amount: null, currency: to, cleared: { amount: limit.amount, currency: limit.currency } };
	if (limit.cleared?.currency === to) return { amount: limit.cleared.amount, currency: to, cleared: null };
	return { ...limit, currency: to };
}

/** What the form says under the money limit it cleared: the amount, why, and what to do. */
export function clearedWords(cleared: NonNullable<MoneyLimit['cleared']>, currency: string): string {
	const was = money(toMinor(cleared.amount, cleared.currency), cleared.currency);
	return `Cleared: the limit was ${was}, and this package is priced in ${currency}. Type a limit in ${currency}, or leave it empty (choose a ${cleared.currency} package again for ${was}).`;
}
