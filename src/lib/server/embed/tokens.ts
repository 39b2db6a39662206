import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db';
import { isUuid } from '../db/client';
import { appSecret, siteKeyVouches, type ApiKeyAuth } from '../accounts';
import { DomainError } from '../errors';

// Embed tokens: what a host site's backend gives its page so that the <quota-usage> widget can read
// one account's figures in the browser, without the site key ever leaving the server.
// `qe_` + base64url(`keyId.accountId.expiresAtSeconds`) + `.` + HMAC-SHA256 of that (APP_SECRET):
// nothing is stored; the token is good until it expires, its site key is revoked or its user is
// disabled (checked on every use). It reads; nothing it can reach writes.

/** Lifetime bounds (seconds): minutes, as a page view lasts; the widget shows an expired state after. */
export const EMBED_TTL_SECONDS = { min: 60, max: 3600, default: 900 } as const;

const FORMAT = /^qe_([A-Za-z0-9_-]{20,200})\.([A-Za-z0-9_-]{43})$/;

function mac(body: string, secret: string): string {
	return createHmac('sha256', secret).update(`embed:${body}`).digest('base64url');
}

export interface EmbedGrant {
	keyId: string;
	accountId: string;
	expiresAt: Date;
}

/**
 * A token for reading `accountId` until `now + ttlSeconds` (60–3600), vouched for by `key`, which
 * must be a site key (403 `forbidden` otherwise: an account key's owner signs in to Quota itself).
 * Pure: `secret` defaults to APP_SECRET, `now` to the clock.
 */
export function mintEmbedToken(key: Pick<ApiKeyAuth, 'keyId' | 'kind'>, accountId: string, ttlSeconds: number, opts: { secret?: string; now?: Date } = {}): { token: string; expiresAt: Date } {
	if (key.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can make embed tokens.');
	if (!Number.isInteger(ttlSeconds) || ttlSeconds < EMBED_TTL_SECONDS.min || ttlSeconds > EMBED_TTL_SECONDS.max) {
		throw new DomainError('invalid_input', `ttl_seconds must be a whole number from ${EMBED_TTL_SECONDS.min} to ${EMBED_TTL_SECONDS.max}.`);
	}
	const expires = Math.floor((opts.now ?? new Date()).getTime() / 1000) + ttlSeconds;
	const body = Buffer.from(`${key.keyId}.${accountId}.${expires}`).toString('base64url');
	return { token: `qe_${body}.${mac(body, opts.secret ?? appSecret())}`, expiresAt: new Date(expires * 1000) };
}

const refused = (reason: 'invalid' | 'expired' | 'revoked', message: string) => new DomainError('unauthorized', message, { reason });

/**
 * The account an embed token reads, after checking its signature, its expiry and that its site key
 * still vouches for it. Throws 401 `unauthorized` with `details.reason`: `invalid` (malformed or
 * forged), `expired`, or `revoked` (the key was revoked or the user disabled), so the widget can say
 * which.
 */
export async function readEmbedToken(db: Db, token: string | null | undefined, opts: { secret?: string; now?: Date } = {}): Promise<EmbedGrant> {
	const m = FORMAT.exec(token?.trim() ?? '');
	const expected = m ? Buffer.from(mac(m[1]!, opts.secret ?? appSecret())) : null;
	if (!m || !expected || !timingSafeEqual(expected, Buffer.from(m[2]!))) throw refused('invalid', 'Send Authorization: Bearer <embed token> (qe_…), as POST /api/v1/embed-tokens answered it.');
	const [keyId, accountId, expires] = Buffer.from(m[1]!, 'base64url').toString().split('.');
	if (!isUuid(keyId ?? '') || !isUuid(accountId ?? '') || !/^\d+$/.test(expires ?? '')) throw refused('invalid', 'This embed token is malformed.');
	const expiresAt = new Date(Number(expires) * 1000);
	if (expiresAt <= (opts.now ?? new Date())) throw refused('expired', 'This embed token has expired; the host site makes a new one.');
	const state = await siteKeyVouches(db, keyId!, accountId!);
	if (state !== 'active') throw refused('revoked', 'This embed token no longer works: its site key was revoked or its user disabled.');
	return { keyId: keyId!, accountId: accountId!, expiresAt };
}
