import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../../db/client';
import { pushSubscriptions } from '../../db/schema';
import { DomainError, parseInput } from '../../errors';

/**
 * The push services browsers subscribe with (Chrome/Edge/Android: FCM; Firefox: Mozilla's autopush;
 * Safari and iOS home-screen apps: Apple; legacy Edge: WNS). The server sends to a subscription's
 * endpoint, so an endpoint anywhere else would let a user make the server call any address.
 */
const PUSH_SERVICES = ['fcm.googleapis.com', 'updates.push.services.mozilla.com', 'web.push.apple.com', '.push.apple.com', '.notify.windows.com'];

const base64url = (bytes: number) =>
	z
		.string()
		.regex(/^[A-Za-z0-9_-]+=*$/, 'must be base64url')
		.refine((v) => Buffer.from(v, 'base64url').length === bytes, `must encode ${bytes} bytes`);

/**
 * A browser's `PushSubscription.toJSON()`: the endpoint and the keys its payloads are encrypted for.
 * Lenient, unlike the app's inputs: the browser writes this object, not a person, and adds what it
 * likes (`expirationTime`, and whatever a browser adds next), which is not ours to refuse.
 */
export const deviceSubscriptionSchema = z.object({
	endpoint: z.url().max(2048),
	keys: z.object({ p256dh: base64url(65), auth: base64url(16) })
});
export type DeviceSubscription = z.infer<typeof deviceSubscriptionSchema>;

/** Whether an endpoint is on a known push service (https), or on one of `extraOrigins` (a test's loopback stand-in). */
export function isPushService(endpoint: string, extraOrigins: readonly string[] = []): boolean {
	const url = new URL(endpoint);
	if (extraOrigins.includes(url.origin)) return true;
	return url.protocol === 'https:' && PUSH_SERVICES.some((h) => (h.startsWith('.') ? url.hostname.endsWith(h) : url.hostname === h));
}

/**
 * Keeps this device's subscription for the signed-in user, bound to the session it was made in:
 * ending that session (sign-out, "sign out everywhere", a password reset) deletes it, so a shared
 * phone stops getting the previous user's alerts. The same endpoint subscribed again (a new
 * sign-in, maybe another user) replaces the old row. Throws `invalid_input` for a malformed
 * subscription or an endpoint that is not a push service's.
 */
export async function subscribePush(
	exec: Executor,
	who: { userId: string; sessionId: string },
	subscription: unknown,
	opts: { extraOrigins?: readonly string[] } = {}
): Promise<void> {
	const { endpoint, keys } = parseInput(deviceSubscriptionSchema, subscription);
	if (!isPushService(endpoint, opts.extraOrigins)) throw new DomainError('invalid_input', "The subscription's endpoint is not a known push service.");
	const values = { userId: who.userId, sessionId: who.sessionId, p256dh: keys.p256dh, auth: keys.auth };
	await exec
		.insert(pushSubscriptions)
		.values({ endpoint, ...values })
		.onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { ...values, failures: 0, createdAt: sql`now()` } });
}

/** Forgets this device's subscription of the user (turned off in Settings, or signing out). Unknown endpoints change nothing. */
export async function unsubscribePush(exec: Executor, userId: string, endpoint: string): Promise<void> {
	await exec.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
}

/** How many devices get the user's alerts by push (signed in, subscribed). */
export async function pushDeviceCount(exec: Executor, userId: string): Promise<number> {
	const [row] = await exec.select({ n: sql<number>`count(*)::int4` }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
	return Number(row?.n ?? 0);
}

/** Whether this endpoint is one of the user's devices getting push. */
export async function hasPushDevice(exec: Executor, userId: string, endpoint: string): Promise<boolean> {
	const rows = await exec
		.select({ id: pushSubscriptions.id })
		.from(pushSubscriptions)
		.where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
	return rows.length > 0;
}
