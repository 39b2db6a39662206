// Verifying Quota's webhooks on the host site's backend: the Standard Webhooks signature scheme
// (https://www.standardwebhooks.com/, "Verifying webhook authenticity"), computed with WebCrypto so
// it runs wherever `crypto.subtle` does (Node 20+, Bun, Deno, edge runtimes) with no Node built-ins.

/** The event types Quota sends. */
export type WebhookEventType =
	| 'balance.low'
	| 'balance.depleted'
	| 'allowance.exhausted'
	| 'purchase.completed'
	| 'purchase.refunded'
	| 'subscription.renewed'
	/** At cancel time: the subscription ends at `ends_at` (the end of its period) and renews no more. */
	| 'subscription.cancel_scheduled'
	/** A scheduled cancel was taken back: it renews at `renews_at` as before. */
	| 'subscription.cancel_undone'
	/** It really ended (at `ends_at`, or at once when the seller canceled it so in Paddle). */
	| 'subscription.canceled'
	| 'grant.created'
	| 'balance.adjusted'
	| 'lot.expired'
	| 'hold.expired';

/**
 * A verified webhook: Standard Webhooks' `{type, timestamp, data}`, as Quota sends it: an account's event,
 * or a test event an admin sent from the console (`type: 'ping'`, no account). Narrow on `type`.
 */
export type WebhookEvent = AccountWebhookEvent | TestWebhookEvent;

/** A test event ("Send a test event" on the console's Webhooks page): no account changed; answer it 2xx and drop it. */
export interface TestWebhookEvent {
	type: 'ping';
	/** When it was sent (ISO 8601). */
	timestamp: string;
	data: {
		/** The same as the `webhook-id` header; each test event has its own. */
		event_id: string;
		test: true;
		/** The endpoint it was sent to (the console's and the REST API's id). */
		endpoint_id: string;
		message: string;
	};
}

/** An event of one account (every type but `ping`). */
export interface AccountWebhookEvent {
	type: WebhookEventType;
	/** When the event was written (ISO 8601). */
	timestamp: string;
	data: {
		/** The same as the `webhook-id` header: the same on every retry and redelivery (drop duplicates by it). */
		event_id: string;
		/** The event's number among its account's events (1, 2, 3, …): order by it. */
		sequence: number;
		/** Quota's account id: not what the API takes as `user` or `team` (send `user_id`, `team_id` or `guest_id`). */
		account_id: string;
		account_kind: 'user' | 'team' | 'guest';
		/** A user's account: your site's own id for them, else their Quota user id (send it as `user`); null for a team or guest. */
		user_id: string | null;
		/** A team pool: the team's id (send it as `team`); else null. */
		team_id: string | null;
		/** A guest: the guest id (send it as `guest`); else null. */
		guest_id: string | null;
		/** The account's balance when the event was written (tokens); `unlimited` when a lot or allowance has no limit. */
		balance_after: { available: number; held: number; unlimited: boolean };
		/**
		 * The event's own fields (`lot_id`, `tokens`, `hold_id`, …; the OpenAPI document's `webhooks` and docs/integration-kit.md,
		 * "Webhooks to your backend"). Total `grant.created`'s `tokens` for what an account was given; a purchase's
		 * `tokens_granted` is the sum of its lots there, not more to add.
		 */
		[field: string]: unknown;
	};
}

/** The signature, its timestamp or its headers are missing, malformed, forged or stale. */
export class WebhookVerificationError extends Error {
	override name = 'WebhookVerificationError';
}

export interface VerifyOptions {
	/** How far the `webhook-timestamp` may be from now, either way (seconds; default 300, the spec's suggestion). */
	toleranceSeconds?: number;
	/** The clock to compare with (default: now); for tests. */
	now?: Date;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string {
	const value = headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
	const one = Array.isArray(value) ? value[0] : value;
	if (!one) throw new WebhookVerificationError(`The ${name} header is missing.`);
	return one;
}

function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
	try {
		return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
	} catch {
		throw new WebhookVerificationError('The webhook secret is not valid base64.');
	}
}

function bytesToBase64(bytes: Uint8Array): string {
	let text = '';
	for (const b of bytes) text += String.fromCharCode(b);
	return btoa(text);
}

/** Compares two strings in time independent of where they differ. */
function sameText(a: string, b: string): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
	return diff === 0;
}

/**
 * Checks that `body` (the raw request body, exactly as received: text or bytes) was signed by Quota
 * with the endpoint's `secret` (`whsec_…`, shown once when the endpoint was made), and that its
 * `webhook-timestamp` is within `toleranceSeconds` of now; then answers the parsed event.
 * Signed content: `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 with the secret's
 * base64 bytes, compared against every `v1,<base64>` of the space-separated `webhook-signature`
 * header (several during a secret rotation).
 * Throws `WebhookVerificationError` for a missing header, a stale or future timestamp, or no
 * matching signature; nothing about the body is trusted before that.
 */
export async function verifyWebhook(secret: string, body: string | Uint8Array, headers: HeaderSource, options: VerifyOptions = {}): Promise<WebhookEvent> {
	const id = header(headers, 'webhook-id');
	const timestamp = header(headers, 'webhook-timestamp');
	const signatures = header(headers, 'webhook-signature');
	const seconds = Number(timestamp);
	if (!/^\d+$/.test(timestamp) || !Number.isSafeInteger(seconds)) throw new WebhookVerificationError('The webhook-timestamp header is not a number of seconds.');
	const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
	const tolerance = options.toleranceSeconds ?? 300;
	if (Math.abs(now - seconds) > tolerance) throw new WebhookVerificationError(`The webhook-timestamp is more than ${tolerance} s from now (a replay, or a clock out of sync).`);

	const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
	const key = await crypto.subtle.importKey('raw', base64ToBytes(secret.replace(/^whsec_/, '')), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
	const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${text}`));
	const expected = bytesToBase64(new Uint8Array(mac));
	const matches = signatures.split(' ').some((s) => {
		const [version, signature] = s.split(',', 2);
		return version === 'v1' && signature !== undefined && sameText(signature, expected);
	});
	if (!matches) throw new WebhookVerificationError('No webhook-signature matches this body and secret.');
	try {
		return JSON.parse(text) as WebhookEvent;
	} catch {
		throw new WebhookVerificationError('The signed body is not JSON.');
	}
}
