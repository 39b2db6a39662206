// The Rates page's cost preview: how many units a sample is, and what it costs at the rate being typed,
// with the ledger's exact arithmetic (lib/cost.ts, the playground's too).
import { costOf, MAX_RATE, rateUnits, RATE_DECIMALS } from '$lib/cost';
import { counted, figure } from '$lib/counted';

export type { Unit } from '$lib/unit-words';

/** Units in a sample text: words separated by white space, or characters (code points, as a person counts them). */
export function unitsIn(text: string, unit: 'word' | 'character'): number {
	if (unit === 'character') return [...text].length;
	const t = text.trim();
	return t ? t.split(/\s+/u).length : 0;
}

/** What a rate may be, as the ledger checks it: "above 0, at most 1,000,000, with at most 4 decimal places". */
const RATE_RULE = `above 0, at most ${figure(MAX_RATE)}, with at most ${counted(RATE_DECIMALS, 'decimal place')}`;

/** Thousands grouped by commas: "1,000,000", or "1,500.5" (its decimals after a point), as the Catalog's prices read them. */
const GROUPED = /^\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?$|^\d{1,3},\d{3}\.\d+$/;
/** One comma before three digits: "1,500" is 1500 grouped, or 1.5 with a decimal comma (a rate has up to 4 decimals). */
const AMBIGUOUS = /^(\d{1,3}),(\d{3})$/;

/** Why a typed rate cannot be read as one number ("“1,500” could be 1500 or 1.5: …"), or null. */
function ambiguity(typed: string): string | null {
	const m = AMBIGUOUS.exec(typed);
	return m ? `“${typed}” could be ${m[1]}${m[2]} or ${Number(`${m[1]}.${m[2]}`)}: type it without the comma, or with a point.` : null;
}

/**
 * A rate typed in the form: a number > 0 with at most RATE_DECIMALS decimals, or why not. A decimal
 * comma reads as a point ("1,5" → 1.5) and thousands grouped by commas as one number ("1,000,000");
 * "1,500", which is either, is refused, saying both (it was saved as 1.5 when 1500 was meant).
 */
export function parseRate(text: string): { ok: true; value: number } | { ok: false; error: string } {
	const typed = text.trim();
	const unclear = ambiguity(typed);
	if (unclear) return { ok: false, error: `Tokens per unit: ${unclear}` };
	const t = GROUPED.test(typed) ? typed.replaceAll(',', '') : typed.replace(',', '.');
	const units = rateUnits(t);
	if (units === null || units <= 0n || Number(t) > MAX_RATE) return { ok: false, error: `Tokens per unit: ${RATE_RULE}.` };
	return { ok: true, value: Number(t) };
}

/** A rate as the preview and the list show it: 1500 → "1,500", 1.5 → "1.5" (the value saved, not the text typed). */
export const rateText = (rate: number) => rate.toLocaleString('en-US', { maximumFractionDigits: RATE_DECIMALS });

/**
 * What the preview says when it has no cost: why, once a rate is typed that the form would refuse
 * ("No cost to show until the rate is above 0, at most 1,000,000, with at most 4 decimal places."),
 * as the playground says why it shows none; "—" while the rate is empty or the sample counts nothing.
 * Before, a rate like 0.333333 showed "—" alone, and the reason only after "Add feature".
 */
export function noCostWords(typed: string): string {
	const unclear = ambiguity(typed.trim());
	if (unclear) return `No cost to show: ${unclear}`;
	return typed.trim() && !parseRate(typed).ok ? `No cost to show until the rate is ${RATE_RULE}.` : '—';
}

/** The cost of `units` at a typed rate, or null when either is not valid. */
export function previewCost(units: number, typed: string): number | null {
	const r = parseRate(typed);
	if (!r.ok || !Number.isSafeInteger(units) || units < 0) return null;
	return costOf(units, r.value);
}

/** A feature's charge as the Rates form saves it: what the playground and the API go by. */
export interface FeatureCharge {
	name: string;
	unit: string;
	tokensPerUnit: number;
	enabled: boolean;
	breakdown: { label: string; tokens: number }[] | null;
}

/**
 * What the Rates page says once a feature is saved, naming it by its name (its key is the API's): a
 * new rate is said only when the rate, unit or breakdown changed, and a feature disabled or enabled
 * again says what the API does now. `before`: the feature as it was, null for a new one; `changed`:
 * the server's answer (false: the save found it as it was).
 */
export function featureSavedWords(before: FeatureCharge | null, after: FeatureCharge, changed: boolean): string {
	const name = `“${after.name.trim()}”`;
	if (!changed) return `Nothing changed: ${name} is as it was.`;
	if (!before) return `${name} added. Recorded in the audit log; the playground and the API charge its rate from now on.`;
	const parts = (b: FeatureCharge['breakdown']) => JSON.stringify(b ?? []);
	const charge = before.unit !== after.unit || before.tokensPerUnit !== after.tokensPerUnit || parts(before.breakdown) !== parts(after.breakdown);
	const then = [
		charge && 'the playground and the API charge the new rate from now on',
		before.enabled !== after.enabled && (after.enabled ? 'the API takes it again' : 'the API refuses it from now on')
	].filter(Boolean);
	return `${name} saved. Recorded in the audit log${then.length ? `; ${then.join(', and ')}` : ''}.`;
}
