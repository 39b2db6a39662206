import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { atMostCharacters, readableText } from '../fields';
import type { Db, Executor } from '../db';
import { apiKeys, users } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { requireAccountAccess } from './access';
import { audit, creditTo, type AuditAction } from './audit';
import { hashToken, randomBase64url } from './tokens';
import { keptKeys } from './kept-keys';
import { accessWatch, keyStates, type KeyState } from './access-watch';
import { isSiteAdmin, type ApiKeyAuth, type ApiKeyScope, type Auth } from './types';
import { KEY_SCOPES, SCOPE_WORDS, SITE_ONLY_SCOPES } from '../../key-scopes';
import { LAST_USED_EVERY_MINUTES } from '../../key-scopes';

const scopesSchema = z
	.array(z.enum(KEY_SCOPES))
	.min(1, 'Choose at least one scope: something the key may do.')
	.transform((s) => [...new Set(s)].sort() as ApiKeyScope[]);
/** An account key's scopes: granting and the site's webhooks are a site key's (`SITE_ONLY_SCOPES`). */
const accountScopesSchema = scopesSchema.refine((s) => !s.some((x) => SITE_ONLY_SCOPES.includes(x)), {
	message: `An account key may ${SCOPE_WORDS.read} or ${SCOPE_WORDS.consume}; only a site key may ${SCOPE_WORDS.grant} or ${SCOPE_WORDS.webhooks}.`
});
const keyNameSchema = readableText(atMostCharacters(z.string().trim().min(1, 'Name the key after the app that uses it.'), 80, 'Keep the name under 80 characters.'));

/** `qk_` + 43 base64url characters (256 random bits). Seeded keys may be shorter but not under 20. */
const KEY_FORMAT = /^qk_[A-Za-z0-9_-]{20,128}$/;
const PREFIX_LENGTH = 11; // `qk_` + 8 characters: enough to tell keys apart in a list

const publicColumns = {
	id: apiKeys.id,
	name: apiKeys.name,
	kind: apiKeys.kind,
	accountId: apiKeys.accountId,
	prefix: apiKeys.prefix,
	scopes: apiKeys.scopes,
	createdAt: apiKeys.createdAt,
	lastUsedAt: apiKeys.lastUsedAt,
	revokedAt: apiKeys.revokedAt,
	pausedAt: apiKeys.pausedAt
};

interface KeyInput {
	name: string;
	scopes: ApiKeyScope[];
}

/** A new key with its `key.created` entry: by `createdBy`, or by Quota itself (no person; `via` says how). */
async function insertKey(db: Db, row: { kind: 'site' | 'account'; accountId: string | null; name: string; scopes: ApiKeyScope[]; createdBy: string | null; via?: string; value?: string }, ip?: string | null) {
	const value = row.value ?? `qk_${randomBase64url(32)}`;
	const [key] = await db.orm
		.insert(apiKeys)
		.values({ kind: row.kind, accountId: row.accountId, name: row.name, scopes: row.scopes, createdBy: row.createdBy, prefix: value.slice(0, PREFIX_LENGTH), hash: hashToken(value) })
		.returning(publicColumns);
	await audit(db.orm, {
		action: 'key.created',
		...(row.via ? creditTo({ via: row.via }) : { actorUserId: row.createdBy, ip }),
		targetType: 'api_key',
		targetId: key!.id,
		accountId: row.accountId,
		after: { name: row.name, kind: row.kind, scopes: row.scopes, prefix: key!.prefix }
	});
	return { ...key!, value };
}

/** A key that acts only on one account; the caller must be able to manage that account. The value is returned once. */
export async function createAccountKey(db: Db, auth: Auth, input: KeyInput & { accountId: string }, ip?: string | null) {
	const v = parseInput(z.object({ name: keyNameSchema, scopes: accountScopesSchema }), input);
	await requireAccountAccess(db, auth, input.accountId, 'manage');
	return insertKey(db, { kind: 'account', accountId: input.accountId, ...v, createdBy: auth.user.id }, ip);
}

/** A key that may act for any account (a site's AI apps); site admins only. */
export async function createSiteKey(db: Db, auth: Auth, input: KeyInput, ip?: string | null) {
	if (!isSiteAdmin(auth)) throw new DomainError('forbidden', 'Only site admins can create site keys.');
	const v = parseInput(z.object({ name: keyNameSchema, scopes: scopesSchema }), input);
	return insertKey(db, { kind: 'site', accountId: null, ...v, createdBy: auth.user.id }, ip);
}

/**
 * The site key the demo seed configures (DEMO_SITE_API_KEY): created once with the given
 * value (or a new one) and every scope (the demo and its docs meter, grant and manage webhooks with
 * it), kept on later starts. No person creates it: its audit entry credits Quota,
 * with `via` saying how (`demo data`).
 */
export async function ensureSiteKey(db: Db, input: { name: string; value?: string; via?: string }) {
	if (input.value !== undefined && !KEY_FORMAT.test(input.value)) throw new DomainError('invalid_input', 'An API key is qk_ followed by 20–128 letters, digits, - or _.');
	if (input.value) {
		const [existing] = await db.orm.select(publicColumns).from(apiKeys).where(eq(apiKeys.hash, hashToken(input.value)));
		if (existing) return { ...existing, value: input.value, created: false };
	} else {
		const [existing] = await db.orm.select(publicColumns).from(apiKeys).where(and(eq(apiKeys.kind, 'site'), eq(apiKeys.name, input.name), isNull(apiKeys.revokedAt)));
		if (existing) return { ...existing, value: null, created: false };
	}
	const key = await insertKey(db, { kind: 'site', accountId: null, name: parseInput(keyNameSchema, input.name), scopes: [...KEY_SCOPES].sort(), createdBy: null, via: input.via, value: input.value });
	return { ...key, created: true };
}

/** An account's keys (newest first); the value is never shown again, only its prefix. */
export async function listAccountKeys(db: Db, auth: Auth, accountId: string) {
	await requireAccountAccess(db, auth, accountId, 'manage');
	return db.orm.select(publicColumns).from(apiKeys).where(and(eq(apiKeys.kind, 'account'), eq(apiKeys.accountId, accountId))).orderBy(desc(apiKeys.createdAt));
}

export async function listSiteKeys(db: Db, auth: Auth) {
	if (!isSiteAdmin(auth)) throw new DomainError('forbidden', 'Only site admins can see site keys.');
	return db.orm.select(publicColumns).from(apiKeys).where(eq(apiKeys.kind, 'site')).orderBy(desc(apiKeys.createdAt));
}

/** A key the caller may change: site keys for a site admin, account keys for someone who manages the account; `not_found` otherwise (no hint that it exists). */
async function changeableKey(db: Db, auth: Auth, keyId: string) {
	const id = parseInput(z.uuid('No such key.'), keyId);
	const [key] = await db.orm.select(publicColumns).from(apiKeys).where(eq(apiKeys.id, id));
	if (!key) throw new DomainError('not_found', 'No such key.');
	if (key.kind === 'site') {
		if (!isSiteAdmin(auth)) throw new DomainError('not_found', 'No such key.');
	} else {
		await requireAccountAccess(db, auth, key.accountId!, 'manage').catch(() => {
			throw new DomainError('not_found', 'No such key.');
		});
	}
	return key;
}

/** Records a key's change in the audit log, with what it was and is. */
function auditKey(db: Db, auth: Auth, action: AuditAction, before: Record<string, unknown>, after: Record<string, unknown>, key: { id: string; accountId: string | null }, ip?: string | null) {
	return audit(db.orm, { action, actorUserId: auth.user.id, targetType: 'api_key', targetId: key.id, accountId: key.accountId, ip, before, after });
}

/** Revokes a key at once; site keys need a site admin, account keys someone who manages the account. */
export async function revokeApiKey(db: Db, auth: Auth, keyId: string, ip?: string | null) {
	const key = await changeableKey(db, auth, keyId);
	if (key.revokedAt) return key;
	const [revoked] = await db.orm.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, key.id)).returning(publicColumns);
	keptKeys(db).forget(); // at once here; other processes on the trigger's notice
	const named = { name: key.name, prefix: key.prefix };
	await auditKey(db, auth, 'key.revoked', { ...named, revokedAt: null }, { ...named, revokedAt: revoked!.revokedAt }, key, ip);
	return revoked!;
}

/**
 * Pauses a key (its requests are refused (403 `forbidden`, saying it is paused) until resumed) or resumes it; the same
 * access as revoking. One tap on an anomaly flag; unlike revoking, undone with another. Audited.
 */
export async function setKeyPaused(db: Db, auth: Auth, keyId: string, paused: boolean, ip?: string | null) {
	const key = await changeableKey(db, auth, keyId);
	if (key.revokedAt) throw new DomainError('conflict', 'This key is revoked: make a new one.');
	if (Boolean(key.pausedAt) === paused) return key;
	const [changed] = await db.orm.update(apiKeys).set({ pausedAt: paused ? sql`now()` : null }).where(eq(apiKeys.id, key.id)).returning(publicColumns);
	keptKeys(db).forget();
	const named = { name: key.name, prefix: key.prefix };
	await auditKey(db, auth, paused ? 'key.paused' : 'key.resumed', { ...named, pausedAt: key.pausedAt }, { ...named, pausedAt: changed!.pausedAt }, key, ip);
	return changed!;
}

const rejected = () => new DomainError('unauthorized', 'Invalid or revoked API key.');

/**
 * The widget's two tokens, sent where an API key goes: no key at all, so the answer says what each is
 * and where it goes (a host site's page reads the figures with one, its backend calls the API with a key).
 */
const NOT_A_KEY: Record<string, string> = {
	qe_: "This is an embed token (qe_…), which only the <quota-usage> widget's reads take (GET /api/v1/embed/summary and /api/v1/embed/stream): send an API key (qk_…) here.",
	qs_: 'This is a store ticket (qs_…), which only the embedded store takes: send an API key (qk_…) here.'
};

/**
 * Who made a change, as a sentence's object names them: `the API key “Chatbot”` for a key, a person's
 * name for a user (`Ada Admin`), "an admin" when the row is gone. For reasons stored with what they changed.
 */
export async function changedByWords(exec: Executor, by: { userId?: string | null; keyId?: string | null }): Promise<string> {
	if (by.keyId) {
		const [key] = await exec.select({ name: apiKeys.name }).from(apiKeys).where(eq(apiKeys.id, by.keyId));
		if (key) return `the API key “${key.name}”`;
	} else if (by.userId) {
		const [user] = await exec.select({ name: users.name }).from(users).where(eq(users.id, by.userId));
		if (user?.name) return user.name;
	}
	return 'an admin';
}

/**
 * Resolves `Authorization: Bearer qk_…` (pass the value after "Bearer "). Unknown, revoked
 * and malformed keys, and keys of disabled users, get the same answer (401 `unauthorized`); an
 * embed token or store ticket is told what it is and where it goes. An accepted key is kept by
 * this process for a few seconds (kept-keys.ts). Every accepted call marks the key's last_used_at,
 * looked up or kept alike, written at most once a minute (LAST_USED_EVERY_MINUTES) so the hot path
 * stays one statement.
 */
export async function authenticateApiKey(db: Db, bearerValue: string | null | undefined): Promise<ApiKeyAuth> {
	const value = bearerValue?.trim() ?? '';
	const other = NOT_A_KEY[value.slice(0, 3)];
	if (other) throw new DomainError('unauthorized', other);
	if (!KEY_FORMAT.test(value)) throw rejected();
	const hash = hashToken(value);
	const kept = keptKeys(db);
	const auth = await kept.lookup(hash, () => lookUpKey(db, hash));
	if (kept.lastUseDue(auth.keyId)) await markUsed(db, auth.keyId);
	return auth;
}

/** Writes the key's last use now, unless another process wrote it within the minute. */
async function markUsed(db: Db, keyId: string): Promise<void> {
	await db.rows(sql`update api_keys set last_used_at = now()
		where id = ${keyId}::uuid and (last_used_at is null or last_used_at < now() - make_interval(mins => ${LAST_USED_EVERY_MINUTES}))`);
}

/** Where a paused key is resumed: a site key by a site admin, an account key by its owner. */
const RESUMED_IN = { site: 'a site admin resumes it in Admin → API keys', account: 'its owner resumes it in Settings → API keys' } as const;
const paused = (kind: ApiKeyAuth['kind']) => new DomainError('forbidden', `This API key is paused: ${RESUMED_IN[kind]}, or use another key.`, { reason: 'paused' });

async function lookUpKey(db: Db, hash: string): Promise<ApiKeyAuth> {
	const [row] = await db.rows<{ id: string; kind: 'site' | 'account'; account_id: string | null; scopes: ApiKeyScope[]; paused: boolean }>(sql`
		-- scopes as JSON: postgres.js does not parse array columns in raw reads (db/client.ts, fetch_types)
		select k.id, k.kind, k.account_id, to_jsonb(k.scopes) as scopes, k.paused_at is not null as paused from api_keys k
		where k.hash = ${hash} and k.revoked_at is null
			-- a disabled user's own keys stop with them
			and not exists (select 1 from users u where u.account_id = k.account_id and u.disabled_at is not null)`);
	if (!row) throw rejected();
	if (row.paused) throw paused(row.kind);
	return { keyId: row.id, kind: row.kind, accountId: row.account_id, scopes: row.scopes };
}

/**
 * Calls `stopped` once, with the refusal the key's next request would get, when an accepted key
 * stops working: revoked, paused, or its user disabled, by this process or another (access-watch.ts).
 * Resolves to the function that stops watching. For what stays open after the request that
 * checked the key: the event stream.
 */
export function watchApiKey(db: Db, key: ApiKeyAuth, stopped: (refusal: DomainError) => void): Promise<() => void> {
	return accessWatch(db).watch({ keyId: key.keyId, accountId: key.accountId }, (state) => stopped(state === 'paused' ? paused(key.kind) : rejected()));
}

/**
 * Whether a site key still vouches for reading `accountId` (an embed token it minted) as `viewerId`
 * (the team member a pool's token names; null for none): `active` when the key is a site key, neither
 * revoked nor paused, the account is not a disabled user's and the viewer is still in the team;
 * `not_member` when they are not. One indexed read, not kept: an embed token stops working the moment
 * its key is revoked or paused, its user disabled or its member out of the team, and works again when
 * the key is resumed.
 */
export async function siteKeyVouches(db: Db, keyId: string, accountId: string, viewerId: string | null = null): Promise<KeyState> {
	const [state] = await keyStates(db, [{ keyId, accountId, site: true, viewerId }]);
	return state!;
}

/** Calls `stopped` once, with the key's state, when the site key stops vouching for reading `accountId` as `viewerId` (see siteKeyVouches); resolves to the function that stops watching. */
export function watchSiteKeyVouch(db: Db, keyId: string, accountId: string, viewerId: string | null, stopped: (state: Exclude<KeyState, 'active'>) => void): Promise<() => void> {
	return accessWatch(db).watch({ keyId, accountId, site: true, viewerId }, stopped);
}
