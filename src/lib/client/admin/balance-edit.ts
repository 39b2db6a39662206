// The console's in-place balance editor (the users list's, and a user's page's): what the typed value
// means, in words, before it is sent. "250" sets the general balance to 250; "+250" / "-250" add or take 250.

/**
 * The balance figures in one line, for the console's pages that show them (the users list, a user's
 * page), kept here, off the dashboard's start: what those pages show and what a screen reader hears as
 * their description. Their meaning in full (balance-figures.ts, FIGURE_MEANING, the dashboard's words)
 * unfolds in place under it (FiguresInFull.svelte), with the account's own figures on a user's page: a
 * link to the dashboard showed the admin's own figures beside it.
 */
export const FIGURE_BRIEF = 'Balance: tokens in lots, less what running jobs hold of them. Available: the balance plus free allowances left.';

/**
 * An account's figures as its console page shows them, summed in words under their meaning in full:
 * "Leo Martin: 26,350 available = 1,600 balance + 24,750 free tokens left." `balance` and `available`
 * as balanceOf and the summary give them (holds already taken off: `heldFrom` says which figure each came off, lib/held-words.ts; unlimited lots add nothing countable).
 */
export function figuresSum(name: string, f: { available: number; balance: number; held: number; heldFrom: HeldFrom; unlimited: boolean }): string {
	const held = f.held ? ` ${heldWords(f.held, f.heldFrom)}` : '';
	const unlimited = f.unlimited ? ' Its unlimited tokens add nothing countable to either.' : '';
	return `${name}: ${figure(f.available)} available = ${figure(f.balance)} balance + ${figure(f.available - f.balance)} free tokens left.${held}${unlimited}`;
}

/**
 * The figure the editor sets, as the admin's pages explain it beside FIGURE_BRIEF (kept here, off the dashboard's start);
 * the Users list adds that setting a balance (pressing it) sets this figure; a user's page sets it with its own button.
 */
export const GENERAL_BALANCE_MEANING = 'General balance: the part of the balance usable on any model (not tied to one).';

export interface BalanceChange {
	mode: 'set' | 'delta';
	tokens: number;
	/** What the general balance changes by: > 0 grants, < 0 debits, 0 nothing. */
	delta: number;
}

import { readTokenAmount } from '../amount';
import { MAX_TOKENS } from '$lib/token-range';
import { counted, figure } from '../../counted';
import { heldWords, type HeldFrom } from '../../held-words';

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

/** What the console says once an adjustment is saved: `name`'s general balance before → after (the change). */
export function adjustedWords(name: string, r: { before: number; after: number; delta: number }, fmt: (n: number) => string = String): string {
	const change = r.delta > 0 ? `+${fmt(r.delta)}` : `−${fmt(-r.delta)}`;
	return `${name}: general balance ${fmt(r.before)} → ${fmt(r.after)} (${change}). Recorded in the audit log.`;
}

/** Whether the amount makes a change that can be sent: a number, a change the ledger makes in one, and not below zero (`describeChange` says why not). */
export function isSaveable(c: BalanceChange | null, generalBalance: number): c is BalanceChange {
	return c !== null && c.delta !== 0 && withinOneChange(c) && generalBalance + c.delta >= 0;
}

/** Whether the change can be sent: a saveable amount and a reason. */
export function canSave(c: BalanceChange | null, generalBalance: number, reason: string): c is BalanceChange {
	return isSaveable(c, generalBalance) && reason.trim().length > 0;
}
