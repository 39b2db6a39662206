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
