// Who an audit entry says did it, in one wording for the audit log and a user's page.

interface Actor {
	actor: { name: string; email: string | null } | null;
	actorKeyId: string | null;
	ip: string | null;
	/** `via` in it: how Quota did it (`demo data`, `command line`). */
	detail?: unknown;
}

/**
 * The entry's actor as a person reads it: the signed-in user (with their e-mail when `withEmail`),
 * else an API key, else someone who was not signed in (a request wrote it: a failed sign-in, a
 * password reset asked for), else Quota itself (the schedule, a payment provider's webhook), with
 * how when the entry says (`Quota (demo data)`).
 */
export function auditActor(r: Actor, withEmail = false): string {
	if (r.actor) return withEmail && r.actor.email ? `${r.actor.name} (${r.actor.email})` : r.actor.name;
	if (r.actorKeyId) return 'An API key';
	if (r.ip) return 'Someone not signed in';
	const via = typeof r.detail === 'object' && r.detail !== null ? (r.detail as { via?: unknown }).via : null;
	return typeof via === 'string' && via ? `Quota (${via})` : 'Quota';
}
