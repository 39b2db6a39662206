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

/** A rate typed in the form: a number > 0 with at most RATE_DECIMALS decimals, or why not. */
export function parseRate(text: string): { ok: true; value: number } | { ok: false; error: string } {
	const t = text.trim().replace(',', '.');
	const units = rateUnits(t);
	if (units === null || units <= 0n || Number(t) > MAX_RATE) return { ok: false, error: `Tokens per unit: ${RATE_RULE}.` };
	return { ok: true, value: Number(t) };
}

/**
 * What the preview says when it has no cost: why, once a rate is typed that the form would refuse
 * ("No cost to show until the rate is above 0, at most 1,000,000, with at most 4 decimal places."),
 * as the playground says why it shows none; "—" while the rate is empty or the sample counts nothing.
 * Before, a rate like 0.333333 showed "—" alone, and the reason only after "Add feature".
 */
export function noCostWords(rateText: string): string {
	return rateText.trim() && !parseRate(rateText).ok ? `No cost to show until the rate is ${RATE_RULE}.` : '—';
}

/** The cost of `units` at a typed rate, or null when either is not valid. */
export function previewCost(units: number, rateText: string): number | null {
	const r = parseRate(rateText);
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
