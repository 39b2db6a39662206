import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How far a signature's timestamp may be from now, either way (seconds). Paddle's SDK allows 5 s
 * into the past; a timestamp in the future is bounded the same, or a signed request would stay
 * replayable until then (event dedupe would be the only guard).
 */
export const SIGNATURE_WINDOW_SECONDS = 5;

/**
 * Paddle's webhook signature: `Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "ts:rawBody">`.
 * The simulator signs with this; the webhook endpoint checks it in constant time before the SDK's
 * own `webhooks.unmarshal` (which compares with `===`) ever sees a forged signature.
 */
export function signatureHeader(rawBody: string, secret: string, at: Date = new Date()): string {
	const ts = Math.floor(at.getTime() / 1000);
	return `ts=${ts};h1=${hmac(ts, rawBody, secret)}`;
}

function hmac(ts: number | string, rawBody: string, secret: string) {
	return createHmac('sha256', secret).update(`${ts}:${rawBody}`).digest('hex');
}

/**
 * Checks a `Paddle-Signature` header: `invalid` (malformed, or not this body signed with this secret)
 * or `outside-window` (signed, but its timestamp is more than SIGNATURE_WINDOW_SECONDS from `now`).
 */
export function verifySignature(rawBody: string, secret: string, header: string, now = Date.now()): 'valid' | 'invalid' | 'outside-window' {
	const parts = new Map(
		header.split(';').map((part) => {
			const i = part.indexOf('=');
			return [part.slice(0, i).trim(), part.slice(i + 1).trim()] as const;
		})
	);
	const ts = parts.get('ts');
	const given = parts.get('h1');
	if (!ts || !/^\d{1,12}$/.test(ts) || !given || !/^[0-9a-f]{64}$/.test(given)) return 'invalid';
	if (!timingSafeEqual(Buffer.from(hmac(ts, rawBody, secret), 'hex'), Buffer.from(given, 'hex'))) return 'invalid';
	return Math.abs(now / 1000 - Number(ts)) <= SIGNATURE_WINDOW_SECONDS ? 'valid' : 'outside-window';
}
