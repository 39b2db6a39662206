// The one reading of a token amount typed in the admin console (bonuses, campaigns, limits, rollover
// caps, the balance editor): digits, with or without thousands separators.

/** Digits in groups of three split by one kind of separator (space, comma, dot, apostrophe, underscore), or bare digits. */
const GROUPED = /^\d{1,3}(?:([\s,.'’_])\d{3}(?:\1\d{3})*)?$|^\d+$/;

/**
 * A whole number of tokens as typed: "1000", "1,000", "1 000", "1.000", "1'000", "10_000"; NaN for
 * anything else (a decimal such as "1.5", a sign, a letter, a group that is not three digits, more
 * than Number.MAX_SAFE_INTEGER). Callers apply their own range (≥ 1, 0 to disable, …).
 */
export function parseTokenAmount(text: string): number {
	const t = text.trim().replace(/\u00a0|\u202f/g, ' ');
	if (!GROUPED.test(t)) return NaN;
	const n = Number(t.replace(/\D/g, ''));
	return Number.isSafeInteger(n) ? n : NaN;
}
