import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { queryRows } from '../db/client';

/** Who an account is for the host site: its kind and, for a user, the host site's user id (null when it has none). */
export async function hostIdentityOf(exec: Executor, accountId: string): Promise<{ kind: 'user' | 'team' | 'guest'; hostUserId: string | null } | null> {
	const [row] = await queryRows<{ kind: 'user' | 'team' | 'guest'; external_id: string | null }>(
		exec,
		sql`select a.kind, u.external_id from accounts a left join users u on u.account_id = a.id where a.id = ${accountId}::uuid`
	);
	return row ? { kind: row.kind, hostUserId: row.external_id } : null;
}

/** The site admins who can be mailed (an e-mail address, not disabled): for notices about the site itself. */
export async function siteAdminContacts(exec: Executor): Promise<{ userId: string; name: string; email: string }[]> {
	const rows = await queryRows<{ id: string; name: string; email: string }>(
		exec,
		sql`select id, name, email from users where site_role = 'admin' and email is not null and disabled_at is null order by created_at`
	);
	return rows.map((r) => ({ userId: r.id, name: r.name, email: r.email }));
}
