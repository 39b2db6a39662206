// Text that shows as other text: the rule the server's input guards (server/fields.ts) refuse by and
// the console reveals ids, names and notes stored before it by (components/ShownText.svelte).

/**
 * Characters with no glyph of their own: controls (Cc), format characters (Cf: bidi controls, zero
 * widths, soft hyphen, BOM, tags), line and paragraph separators and the rest of Unicode's default
 * ignorables (Hangul fillers, variation selectors). In an id, each makes one id look like another.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');

/**
 * Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder the text
 * after them ("\u202eevil" shows as "live"). The marks (U+200E, U+200F, U+061C) are not here:
 * Arabic and Hebrew writers use them, and they cannot reverse a run of letters.
 */
const BIDI_FORMAT = /[\u202A-\u202E\u2066-\u2069]/u;

/** "U+202E", a code point as Unicode names it. */
export const codePoint = (ch: string): string => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Text of nothing but spaces (any Unicode white space) or nothing at all. */
export const isBlank = (text: string): boolean => text.trim() === '';

/** The first invisible character in `text` (INVISIBLE), or undefined. */
export const firstInvisible = (text: string): string | undefined => INVISIBLE.exec(text)?.[0];

/** The first bidi embedding, override or isolate in `text` (BIDI_FORMAT), or undefined. */
export const firstBidiFormat = (text: string): string | undefined => BIDI_FORMAT.exec(text)?.[0];

/** Why `id` cannot name anything (a rule after the field's name: "cannot be …"), or null when it can. */
export function idSlip(id: string): string | null {
	if (isBlank(id)) return 'cannot be blank: it holds only spaces.';
	const hidden = firstInvisible(id);
	return hidden ? `cannot hold an invisible character (${codePoint(hidden)}): an id holding one looks like another id.` : null;
}

/** Why people's text (a note, a name, a description) cannot be kept, or null when it can. */
export function textSlip(text: string): string | null {
	const bidi = firstBidiFormat(text);
	return bidi ? `cannot hold a character that reorders the text after it (${codePoint(bidi)}): it makes the text read as something else.` : null;
}

/**
 * Whether `id` would not show as itself (blank, or holding an invisible character): an id stored
 * before the rule, which the console then also spells out (`spelledOut`).
 */
export const showsAsOther = (id: string): boolean => idSlip(id) !== null;

/** `text` with every space and invisible character written as its code point: "  " → "U+0020 U+0020", "\u202eevil" → "[U+202E]evil". */
export function spelledOut(text: string): string {
	if (isBlank(text)) return [...text].map(codePoint).join(' ') || '(empty)';
	return text.replace(INVISIBLE_ALL, (ch) => `[${codePoint(ch)}]`);
}
