// A count and what it counts, as English says it ("1 token", "2 tokens"), for the pages and the
// server's words alike: one rule, so no sentence reads "1 tokens".

let reader: Intl.NumberFormat | undefined;

/** `n` in the reader's locale ("1,500"; "1.500" in German), as every page shows a figure; '—' for none. */
export function figure(n: number | null | undefined): string {
	return n == null ? '—' : (reader ??= new Intl.NumberFormat()).format(n);
}

/**
 * `n` and its noun, singular when English says one: counted(1, 'token') is "1 token", counted(1500,
 * 'token') "1,500 tokens", counted(0, 'token') "0 tokens", counted(-1, 'token') "-1 token". The
 * plural adds "s" (no noun here needs more). `format` writes the figure: the reader's locale by
 * default, on a page; the server's words pass their own (`new Intl.NumberFormat('en').format`), so a
 * mail or a push reads the same whatever the host's locale.
 */
export function counted(n: number, noun: string, format: (n: number) => string = figure): string {
	return `${format(n)} ${nounFor(n, noun)}`;
}

/** The noun alone, where a page styles the figure apart ("<strong>1</strong> token"), by `counted`'s rule. */
export function nounFor(n: number, noun: string): string {
	// The words are English whatever the reader's locale, so the rule is English's (Intl.PluralRules('en')
	// says "one" for 1 and -1 only, "other" for 0, 2 and 1.5), in the fewest bytes: this is start JS.
	return Math.abs(n) === 1 ? noun : `${noun}s`;
}
