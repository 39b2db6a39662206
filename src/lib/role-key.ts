// A site role's key (what the host site sends and allowances key on): the server's schema
// (accounts/validation.ts) and the Roles form say the same.

/** 2 to 32 characters: a lower-case letter, then lower-case letters, digits, - or _. */
export const SITE_ROLE_KEY = /^[a-z][a-z0-9_-]{1,31}$/;
/** That rule in words, as the form shows it beside the field. */
export const SITE_ROLE_KEY_RULE = 'The key is 2 to 32 lower-case letters, digits, - or _, starting with a letter, like editor.';
