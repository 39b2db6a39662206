// Where the tokens running jobs hold came from, in words: a hold takes its tokens as a use would
// (free allowances and lots, in the spend order), so it lowers the balance only by what it took from
// lots. Worded by the server for the dashboard (off its start JavaScript) and the Alerts page's steps, and by the console's pages.
import { figure } from './counted';

/** Of the tokens open holds reserve: those taken from countable lots (out of the balance) and from free allowances (out of what is left of them); the rest came from unlimited tokens. */
export interface HeldFrom {
	lots: number;
	allowances: number;
}

/**
 * The sentence a page adds after the balance figures while jobs hold tokens: "3,000 held by running
 * jobs, all from free allowances, already taken off these figures.", "1,500 held by running jobs:
 * 1,000 from the balance, 500 from free allowances, already taken off these figures."; '' when `held`
 * is 0. Tokens.
 */
export function heldWords(held: number, from: HeldFrom): string {
	if (!held) return '';
	const parts = (
		[
			[from.lots, 'the balance'],
			[from.allowances, 'free allowances'],
			[held - from.lots - from.allowances, 'unlimited tokens']
		] as const
	).filter(([n]) => n > 0);
	const whole = `${figure(held)} held by running jobs`;
	const where = parts.length === 1 ? `${whole}, all from ${parts[0]![1]}` : `${whole}: ${parts.map(([n, at]) => `${figure(n)} from ${at}`).join(', ')}`;
	return `${where}, already taken off these figures.`;
}
