// The one reading of a token amount typed in the app (the console's bonuses, campaigns, limits, rollover
// caps, balance editor and catalog, and a team's daily limits): digits, with or without thousands separators.
import { counted } from '../counted';

/** Digits in groups of three split by one kind of separator (space, comma, dot, apostrophe, underscore), or bare digits. */
const GROUPED = /^\d{1,3}(?:([\s,.'’_])\d{3}(?:\1\d{3})*)?$|^\d+$/;

/** The digits of an amount as typed, or null when it is not one (a decimal, a sign, a letter, a short group). */
function digitsOf(text: string): string | null {
	const t = text.trim().replace(/\u00a0|\u202f/g, ' ');
	return GROUPED.test(t) ? t.replace(/\D/g, '') : null;
}

/**
 * A whole number of tokens as typed: "1000", "1,000", "1 000", "1.000", "1'000", "10_000"; NaN for
 * anything else (a decimal such as "1.5", a sign, a letter, a group that is not three digits, more
 * than Number.MAX_SAFE_INTEGER). Callers apply their own range (≥ 1, 0 to disable, …).
 */
export function parseTokenAmount(text: string): number {
	const digits = digitsOf(text);
	const n = digits === null ? NaN : Number(digits);
	return Number.isSafeInteger(n) ? n : NaN;
}

const count = (n: number) => n.toLocaleString('en-US');

export type AmountRead = { ok: true; value: number } | { ok: false; error: string };

export interface AmountRange {
	/** The least and the most the field's server schema takes. */
	min: number;
	max: number;
	/** The field in the sentence: "The amount" unless said. */
	what?: string;
	/** The sentence for what is not an amount at all (letters, a decimal, below `min`), when the field has more to say ("…, or empty for none"). */
	rule?: string;
}

/**
 * A token amount typed into a field whose server takes `min` to `max`: its value, or what is wrong in
 * words. Too many digits is "at most 1,000,000,000,000 tokens", however many are typed (never "not a
 * whole number"), with the maximum the server's schema has, so the form and the server agree.
 */
export function readTokenAmount(text: string, range: AmountRange): AmountRead {
	const { min, max, what = 'The amount' } = range;
	const digits = digitsOf(text);
	if (digits !== null && Number(digits) > max) return { ok: false, error: `${what} is at most ${counted(max, 'token', count)}.` };
	const n = digits === null ? NaN : Number(digits);
	if (!(n >= min)) return { ok: false, error: range.rule ?? `${what} is a whole number of tokens from ${count(min)} to ${count(max)}.` };
	return { ok: true, value: n };
}
