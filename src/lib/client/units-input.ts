import { MAX_UNITS } from '$lib/cost';
import { figure } from '$lib/counted';

// The playground's units field, read as the ledger will: a whole number from 1 to MAX_UNITS, said
// in the server's words (lib/server/input-words.ts gives tRPC's refusal of units the same sentence),
// so the page can say what is wrong beside the field before anything is asked or run.

/** The server's sentence for units out of rule, naming the field as the page labels it ("The number of words"). */
export const unitsRule = (name = 'Units') => `${name} must be a whole number from 1 to ${figure(MAX_UNITS)}.`;

export type UnitsField = { units: number; error: null } | { units: null; error: string };

/**
 * What the field holds. `value` is what `bind:value` gives a number input (null or undefined when
 * empty); `badInput` is its `validity.badInput`, true when it holds text that is no number (letters,
 * "1e"), which the browser also reports as an empty value; `name` is the field's name in the error.
 */
export function readUnits(value: number | null | undefined, badInput = false, name?: string): UnitsField {
	if (badInput || typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_UNITS) return { units: null, error: unitsRule(name) };
	return { units: value, error: null };
}
