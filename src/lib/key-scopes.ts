/**
 * What an API key may do: its scopes, each one kind of thing, in the words the key form, the key
 * lists, the audit log, the OpenAPI document and the docs all use. Like a payments API's restricted
 * keys, a key has only the powers ticked on its form: metering (`consume`) does not give tokens
 * away (`grant`) nor change where the site's events go (`webhooks`).
 */
export const KEY_SCOPES = ['read', 'consume', 'grant', 'webhooks'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

export const SCOPE_WORDS: Record<KeyScope, string> = {
	read: 'read balances, rates and usage',
	consume: 'consume and hold tokens',
	grant: 'grant tokens to users and teams',
	webhooks: 'manage webhook endpoints'
};

/** The scopes only a site key may have: an account key could otherwise give its own account tokens. */
export const SITE_ONLY_SCOPES: readonly KeyScope[] = ['grant', 'webhooks'];

/** What an account key's form offers. */
export const ACCOUNT_KEY_SCOPES = KEY_SCOPES.filter((s) => !SITE_ONLY_SCOPES.includes(s));

/** A key's scopes in words, in the form's order: "read balances, rates and usage; consume and hold tokens". */
export const scopesInWords = (scopes: readonly string[]): string =>
	KEY_SCOPES.filter((s) => scopes.includes(s))
		.map((s) => SCOPE_WORDS[s])
		.join('; ');

// A key's last use: written at most once a minute (the metering API's hot path stays one statement),
// so the key lists say how fresh their figure is. Here, with the scopes' words every key list loads.

/** How often a key's last use is written at most, in minutes, whatever call used it. */
export const LAST_USED_EVERY_MINUTES = 1;

/** "last used Dec 5, 2026, 01:20 (noted at most once a minute)", or "never used"; `when` formats the ISO time as the page does. */
export function lastUsedWords(at: string | Date | null, when: (at: string | Date) => string): string {
	return at ? `last used ${when(at)} (noted at most once a minute)` : 'never used';
}
