// The <quota-usage> widget's script as host pages get it (routes/embed/quota-usage.js).

/**
 * `source` (widget/quota-usage.js) without the comments that stand on lines of their own (`// …`
 * lines and `/* … *\/` blocks): they are for the people who work on it, and were an eighth of what
 * every host page downloaded (988 of 7,671 B gzipped). A comment after code on its line stays: it
 * could be inside a string. Returns the script's text.
 */
export function servedWidget(source: string): string {
	return source.replace(/^[\t ]*\/\*(?:(?!\*\/)[\s\S])*\*\/[\t ]*\n/gm, '').replace(/^[\t ]*\/\/.*\n/gm, '');
}
