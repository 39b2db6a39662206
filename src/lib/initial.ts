/**
 * A name's first character as a person sees it (its first grapheme cluster: "👩‍💻" and "🇫🇷" whole, not
 * their first part), after any spaces, upper-cased: the avatar's letter; '' for no name. Its own file,
 * imported by the signed-in layout alone: the forms' `characters` (text-length.ts) loads with them,
 * not at start.
 */
export function initialOf(name: string): string {
	return new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(name.trimStart()).containing(0)?.segment.toUpperCase() ?? '';
}
