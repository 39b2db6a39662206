import { sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db } from '../db';
import { batcher, READ_BATCHES } from '../db/batches';
import { isUuid, queryRows, uuidArray } from '../db/client';
import { DomainError } from '../errors';
import { assertKeyMayAct, requireAccountAccess, type AccessLevel } from './access';
import { activeAccount } from './active-account';
import { apiIdentityOf } from './contacts';
import { guestAccountFor } from './guests';
import type { ApiKeyAuth, Auth } from './types';
import { findOrCreateExternalUser } from './users';
import { getSiteSettings } from '../ledger';

/** Whom a request is about: a site key names the account; an account key acts on its own. */
export interface Target {
	user?: string | null;
	team?: string | null;
	guest?: string | null;
}

/** Site users whose account each process keeps: the most recently used ones (a few MB at most). */
const MAX_KEPT_SITE_USERS = 20_000;
const keptSiteUsers = new WeakMap<Db, LRUCache<string, string>>();

function keptUsersOf(db: Db): LRUCache<string, string> {
	let kept = keptSiteUsers.get(db);
	if (!kept) keptSiteUsers.set(db, (kept = new LRUCache({ max: MAX_KEPT_SITE_USERS })));
	return kept;
}

/**
 * The account of a user a site key names by Quota id or the host's id, created on first sight
 * unless the site turned that off (`unknown_user` then). A user never moves to another account and
 * is never deleted, so each process keeps the answer (the metering API would otherwise look it up
 * on every request), for the users seen last; the setting is read only for a user not found.
 */
async function siteUserAccount(db: Db, user: string): Promise<string> {
	const kept = keptUsersOf(db);
	const known = kept.get(user);
	if (known) return known;
	const found = isUuid(user) ? await accountOfUserId(db.orm, user.toLowerCase()) : null;
	const mayCreate = async () => {
		await refuseAccountId(db, 'user', user);
		return (await getSiteSettings(db.orm)).createUnknownUsers;
	};
	const accountId = found ?? (await findOrCreateExternalUser(db, user, mayCreate)).accountId;
	kept.set(user, accountId);
	return accountId;
}

/**
 * Refuses an account id sent as a `user`, `team` or `guest` the site does not have: the console's
 * address and every webhook's `account_id` hold one, and taking it for a host's new id would make an
 * empty user instead of answering for the account. Says the name the API takes (`apiIdentityOf`).
 * Asked only before a new user or guest is made and for a team not found, so known names cost nothing.
 */
async function refuseAccountId(db: Db, named: keyof Target, id: string): Promise<void> {
	if (!isUuid(id)) return;
	const who = await apiIdentityOf(db.orm, id.toLowerCase());
	if (!who) return;
	const name = who.userId ? `user=${who.userId}` : who.teamId ? `team=${who.teamId}` : `guest=${who.guestId}`;
	const message = `${named}=${id} is an account id, not a ${named} id: send ${name} for that account.`;
	throw new DomainError('invalid_input', message, { fieldErrors: { [named]: [message] } });
}

/**
 * Users named by Quota id while others are looked up go together (db/batches.ts): one statement
 * finds each one's account; null when there is no such user (the name may be a host's id that
 * looks like a uuid). A host's own ids are looked up one by one: `= any(…)` on `external_id` can
 * take its trigram index (the admin search's), much slower for equality than the unique one.
 */
const accountOfUserId = batcher<string, string | null>(
	async (exec, ids) => {
		const rows = await queryRows<{ id: string; account_id: string }>(exec, sql`select id, account_id from users where id = any(${uuidArray(ids)})`);
		const byId = new Map(rows.map((r) => [r.id, r.account_id]));
		return ids.map((id) => ({ ok: true, value: byId.get(id) ?? null }));
	},
	() => READ_BATCHES
);

/** The account a signed-in user means: the one named (if they may use it) or their active pool. */
export async function resolveAccount(db: Db, auth: Auth, accountId: string | undefined, level: AccessLevel): Promise<string> {
	if (accountId) return (await requireAccountAccess(db, auth, accountId, level)).id;
	return (await activeAccount(db, auth.user.id)).accountId;
}

/** Who calls: an API key, or else a signed-in session (REST v1 takes both). */
export interface Caller {
	key: ApiKeyAuth | null;
	session: Auth | null;
}

/**
 * The account a call acts on, checked for `level`: the one a key's `target` names (an account key
 * its own), or the signed-in user's active pool. `unauthorized` when nobody is calling.
 */
export function callerAccount(db: Db, caller: Caller, target: Target, level: AccessLevel): Promise<string> {
	if (caller.key) return targetAccount(db, caller.key, target, level);
	if (caller.session) return resolveAccount(db, caller.session, undefined, level);
	throw new DomainError('unauthorized', 'Sign in first.');
}

/** The idempotency scope of a caller: keys are scoped to the API key (or the user) that sent them. */
export function callerScope(caller: Caller): string {
	if (caller.key) return `key:${caller.key.keyId}`;
	if (caller.session) return `user:${caller.session.user.id}`;
	throw new DomainError('unauthorized', 'Sign in first.');
}

/** Resolves the account a key acts on, creating a host site's unseen user or guest on first use. */
export async function targetAccount(db: Db, key: ApiKeyAuth, target: Target, level: AccessLevel): Promise<string> {
	const named = [target.user, target.team, target.guest].filter((v) => v != null && v !== '');
	if (named.length > 1) throw new DomainError('invalid_input', 'Name one of "user", "team" or "guest", not several.');
	let accountId: string | null = null;
	if (target.team) {
		if (!isUuid(target.team)) throw new DomainError('not_found', 'No such team.');
		const [row] = await db.rows<{ account_id: string }>(sql`select account_id from teams where id = ${target.team}::uuid`);
		if (!row && key.kind === 'site') await refuseAccountId(db, 'team', target.team);
		if (!row) throw key.kind === 'site' ? new DomainError('not_found', 'No such team.') : new DomainError('forbidden', 'This key cannot act for that team.');
		accountId = row.account_id;
	} else if (target.user) {
		if (key.kind !== 'site') {
			const [row] = await db.rows<{ account_id: string }>(
				sql`select account_id from users where ${isUuid(target.user) ? sql`id = ${target.user}::uuid or ` : sql``} external_id = ${target.user}`
			);
			if (!row) throw new DomainError('forbidden', 'This key cannot act for that user.');
			accountId = row.account_id;
		} else {
			accountId = await siteUserAccount(db, target.user);
		}
	} else if (target.guest) {
		if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can act for guests.');
		const guest = target.guest;
		accountId = await guestAccountFor(db, guest, () => refuseAccountId(db, 'guest', guest));
	} else {
		if (key.kind === 'site') throw new DomainError('invalid_input', 'A site key must name "user", "team" or "guest".');
		accountId = key.accountId!;
	}
	// The account was found (or created) above, so only the key's rights are left to check.
	assertKeyMayAct(key, accountId, level);
	return accountId;
}
