import type { Agent } from 'node:https';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import webpush, { WebPushError } from 'web-push';
import type { Db } from '../../db';
import { pushSubscriptions, sessions } from '../../db/schema';
import { config } from '../../config';
import { logFailure } from '../../log';
import type { PushMessage } from '../../../push-message';
import { vapidKeys } from './keys';
import { inQuietHours, quietHoursOf } from './quiet';

/** A message for one user's devices; `urgency` 'high' wakes a phone in power saving (tokens ran out). */
export interface UserPush {
	userId: string;
	message: PushMessage;
	urgency: 'normal' | 'high';
	/** Replaces a message with the same topic still waiting at the push service (a phone offline gets the latest only); ≤ 32 URL-safe characters. */
	topic?: string;
}

export interface PushOutcome {
	userId: string;
	/** Devices the push service accepted the message for. */
	sent: number;
	/** Held back: the user's quiet hours. The alert is in the inbox all the same. */
	quiet: boolean;
	/** Subscriptions the push service said are gone (404/410), now deleted. */
	gone: number;
	failed: number;
}

export interface PushOptions {
	/** The clock quiet hours are read at (default: now). */
	now?: Date;
	/** Trusts another certificate: a loopback push service in tests. */
	agent?: Agent;
}

/** An alert older than this is stale on a phone that was off; the inbox still has it. */
const TTL_SECONDS = 12 * 3600;
/** Failed sends in a row after which a device counts as gone (uninstalled without telling its push service). */
const MAX_FAILURES = 10;

/** The VAPID subject: the site's https address, else a mailto: of its sender address (push services reach the operator there). */
function vapidSubject(): string {
	const c = config();
	if (c.ORIGIN.startsWith('https:')) return c.ORIGIN;
	const address = /<([^>]+)>/.exec(c.MAIL_FROM)?.[1] ?? c.MAIL_FROM;
	return `mailto:${address.trim()}`;
}

/**
 * Sends each message to every device of its user whose session is still live, encrypted for the
 * device (RFC 8291, aes128gcm) and signed with the site's VAPID key (RFC 8292), unless it is the
 * user's quiet hours at `now`. A device the push service reports gone (404, 410) is deleted; other
 * failures are counted per device and logged by user id (never the endpoint, a capability URL).
 * `agent` lets a caller trust another certificate (a loopback push service in tests).
 */
export async function sendPushes(db: Db, pushes: UserPush[], opts: PushOptions = {}): Promise<PushOutcome[]> {
	if (!pushes.length) return [];
	const userIds = [...new Set(pushes.map((p) => p.userId))];
	const [devices, quiet] = await Promise.all([
		db.orm
			.select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth })
			.from(pushSubscriptions)
			.innerJoin(sessions, eq(sessions.id, pushSubscriptions.sessionId))
			.where(and(inArray(pushSubscriptions.userId, userIds), gt(sessions.expiresAt, sql`now()`))),
		quietHoursOf(db.orm, userIds)
	]);
	if (!devices.length) return pushes.map((p) => ({ userId: p.userId, sent: 0, quiet: false, gone: 0, failed: 0 }));
	const keys = await vapidKeys(db.orm);
	const vapidDetails = { subject: vapidSubject(), publicKey: keys.publicKey, privateKey: keys.privateKey };
	const now = opts.now ?? new Date();
	const outcomes: PushOutcome[] = [];
	for (const p of pushes) {
		const q = quiet.get(p.userId);
		const out: PushOutcome = { userId: p.userId, sent: 0, quiet: q ? inQuietHours(q, now) : false, gone: 0, failed: 0 };
		outcomes.push(out);
		if (out.quiet) continue;
		for (const d of devices.filter((x) => x.userId === p.userId)) {
			const result = await webpush
				.sendNotification({ endpoint: d.endpoint, keys: { p256dh: d.p256dh, auth: d.auth } }, JSON.stringify(p.message), {
					vapidDetails,
					TTL: TTL_SECONDS,
					urgency: p.urgency,
					topic: p.topic,
					timeout: 10_000,
					agent: opts.agent
				})
				.then(
					() => 'sent' as const,
					(e: unknown) => e
				);
			if (result === 'sent') {
				out.sent++;
				await db.orm.update(pushSubscriptions).set({ lastSentAt: sql`now()`, failures: 0 }).where(eq(pushSubscriptions.id, d.id));
			} else if (result instanceof WebPushError && (result.statusCode === 404 || result.statusCode === 410)) {
				out.gone++;
				await db.orm.delete(pushSubscriptions).where(eq(pushSubscriptions.id, d.id));
			} else {
				out.failed++;
				logFailure('push', `push to a device of user ${p.userId} failed`, result);
				const [row] = await db.orm
					.update(pushSubscriptions)
					.set({ failures: sql`${pushSubscriptions.failures} + 1` })
					.where(eq(pushSubscriptions.id, d.id))
					.returning({ failures: pushSubscriptions.failures });
				if ((row?.failures ?? 0) >= MAX_FAILURES) await db.orm.delete(pushSubscriptions).where(eq(pushSubscriptions.id, d.id));
			}
		}
	}
	return outcomes;
}
