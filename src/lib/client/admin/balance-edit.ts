// The console's in-place balance editor (the users list's, and a user's page's): what the typed value
// means, in words, before it is sent. "250" sets the general balance to 250; "+250" / "-250" add or take 250.
import { readTokenAmount } from '../amount';
import { MAX_TOKENS } from '$lib/token-range';
import { counted } from '../../counted';

export interface BalanceChange {
	mode: 'set' | 'delta';
	tokens: number;
	/** What the general balance changes by: > 0 grants, < 0 debits, 0 nothing. */
	delta: number;
}

const TYPE_A_CHANGE = 'Type a number to set the general balance to it, or +N / −N to add or take N tokens.';

/**
 * The sign typed ('' sets, '+' or either minus changes) and the amount after it, read against what the
 * server takes: a change of at most MAX_TOKENS (an admin lot, or debits); a figure to set, any whole
 * number JS counts exactly (a balance is the sum of its lots, so it may be past MAX_TOKENS).
 */
function readTyped(text: string) {
	const [, sign, amount] = /^([+\-−]?)\s*(.*)$/.exec(text.trim())!;
	return { sign: sign!, read: readTokenAmount(amount!, { min: 0, max: sign ? MAX_TOKENS : Number.MAX_SAFE_INTEGER, rule: TYPE_A_CHANGE }) };
}

/** Reads "1,250", "+500", "−40" (either minus sign); null when it is not a whole number of tokens the server could take (see readTyped). */
export function parseBalanceInput(text: string, generalBalance: number): BalanceChange | null {
	const { sign, read } = readTyped(text);
	if (!read.ok) return null;
	const n = read.value;
	if (sign === '') return { mode: 'set', tokens: n, delta: n - generalBalance };
	const tokens = sign === '+' ? n : -n;
	return { mode: 'delta', tokens, delta: tokens };
}

/**
 * Whether a set's change is one the ledger makes: at most MAX_TOKENS either way, or to 0 (emptying an
 * account is always one change, however many lots its debits take). A delta is bounded as it is read.
 */
const withinOneChange = (c: BalanceChange) => c.mode === 'delta' || c.tokens === 0 || Math.abs(c.delta) <= MAX_TOKENS;

/**
 * The sentence under the field: what saving will do to the ledger, or, for `text` that is no change,
 * why (too many tokens says the most the server takes; a set too far from the balance, the change and its limit).
 */
export function describeChange(c: BalanceChange | null, generalBalance: number, fmt: (n: number) => string = String, text = ''): string {
	if (!c) {
		const { read } = readTyped(text);
		return read.ok ? TYPE_A_CHANGE : read.error;
	}
	const to = generalBalance + c.delta;
	if (!withinOneChange(c)) {
		const change = c.delta > 0 ? `+${fmt(c.delta)}` : `−${fmt(-c.delta)}`;
		return `That is a change of ${change} tokens; one change is at most ${fmt(MAX_TOKENS)} tokens either way. Change it in steps, or set it to 0 to empty the account.`;
	}
	if (c.delta > 0) return `Grants an admin lot of ${counted(c.delta, 'general token', fmt)} (it never expires): general balance ${fmt(generalBalance)} → ${fmt(to)}.`;
	if (c.delta < 0) {
		if (to < 0) return `Cannot take ${fmt(-c.delta)}: the general balance is ${fmt(generalBalance)}.`;
		return `Debits ${counted(-c.delta, 'token', fmt)} through the spend order (soonest-expiring lots first): general balance ${fmt(generalBalance)} → ${fmt(to)}.`;
	}
	return `No change: the general balance is already ${fmt(generalBalance)}.`;
}

/** Whether the amount makes a change that can be sent: a number, a change the ledger makes in one, and not below zero (`describeChange` says why not). */
export function isSaveable(c: BalanceChange | null, generalBalance: number): c is BalanceChange {
	return c !== null && c.delta !== 0 && withinOneChange(c) && generalBalance + c.delta >= 0;
}

/** Whether the change can be sent: a saveable amount and a reason. */
export function canSave(c: BalanceChange | null, generalBalance: number, reason: string): c is BalanceChange {
	return isSaveable(c, generalBalance) && reason.trim().length > 0;
}
