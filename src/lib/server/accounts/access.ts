import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { isUuid } from '../db/client';
import { DomainError } from '../errors';
import { accessWatch } from './access-watch';
import type { ApiKeyAuth, ApiKeyScope, Auth } from './types';

/** read: see balances and history · spend: draw tokens · manage: keys, members, caps. */
export type AccessLevel = 'read' | 'spend' | 'manage';

export interface AccessibleAccount {
	id: string;
	kind: 'user' | 'team' | 'guest';
}

const denied = () => new DomainError('forbidden', 'You do not have access to this account.');

/** What a key does to an account: `read` and `spend` as a user would, or `grant` (add tokens: site keys only). */
export type KeyAccess = Exclude<AccessLevel, 'manage'> | 'grant';

/** The scope each access needs: reading needs `read`, spending `consume`, granting `grant`. */
const SCOPE_FOR: Record<KeyAccess, ApiKeyScope> = { read: 'read', spend: 'consume', grant: 'grant' };

/**
 * What an API key may do on an account it names, without a database look-up (the metering hot
 * path resolves the account itself): never manage; each access needs its scope (`SCOPE_FOR`); an
 * account key only its own account.
 */
export function assertKeyMayAct(key: ApiKeyAuth, accountId: string, level: AccessLevel | KeyAccess): void {
	assertKeyScope(key, level);
	if (key.kind === 'account' && key.accountId !== accountId) throw denied();
}

/** Whether a key may do this kind of thing at all, whatever the account: `forbidden` naming the scope it lacks. */
export function assertKeyScope(key: ApiKeyAuth, level: AccessLevel | KeyAccess): void {
	if (level === 'manage') throw denied();
	requireKeyScope(key, SCOPE_FOR[level]);
}

/** `forbidden` "This API key lacks the <scope> scope." unless the key has `scope` (webhooks: manage the endpoints). */
export function requireKeyScope(key: ApiKeyAuth, scope: ApiKeyScope): void {
	if (!key.scopes.includes(scope)) throw new DomainError('forbidden', `This API key lacks the ${scope} scope.`);
}

/**
 * `requireAccountAccess` for a thing a caller names by its id (a hold, an order, …), given the
 * account it belongs to (null when there is no such thing). A thing that does not exist and one
 * the caller may not touch get the same `not_found` with `notFound` as its message, so the answer
 * never tells that someone else's thing exists. What the caller could never do anywhere (a key
 * without the scope) is refused first, the same for every id.
 */
export async function requireAccessById(
	db: Db,
	auth: Auth | ApiKeyAuth | null,
	accountId: string | null,
	level: AccessLevel,
	notFound: string
): Promise<AccessibleAccount> {
	if (!auth) throw new DomainError('unauthorized', 'Sign in first.');
	if ('keyId' in auth) assertKeyScope(auth, level);
	if (!accountId) throw new DomainError('not_found', notFound);
	return requireAccountAccess(db, auth, accountId, level).catch((e: unknown) => {
		throw e instanceof DomainError && (e.code === 'forbidden' || e.code === 'not_found') ? new DomainError('not_found', notFound) : e;
	});
}

/**
 * The one check before any read or write of an account's data (no IDOR):
 * - a user reads, spends and manages their own account; reads and spends their teams'
 *   accounts; manages a team's account as its owner or admin; a site admin does everything;
 * - an account API key acts only on its own account, a site key on any; `read` needs the
 *   read scope, `spend` the consume scope, `grant` the grant scope; keys never manage.
 * Refusals do not say whether the account exists.
 */
export async function requireAccountAccess(
	db: Db,
	auth: Auth | ApiKeyAuth | null,
	accountId: string,
	level: AccessLevel
): Promise<AccessibleAccount> {
	if (!auth) throw new DomainError('unauthorized', 'Sign in first.');
	if (!isUuid(accountId)) throw denied();
	if ('keyId' in auth) {
		assertKeyMayAct(auth, accountId, level);
		const [account] = await db.rows<AccessibleAccount>(sql`select id, kind from accounts where id = ${accountId}`);
		if (!account) throw auth.kind === 'site' ? new DomainError('not_found', 'No such account.') : denied();
		return account;
	}
	const [row] = await db.rows<AccessibleAccount & { own: boolean; team_role: string | null }>(sql`
		select a.id, a.kind,
			exists (select 1 from users u where u.account_id = a.id and u.id = ${auth.user.id}) as own,
			(select m.role from teams t join team_members m on m.team_id = t.id and m.user_id = ${auth.user.id}
			 where t.account_id = a.id) as team_role
		from accounts a where a.id = ${accountId}`);
	if (auth.user.siteRole === 'admin') {
		if (!row) throw new DomainError('not_found', 'No such account.');
		return { id: row.id, kind: row.kind };
	}
	if (!row) throw denied();
	const allowed = row.own || (level === 'manage' ? row.team_role === 'owner' || row.team_role === 'admin' : row.team_role !== null);
	if (!allowed) throw denied();
	return { id: row.id, kind: row.kind };
}

/**
 * Calls `stopped` once, with the refusal the session's next request for `accountId` would get, when
 * the session stops letting its user read that account, in this process or another
 * (access-watch.ts): 401 once the session ended (signed out, revoked, its user disabled), 403 once
 * the user may no longer read the account (no longer in its team). Resolves to the function that
 * stops watching. For what stays open after the request that checked the access: the event stream.
 */
export function watchSessionAccess(db: Db, auth: Auth, accountId: string, stopped: (refusal: DomainError) => void): Promise<() => void> {
	return accessWatch(db).watch({ sessionId: auth.sessionId, accountId }, (state) =>
		stopped(state === 'forbidden' ? denied() : new DomainError('unauthorized', 'Sign in, or send Authorization: Bearer <api key>.'))
	);
}
