// Who an audit entry says did it, in one wording for the audit log and a user's page.
import { keyNamed, type KeyNamed } from '$lib/key-named';

interface Actor {
	actor: { name: string; email: string | null } | null;
	actorKeyId: string | null;
	/** The key by name (absent in entries read before keys were named, null when its row is gone). */
	actorKey?: KeyNamed | null;
	ip: string | null;
	/** `via` in it: how Quota did it (`demo data`, `command line`). */
	detail?: unknown;
}

/** Who did it, as a sentence says it after "by": a person's name, else what it was ("the API key “Billing” (qk_3gybdbLS…)", "Quota (demo data)"). */
function actorPhrase(r: Actor, withEmail: boolean): string {
	if (r.actor) return withEmail && r.actor.email ? `${r.actor.name} (${r.actor.email})` : r.actor.name;
	if (r.actorKeyId) return r.actorKey ? `the ${keyNamed(r.actorKey)}` : 'an API key';
	if (r.ip) return 'someone not signed in';
	const via = typeof r.detail === 'object' && r.detail !== null ? (r.detail as { via?: unknown }).via : null;
	return typeof via === 'string' && via ? `Quota (${via})` : 'Quota';
}

/**
 * The entry's actor as a person reads it at the start of a phrase (a user's page: "… · An API key"):
 * the signed-in user (with their e-mail when `withEmail`), else an API key, else someone who was not
 * signed in (a request wrote it: a failed sign-in, a password reset asked for), else Quota itself
 * (the schedule, a payment provider's webhook), with how when the entry says (`Quota (demo data)`).
 */
export function auditActor(r: Actor, withEmail = false): string {
	const phrase = actorPhrase(r, withEmail);
	return r.actor ? phrase : `${phrase[0]!.toUpperCase()}${phrase.slice(1)}`;
}

/**
 * Who did it, as the audit log's line says it after "By": a person's name and e-mail, else what it was
 * ("By the API key “Billing” (qk_3gybdbLS…)", "By someone not signed in", "By Quota (demo data)").
 */
export const auditBy = (r: Actor): string => actorPhrase(r, true);

const ACCOUNT_KIND: Record<string, string> = { user: 'User', team: 'Team pool', guest: 'Guest' };

/**
 * The badge beside an entry's account: its kind ("User", "Team pool", "Guest"), or none when its name
 * already says it (a guest's account is named "Guest g_1f9c" by its guest id: "Guest g_1f9c Guest" it read).
 */
export function accountBadge(a: { name: string; kind: string }): string | null {
	const badge = ACCOUNT_KIND[a.kind] ?? a.kind;
	const name = a.name.trim().toLowerCase();
	return name === badge.toLowerCase() || (a.kind === 'guest' && name.startsWith('guest ')) ? null : badge;
}
