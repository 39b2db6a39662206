// How long a text people write is: in characters as a person sees and counts them, the one count of
// the console's fields (room-left notes, the forms' checks) and of the server's schemas, so a field
// never says "12 characters left" of a text the server then refuses as too long, nor the reverse.
// JavaScript's `length` (zod's `max`, HTML's `maxlength`) counts UTF-16 units: an emoji took 2 of a
// field's 80, a flag 4, a family emoji 8.

/** UTF-16 units a character may take on average before a text is too long whatever it shows (one character piled with accents): a bound checked before segmenting. */
const UNITS_PER_CHARACTER = 16;

/**
 * `text`'s characters as a person sees them (grapheme clusters): "👩‍💻", "🇫🇷" and "é" written as e
 * plus an accent are one each, where `length` counts 5, 4 and 2 UTF-16 units.
 */
export function characters(text: string): string[] {
	return Array.from(new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text), (s) => s.segment);
}

/** How many characters `text` has as a person counts them (`characters`). */
export const characterCount = (text: string): number => characters(text).length;

/**
 * Whether `text` has more than `max` characters as a person counts them (`characters`). A text of
 * more than UNITS_PER_CHARACTER UTF-16 units a character allowed is too long whatever it shows, and
 * is not segmented.
 */
export function longerThan(text: string, max: number): boolean {
	return text.length > max && (text.length > max * UNITS_PER_CHARACTER || characters(text).length > max);
}

/** `text` cut to its first `max` characters as a person counts them (`characters`); itself when it has no more. */
export function firstCharacters(text: string, max: number): string {
	return longerThan(text, max) ? characters(text.slice(0, max * UNITS_PER_CHARACTER)).slice(0, max).join('') : text;
}
