// A feature's, module's or model's key as the console creates it: the server's schema
// (server/fields.ts catalogKey) and the Rates page's forms say and check the same rule.

/** Longest key of a feature, model or module. */
export const MAX_CATALOG_KEY = 64;

/** 1 to MAX_CATALOG_KEY characters: a lower-case letter or digit, then lower-case letters, digits, `.`, `-` or `_`. */
export const CATALOG_KEY = new RegExp(`^[a-z0-9][a-z0-9._-]{0,${MAX_CATALOG_KEY - 1}}$`);

/** That rule in words: the hint under a key field and the refusal of a key that breaks it. */
export const CATALOG_KEY_RULE = `The key is 1 to ${MAX_CATALOG_KEY} lower-case letters, digits, dot, dash or underscore, starting with a letter or digit, like chat_reply.`;

/** Why `key` (trimmed, as the forms send it) is no key, in CATALOG_KEY_RULE's words; null when it is one. */
export const catalogKeySlip = (key: string): string | null => (CATALOG_KEY.test(key.trim()) ? null : CATALOG_KEY_RULE);
