// A key's last use: written at most once a minute (the metering API's hot path stays one statement),
// so the key lists say how fresh their figure is.

/** How often a key's last use is written at most, in minutes, whatever call used it. */
export const LAST_USED_EVERY_MINUTES = 1;

/** "last used Dec 5, 2026, 01:20 (noted at most once a minute)", or "never used"; `when` formats the ISO time as the page does. */
export function lastUsedWords(at: string | Date | null, when: (at: string | Date) => string): string {
	return at ? `last used ${when(at)} (noted at most once a minute)` : 'never used';
}
