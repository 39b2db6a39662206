// The console's words for an account's balance figures (the users list, a user's page): what each figure
// is, summed for one account, and what a saved adjustment did. Apart from the editor's reading of what is
// typed (balance-edit.ts), which loads only when the editor opens.
import { figure } from '../../counted';
import { heldWords, type HeldFrom } from '../../held-words';

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
export function figuresSum(name: string, f: { available: number; balance: number; held: number; heldFrom: HeldFrom; anyUnlimited: boolean }): string {
	const held = f.held ? ` ${heldWords(f.held, f.heldFrom)}` : '';
	const unlimited = f.anyUnlimited ? ' Its unlimited tokens add nothing countable to either.' : '';
	return `${name}: ${figure(f.available)} available = ${figure(f.balance)} balance + ${figure(f.available - f.balance)} free tokens left.${held}${unlimited}`;
}

/**
 * The figure the editor sets, as the admin's pages explain it beside FIGURE_BRIEF (kept here, off the dashboard's start);
 * the Users list adds that setting a balance (pressing it) sets this figure; a user's page sets it with its own button.
 */
export const GENERAL_BALANCE_MEANING = 'General balance: the part of the balance usable on any model (not tied to one).';

/** What the console says once an adjustment is saved: `name`'s general balance before → after (the change). */
export function adjustedWords(name: string, r: { before: number; after: number; delta: number }, fmt: (n: number) => string = String): string {
	const change = r.delta > 0 ? `+${fmt(r.delta)}` : `−${fmt(-r.delta)}`;
	return `${name}: general balance ${fmt(r.before)} → ${fmt(r.after)} (${change}). Recorded in the audit log.`;
}
