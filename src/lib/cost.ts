// What an operation costs, cost = ceil(units × rate) (DESIGN.md "Rate"), in exact integer arithmetic:
// the ledger's SQL computes the same in `numeric` and rounds up once, so an estimate shown anywhere
// (the playground offline, the server's rate checks) is the cost the ledger charges. Floating point
// is not: 100 × 0.07 is 7.000000000000001 in a double, and its ceiling 8.
// Shared by the server and the pages: imports nothing.

/** Most units one operation takes (the ledger refuses more; the playground says so before asking). */
export const MAX_UNITS = 1_000_000_000;

/** The most tokens a unit may cost (the ledger refuses more; the console's form says so before saving). */
export const MAX_RATE = 1_000_000;

/** Decimal places a rate keeps: `features.tokens_per_unit` is numeric(14, 4). */
export const RATE_DECIMALS = 4;

const SCALE = 10n ** BigInt(RATE_DECIMALS);
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A rate (tokens per unit, ≥ 0) as an exact whole number of 1/10,000 tokens, or null when it is not
 * a plain decimal with at most RATE_DECIMALS places. A JS number is read as its shortest decimal
 * form (0.07 → "0.07"): that is the value Postgres stored, since numeric(14, 4) has at most 14
 * significant digits, which a double gives back exactly.
 */
export function rateUnits(rate: number | string): bigint | null {
	const text = typeof rate === 'number' ? (Number.isFinite(rate) ? String(rate) : '') : rate.trim();
	const m = DECIMAL.exec(text);
	if (!m) return null;
	const fraction = (m[2] ?? '').replace(/0+$/, '');
	if (fraction.length > RATE_DECIMALS) return null;
	return BigInt(m[1]!) * SCALE + BigInt(fraction.padEnd(RATE_DECIMALS, '0'));
}

/**
 * Tokens one operation costs: ceil(`units` × `rate`), exact, as the ledger charges it
 * (`ceil(p_units * feature.tokens_per_unit)` in quota_spend_price). `units`: a whole number ≥ 0 of words,
 * characters, model tokens or operations; `rate`: tokens per unit, as stored (≤ 4 decimal places).
 * Throws RangeError for anything else.
 */
export function costOf(units: number, rate: number | string): number {
	if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`units must be a whole number ≥ 0, not ${units}`);
	const r = rateUnits(rate);
	if (r === null) throw new RangeError(`a rate has at most ${RATE_DECIMALS} decimal places, not ${rate}`);
	return Number((BigInt(units) * r + SCALE - 1n) / SCALE);
}
