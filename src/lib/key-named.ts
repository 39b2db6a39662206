// An API key as the audit log names who acted: its name and the start of its value, as the API
// keys pages list it ("“Billing backend” qk_3gybdbLS…"), for the log's By line, a user's page and the
// audit export alike.

/** What the log knows of the key that acted: its name and prefix today, and whether it is revoked since. */
export interface KeyNamed {
	name: string;
	prefix: string;
	revoked: boolean;
}

/** "API key “Billing backend” (qk_3gybdbLS…)", "… (qk_3gybdbLS…, revoked since)": a revoked key still names what it was. */
export const keyNamed = (k: KeyNamed): string => `API key “${k.name}” (${k.prefix}…${k.revoked ? ', revoked since' : ''})`;
