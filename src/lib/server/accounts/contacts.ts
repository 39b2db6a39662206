import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { queryRows } from '../db/client';
import { mailAddress } from '../mail/addresses';
import { ACCOUNT_HOLDERS } from './names';

/**
 * How the API names an account (what a site key sends back as `user`, `team` or `guest`): a user by
 * the host site's id when they have one, else by their Quota user id (the console's "In the API"
 * says the same); a team pool by the team's id; a guest by the guest id. Null when there is no such account.
 */
export async function apiIdentityOf(
	exec: Executor,
	accountId: string
): Promise<{ kind: 'user' | 'team' | 'guest'; userId: string | null; teamId: string | null; guestId: string | null } | null> {
	const [row] = await queryRows<{ kind: 'user' | 'team' | 'guest'; user_id: string | null; team_id: string | null; guest_id: string | null }>(
		exec,
		sql`select a.kind, coalesce(u.external_id, u.id::text) as user_id, t.id::text as team_id, g.id as guest_id
		      from accounts a ${ACCOUNT_HOLDERS} left join guests g on g.account_id = a.id
		     where a.id = ${accountId}::uuid`
	);
	return row ? { kind: row.kind, userId: row.user_id, teamId: row.team_id, guestId: row.guest_id } : null;
}

/**
 * How the API names each of these users (`user`, `member`, a webhook's `user_id`): the host site's id
 * for them, else their Quota user id. Keyed by Quota user id; an id of no user is left out.
 */
export async function apiIdsOfUsers(exec: Executor, userIds: readonly string[]): Promise<Map<string, string>> {
	const ids = [...new Set(userIds)];
	if (!ids.length) return new Map();
	const rows = await queryRows<{ id: string; api_id: string }>(
		exec,
		sql`select id::text, coalesce(external_id, id::text) as api_id from users where id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`
	);
	return new Map(rows.map((r) => [r.id, r.api_id]));
}

/** The site admins who can be mailed (a confirmed address: mail/addresses.ts; not disabled): for notices about the site itself. */
export async function siteAdminContacts(exec: Executor): Promise<{ userId: string; name: string; email: string }[]> {
	const rows = await queryRows<{ id: string; name: string; email: string }>(
		exec,
		sql`select id, name, email from users where site_role = 'admin' and ${mailAddress()} is not null and disabled_at is null order by created_at`
	);
	return rows.map((r) => ({ userId: r.id, name: r.name, email: r.email }));
}
