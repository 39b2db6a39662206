import { sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import type { Db, Executor } from '../db';
import { batcher, READ_BATCHES } from '../db/batches';
import { isUuid, queryRows, uuidArray } from '../db/client';
import { DomainError, fieldRefusal, parseInput } from '../errors';
import { assertKeyMayAct, assertKeyScope, requireAccountAccess, type AccessLevel, type KeyAccess } from './access';
import { activeAccount } from './active-account';
import { apiIdentityOf } from './contacts';
import { findGuestAccount, makeGuestAccount } from './guests';
import type { ApiKeyAuth, Auth } from './types';
import { findExternalUser, findUserByEmail, makeExternalUser, unknownUser } from './users';
import { externalUserIdSchema, guestIdSchema } from './validation';
import { getSiteSettings } from '../ledger';

/** Whom a request is about: a site key names the account; an account key acts on its own; a signed-in user names themselves or a team (`sessionAccount`). */
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
 * Where a site key's user is: the account of the user it names by Quota id or the host's id, or,
 * for a host's user the site has not seen, how to make one (unless the site turned that off:
 * `unknown_user`). A user never moves to another account and is never deleted, so each process
 * keeps the answer (the metering API would otherwise look it up on every request), for the users
 * seen last; the setting is read only for a user not found.
 */
async function locateSiteUser(db: Db, user: string): Promise<Located> {
	const kept = keptUsersOf(db);
	const known = kept.get(user);
	if (known) return { accountId: known };
	const id = parseInput(externalUserIdSchema, user);
	const accountId = (isUuid(user) ? await accountOfUserId(db.orm, user.toLowerCase()) : null) ?? (await findExternalUser(db.orm, id))?.accountId;
	if (accountId) {
		kept.set(user, accountId);
		return { accountId };
	}
	await refuseAccountId(db, 'user', user);
	await refuseMemberEmail(db, user);
	if (!(await getSiteSettings(db.orm)).createUnknownUsers) throw unknownUser(id);
	return { make: async (tx) => (await makeExternalUser(tx, id)).accountId };
}

/**
 * Refuses a new host user whose id is a member's e-mail: the site most likely means that member,
 * and a "Site user maya@…" beside Maya would answer for an empty account as if it were hers. Says
 * the member's id, which the API takes. Asked only before a new user is made.
 */
async function refuseMemberEmail(db: Db, user: string): Promise<void> {
	if (!user.includes('@')) return;
	const member = await findUserByEmail(db.orm, user);
	if (!member) return;
	const message = `user=${user} is the e-mail of ${member.name}, a member of this site, not a user id: send user=${member.id} for their account.`;
	throw new DomainError('invalid_input', message, { fieldErrors: { user: [message] } });
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

/** What a signed-in REST call may name: a key's `Target`, or `account`, an account id (the event stream's, as the app's pages name one). */
export interface SessionTarget extends Target {
	account?: string | null;
}

/**
 * The names `target` holds among `fields`, empty ones left out; more than one is `invalid_input` on each of
 * them ("Name one of "user", "team" or "guest", not several."), for a key and a session alike.
 */
function oneNamed<F extends string>(target: Partial<Record<F, string | null>>, fields: readonly F[]): F | undefined {
	const named = fields.filter((f) => target[f] != null && target[f] !== '');
	if (named.length > 1) {
		const list = fields.map((f) => `"${f}"`);
		const message = `Name one of ${list.slice(0, -1).join(', ')} or ${list.at(-1)}, not several.`;
		throw new DomainError('invalid_input', message, { formErrors: [], fieldErrors: Object.fromEntries(named.map((f) => [f, [message]])) });
	}
	return named[0];
}

const KEY_NAMES = ['user', 'team', 'guest'] as const;
const SESSION_NAMES = ['account', ...KEY_NAMES] as const;

/**
 * The account a signed-in user's REST call acts on, checked for `level`, as the app's pages judge it:
 * - nothing named: their active pool;
 * - `user`: their own Quota user id only, for their personal account (not the active pool); anyone
 *   else's id is `forbidden`, before any look-up, so it says nothing of who exists;
 * - `team`: that team's pool, through `requireAccountAccess` (a team they are not in, or none: its
 *   `forbidden`, worded as for any account they may not use, unless `retried` says the request retries
 *   their use of that pool); the account id of one they may use is `invalid_input` naming the id to send,
 *   as a key is told;
 * - `account` (the event stream): an account they may use, by id;
 * - `guest`: `invalid_input` naming it: a signed-in person is not a guest;
 * - several: `invalid_input` naming them, as a key is told.
 */
export async function sessionAccount(db: Db, auth: Auth, target: SessionTarget, level: AccessLevel, retried?: RetriedOn): Promise<string> {
	// The event stream's query holds `account` only when it was sent: a REST body's refusal names no field it does not take.
	switch (oneNamed(target, 'account' in target ? SESSION_NAMES : KEY_NAMES)) {
		case 'user':
			if (target.user!.toLowerCase() !== auth.user.id) throw new DomainError('forbidden', 'Signed in, you act for yourself or your teams; to act for other users use a site key.');
			return auth.user.accountId;
		case 'team':
			return sessionTeamAccount(db, auth, target.team!, level, retried);
		case 'guest':
			throw fieldRefusal('guest', 'guest is for site keys: signed in, you are not a guest. Leave it out for your active pool, or name your "team".');
		default:
			return resolveAccount(db, auth, target.account ?? undefined, level);
	}
}

/**
 * Whether the request retries (its idempotency key's) a use the caller made on `accountId`: then the
 * caller may still name that account after losing access to it (they left the team), and the ledger
 * replays the use's answer. Refused, a client would take a use that was made for one that was not.
 */
export type RetriedOn = (accountId: string) => Promise<boolean>;

/** `sessionAccount`'s `team`: its pool if the user may use it at `level`, or a use made there is retried (`retried`); see there for the refusals. */
async function sessionTeamAccount(db: Db, auth: Auth, team: string, level: AccessLevel, retried?: RetriedOn): Promise<string> {
	const [row] = isUuid(team) ? await db.rows<{ account_id: string }>(sql`select account_id from teams where id = ${team}::uuid`) : [];
	if (row) {
		const access = await requireAccountAccess(db, auth, row.account_id, level).catch(async (e: unknown) => {
			if (e instanceof DomainError && e.code === 'forbidden' && retried && (await retried(row.account_id))) return { id: row.account_id };
			throw e;
		});
		return access.id;
	}
	// No such team: an account the user may not use gets the refusal any such account gets (a site admin,
	// who may use any, is told there is no such team); one they may use is told the name it has in the API.
	await requireAccountAccess(db, auth, team, level).catch((e: unknown) => {
		throw e instanceof DomainError && e.code === 'not_found' ? new DomainError('not_found', 'No such team.') : e;
	});
	await refuseAccountId(db, 'team', team);
	throw new DomainError('not_found', 'No such team.');
}

/** Who calls: an API key, or else a signed-in session (REST v1 takes both). */
export interface Caller {
	key: ApiKeyAuth | null;
	session: Auth | null;
}

/**
 * The account a call acts on, checked for `level`: the one a key's `target` names (an account key
 * its own), or for a signed-in user the one `sessionAccount` finds (their active pool when `target`
 * names nothing). `unauthorized` when nobody is calling.
 */
export function callerAccount(db: Db, caller: Caller, target: Target, level: AccessLevel, retried?: RetriedOn): Promise<string> {
	if (caller.key) return targetAccount(db, caller.key, target, level);
	if (caller.session) return sessionAccount(db, caller.session, target, level, retried);
	throw new DomainError('unauthorized', 'Sign in first.');
}

/** The idempotency scope of a caller: keys are scoped to the API key (or the user) that sent them. */
export function callerScope(caller: Caller): string {
	if (caller.key) return `key:${caller.key.keyId}`;
	if (caller.session) return `user:${caller.session.user.id}`;
	throw new DomainError('unauthorized', 'Sign in first.');
}

/**
 * Where a key's target is: the account it names, or, for a host site's user or guest the site has
 * not seen yet, `make`, which makes its account inside a caller's transaction (made, found again or
 * refused: the site's setting, an account id sent as a user's) only when the call is judged.
 */
type Located = { accountId: string } | { make: (tx: Executor) => Promise<string> };

async function locateTarget(db: Db, key: ApiKeyAuth, target: Target): Promise<Located> {
	oneNamed(target, KEY_NAMES);
	if (target.team) {
		if (!isUuid(target.team)) throw new DomainError('not_found', 'No such team.');
		const [row] = await db.rows<{ account_id: string }>(sql`select account_id from teams where id = ${target.team}::uuid`);
		if (!row && key.kind === 'site') await refuseAccountId(db, 'team', target.team);
		if (!row) throw key.kind === 'site' ? new DomainError('not_found', 'No such team.') : new DomainError('forbidden', 'This key cannot act for that team.');
		return { accountId: row.account_id };
	}
	if (target.user) {
		if (key.kind === 'site') return locateSiteUser(db, target.user);
		const [row] = await db.rows<{ account_id: string }>(
			sql`select account_id from users where ${isUuid(target.user) ? sql`id = ${target.user}::uuid or ` : sql``} external_id = ${target.user}`
		);
		if (!row) throw new DomainError('forbidden', 'This key cannot act for that user.');
		return { accountId: row.account_id };
	}
	if (target.guest) {
		if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can act for guests.');
		const guest = parseInput(guestIdSchema, target.guest);
		const accountId = await findGuestAccount(db.orm, guest);
		if (accountId) return { accountId };
		await refuseAccountId(db, 'guest', guest);
		return { make: (tx) => makeGuestAccount(tx, guest) };
	}
	// Said on `user`, as the body's schema says two of them: the field a site key most often names.
	if (key.kind === 'site') throw fieldRefusal('user', 'A site key must name "user", "team" or "guest".');
	return { accountId: key.accountId! };
}

/**
 * The account a key acts on, checked for `level`; a host site's user or guest the site has not
 * seen yet is made now and kept (an embed token and an event stream need an account to name), but
 * only for a key that may spend (`consume`): a read-only key adds nobody to the site, it gets
 * `not_found` "No such user yet" (or guest) as for a name it could never use.
 */
export async function targetAccount(db: Db, key: ApiKeyAuth, target: Target, level: AccessLevel): Promise<string> {
	assertKeyScope(key, level);
	const at = await locateTarget(db, key, target);
	if ('make' in at && !key.scopes.includes('consume')) {
		const named = target.guest ? 'guest' : 'user';
		throw new DomainError('not_found', `No such ${named} yet: a key without the consume scope makes no new ${named}s.`);
	}
	const accountId = 'accountId' in at ? at.accountId : await db.orm.transaction(at.make);
	assertKeyMayAct(key, accountId, level);
	return accountId;
}

/** A read's answer for an account made only to answer it: thrown to roll the account back. */
class Unkept<T> {
	constructor(readonly value: T) {}
}

/**
 * Runs `use` on the account a key acts on, checked for `level`. A host site's user or guest the
 * site has not seen yet has no account: `use` then runs inside the transaction that makes one, so
 * it answers what a new user would get. The new account is kept only when `level` is `spend` or
 * `grant` and `use` succeeds; a refused spend, or any read, leaves nothing behind (not even the user).
 * `use` gets the database, or that transaction: spend and read through the executor it is given.
 */
export async function onTargetAccount<T>(db: Db, key: ApiKeyAuth, target: Target, level: KeyAccess, use: (exec: Executor, accountId: string) => Promise<T>): Promise<T> {
	assertKeyScope(key, level);
	const at = await locateTarget(db, key, target);
	if ('accountId' in at) {
		assertKeyMayAct(key, at.accountId, level);
		return use(db.orm, at.accountId);
	}
	try {
		return await db.orm.transaction(async (tx) => {
			const value = await use(tx, await at.make(tx));
			if (level === 'read') throw new Unkept(value);
			return value;
		});
	} catch (e) {
		if (e instanceof Unkept) return e.value as T;
		throw e;
	}
}

/**
 * `onTargetAccount` for whoever calls: a key's target, or the account a signed-in user names (`sessionAccount`;
 * never made; `retried`: a team they left still answers a retry of their use there).
 */
export async function onCallerAccount<T>(db: Db, caller: Caller, target: Target, level: 'read' | 'spend', use: (exec: Executor, accountId: string) => Promise<T>, retried?: RetriedOn): Promise<T> {
	if (caller.key) return onTargetAccount(db, caller.key, target, level, use);
	return use(db.orm, await callerAccount(db, caller, target, level, retried));
}
