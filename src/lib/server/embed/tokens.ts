import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import { isUuid } from '../db/client';
import { appSecret, siteKeyVouches, watchSiteKeyVouch, type ApiKeyAuth } from '../accounts';
import { DomainError } from '../errors';

// Embed tokens: what a host site's backend gives its page so that the <quota-usage> widget can read
// one account's figures in the browser, without the site key ever leaving the server.
// `qe_` + base64url(`keyId.accountId.expiresAtSeconds[.viewerId]`) + `.` + HMAC-SHA256 of that (APP_SECRET):
// nothing is stored; the token is good until it expires, its site key is revoked or paused, its
// user is disabled or the team member it names is no longer in the team (checked on every use, and
// watched while its stream is open). It reads; nothing
// it can reach writes.
// Store tickets (`qs_…`, the same shape under another MAC domain) are what the widget's "Buy tokens"
// trades its embed token for: they open /embed/store for the same account and start checkouts there.

/** Lifetime bounds (seconds): minutes, as a page view lasts; the widget shows an expired state after. */
export const EMBED_TTL_SECONDS = { min: 60, max: 3600, default: 900 } as const;

/** How long a store ticket outlives its embed token (seconds): a buyer who taps "Buy tokens" as the view expires still has time to choose and pay. */
export const STORE_TICKET_SECONDS = 1800;

type Purpose = 'embed' | 'store';
const PREFIX: Record<Purpose, string> = { embed: 'qe_', store: 'qs_' };
const FORMAT = /^(q[es]_)([A-Za-z0-9_-]{20,200})\.([A-Za-z0-9_-]{43})$/;

function mac(purpose: Purpose, body: string, secret: string): string {
	return createHmac('sha256', secret).update(`${purpose}:${body}`).digest('base64url');
}

function sign(purpose: Purpose, keyId: string, accountId: string, expires: number, secret: string, viewerId: string | null): string {
	const body = Buffer.from([keyId, accountId, expires, ...(viewerId ? [viewerId] : [])].join('.')).toString('base64url');
	return `${PREFIX[purpose]}${body}.${mac(purpose, body, secret)}`;
}

export interface EmbedGrant {
	keyId: string;
	accountId: string;
	expiresAt: Date;
	/** The team member viewing a team's pool (a Quota user id), as the host site named them; null for a user's own account, which its user views. */
	viewerId: string | null;
}

/**
 * A token for reading `accountId` until `now + ttlSeconds` (60–3600), vouched for by `key`, which
 * must be a site key (403 `forbidden` otherwise: an account key's owner signs in to Quota itself).
 * `viewerId`: the team member viewing a team's pool (checked a member by the caller, `embedViewer`).
 * Pure: `secret` defaults to APP_SECRET, `now` to the clock.
 */
export function mintEmbedToken(
	key: Pick<ApiKeyAuth, 'keyId' | 'kind'>,
	accountId: string,
	ttlSeconds: number,
	opts: { secret?: string; now?: Date; viewerId?: string | null } = {}
): { token: string; expiresAt: Date } {
	if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can make embed tokens.');
	if (!Number.isInteger(ttlSeconds) || ttlSeconds < EMBED_TTL_SECONDS.min || ttlSeconds > EMBED_TTL_SECONDS.max) {
		throw new DomainError('invalid_input', `ttl_seconds must be a whole number from ${EMBED_TTL_SECONDS.min} to ${EMBED_TTL_SECONDS.max}.`);
	}
	const expires = Math.floor((opts.now ?? new Date()).getTime() / 1000) + ttlSeconds;
	return { token: sign('embed', key.keyId, accountId, expires, opts.secret ?? appSecret(), opts.viewerId ?? null), expiresAt: new Date(expires * 1000) };
}

/**
 * Refuses (403 `forbidden`, `details.reason: "disabled"`) to make a token for a disabled user's
 * account: it would be refused at its first use (401 `revoked`), so the host site was handed a 201
 * and a token that never worked. Asked only when a token is made, with the check its uses make.
 */
export async function assertEmbeddable(db: Db, keyId: string, accountId: string): Promise<void> {
	if ((await siteKeyVouches(db, keyId, accountId)) === 'disabled') {
		throw new DomainError('forbidden', 'This user is disabled in Quota, so no widget shows their figures: a site admin enables them again in Admin → Users.', { reason: 'disabled' });
	}
}

/**
 * A store ticket (`qs_…`) for the account an embed token reads, good until STORE_TICKET_SECONDS after
 * the token ends and only while the same site key vouches for it. It opens /embed/store and starts
 * checkouts there; it reads no usage. Pure: `secret` defaults to APP_SECRET.
 */
export function mintStoreTicket(grant: EmbedGrant, opts: { secret?: string } = {}): { ticket: string; expiresAt: Date } {
	const expires = Math.floor(grant.expiresAt.getTime() / 1000) + STORE_TICKET_SECONDS;
	return { ticket: sign('store', grant.keyId, grant.accountId, expires, opts.secret ?? appSecret(), grant.viewerId), expiresAt: new Date(expires * 1000) };
}

type Reason = 'invalid' | 'expired' | 'revoked' | 'not_member';
const refused = (reason: Reason, message: string) => new DomainError('unauthorized', message, { reason });

const WORDS: Record<Purpose, Record<Reason, string>> = {
	embed: {
		invalid: 'Send Authorization: Bearer <embed token> (qe_…), as POST /api/v1/embed-tokens answered it.',
		expired: 'This embed token has expired; the host site makes a new one.',
		revoked: 'This embed token no longer works: its site key was revoked or paused, or its user disabled.',
		not_member: 'This member is no longer in the team: the host site makes a token for the team without member, or for one of its members.'
	},
	store: {
		invalid: 'This store link is not valid. Reload the page you came from and tap Buy tokens again.',
		expired: 'This store link has expired. Reload the page you came from and tap Buy tokens again.',
		revoked: 'This store link no longer works: the site that sent you here has withdrawn it, or your account is disabled.',
		not_member: 'This store link no longer works: you are no longer in the team.'
	}
};

async function readToken(db: Db, purpose: Purpose, token: string | null | undefined, opts: { secret?: string; now?: Date }): Promise<EmbedGrant> {
	const words = WORDS[purpose];
	const m = FORMAT.exec(token?.trim() ?? '');
	const expected = m && m[1] === PREFIX[purpose] ? Buffer.from(mac(purpose, m[2]!, opts.secret ?? appSecret())) : null;
	if (!m || !expected || !timingSafeEqual(expected, Buffer.from(m[3]!))) throw refused('invalid', words.invalid);
	const [keyId, accountId, expires, viewerId, ...more] = Buffer.from(m[2]!, 'base64url').toString().split('.');
	if (!isUuid(keyId ?? '') || !isUuid(accountId ?? '') || !/^\d+$/.test(expires ?? '') || (viewerId !== undefined && !isUuid(viewerId)) || more.length) throw refused('invalid', words.invalid);
	const expiresAt = new Date(Number(expires) * 1000);
	if (expiresAt <= (opts.now ?? new Date())) throw refused('expired', words.expired);
	const state = await siteKeyVouches(db, keyId!, accountId!, viewerId ?? null);
	if (state === 'not_member') throw refused('not_member', words.not_member);
	if (state !== 'active') throw refused('revoked', words.revoked);
	return { keyId: keyId!, accountId: accountId!, expiresAt, viewerId: viewerId ?? null };
}

/**
 * The account an embed token reads, after checking its signature, its expiry and that its site key
 * still vouches for it (and, for a team pool's token naming a member, that they are still in the
 * team). Throws 401 `unauthorized` with `details.reason`: `invalid` (malformed or forged), `expired`,
 * `revoked` (the key was revoked or paused, or the user disabled) or `not_member` (the member it names
 * left the team or was removed), so the widget can say which.
 */
export function readEmbedToken(db: Db, token: string | null | undefined, opts: { secret?: string; now?: Date } = {}): Promise<EmbedGrant> {
	return readToken(db, 'embed', token, opts);
}

/** The account a store ticket buys for: the same checks and refusals as `readEmbedToken`, in the store page's words. An embed token is not a ticket. */
export function readStoreTicket(db: Db, ticket: string | null | undefined, opts: { secret?: string; now?: Date } = {}): Promise<EmbedGrant> {
	return readToken(db, 'store', ticket, opts);
}

/**
 * Calls `stopped` once, with the refusal the token's next use would get (401 `revoked`, or
 * `not_member`), when its site key stops vouching for it (revoked, paused, its user disabled, its
 * member out of the team; in any process): what keeps a widget's open stream honest between its
 * checks. Resolves to the function that stops watching.
 */
export function watchEmbedGrant(db: Db, grant: EmbedGrant, stopped: (refusal: DomainError) => void): Promise<() => void> {
	return watchSiteKeyVouch(db, grant.keyId, grant.accountId, grant.viewerId, (state) =>
		stopped(state === 'not_member' ? refused('not_member', WORDS.embed.not_member) : refused('revoked', WORDS.embed.revoked))
	);
}
