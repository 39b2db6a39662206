import type { Agent } from 'node:https';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import webpush, { WebPushError } from 'web-push';
import { z } from 'zod';
import type { Db } from '../../db';
import type { Executor } from '../../db/client';
import { pushSubscriptions, sessions } from '../../db/schema';
import { config } from '../../config';
import { enqueue, enqueueMany, withdraw, type JobDefinition } from '../../schedule';
import type { PushMessage } from '../../../push-message';
import { vapidKeys } from './keys';
import { inQuietHours, quietHoursEnd, quietHoursOf } from './quiet';

/** A message for one user's devices; `urgency` 'high' wakes a phone in power saving (tokens ran out). */
export interface UserPush {
	userId: string;
	message: PushMessage;
	urgency: 'normal' | 'high';
	/** Replaces a message with the same topic still waiting at the push service (a phone offline gets the latest only); ≤ 32 URL-safe characters. */
	topic?: string;
	/** What the message is about (`alert:<notification id>`): it is queued once per key and device. */
	key: string;
}

/**
 * What became of one queued push: sent; held back until the user's quiet hours end; dropped because
 * it would be older than its time to live by then (`stale`: the inbox has it); or the device is gone
 * (deleted, or its session ended).
 */
export type PushOutcome = 'sent' | 'held' | 'stale' | 'gone';

export interface PushOptions {
	/** The clock quiet hours are read at (default: the real one). */
	now?: () => Date;
	/** Trusts another certificate: a loopback push service in tests. */
	agent?: Agent;
}

const PUSH_JOB = 'push.send';
/** Tries of one push before it is given up (retried after 10 s, 40 s, 160 s: the schedule's backoff). */
const PUSH_TRIES = 4;
/** An alert older than this is stale on a phone that was off; the inbox still has it. */
const TTL_SECONDS = 12 * 3600;
/** Pushes given up in a row (each after its tries) after which a device counts as gone (uninstalled without telling its push service). */
const MAX_FAILURES = 5;

const pushPayload = z.object({
	subscriptionId: z.number().int(),
	userId: z.uuid(),
	message: z.object({ title: z.string(), body: z.string(), url: z.string(), tag: z.string() }),
	urgency: z.enum(['normal', 'high']),
	topic: z.string().optional(),
	/** The message's key (absent in jobs queued before pushes were held back). */
	key: z.string().optional(),
	/** When quiet hours first held it back (a push is tried within moments of being queued, so its age from then). */
	heldSince: z.iso.datetime().optional()
});

/** The VAPID subject: the site's https address, else a mailto: of its sender address (push services reach the operator there). */
function vapidSubject(): string {
	const c = config();
	if (c.ORIGIN.startsWith('https:')) return c.ORIGIN;
	const address = /<([^>]+)>/.exec(c.MAIL_FROM)?.[1] ?? c.MAIL_FROM;
	return `mailto:${address.trim()}`;
}

/** Of these users' push devices, those whose session is still live. */
function liveDevices(exec: Executor, userIds: string[]) {
	return exec
		.select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth })
		.from(pushSubscriptions)
		.innerJoin(sessions, eq(sessions.id, pushSubscriptions.sessionId))
		.where(and(inArray(pushSubscriptions.userId, userIds), gt(sessions.expiresAt, sql`now()`)));
}

/**
 * Queues each message for every device of its user with a live session: one `push.send` job per
 * device (key: the message's key and the device), written in `tx`, the transaction that decided
 * to notify, so a push exists exactly when its alert, notice or flag committed and goes out right
 * after the commit (the runners are woken then). Returns how many were queued.
 */
export async function queuePushes(tx: Executor, pushes: UserPush[]): Promise<number> {
	if (!pushes.length) return 0;
	const devices = await liveDevices(tx, [...new Set(pushes.map((p) => p.userId))]);
	if (!devices.length) return 0;
	const jobs = pushes.flatMap((p) =>
		devices.filter((d) => d.userId === p.userId).map((d) => {
			const payload: z.infer<typeof pushPayload> = { subscriptionId: d.id, userId: p.userId, message: p.message, urgency: p.urgency, topic: p.topic, key: p.key };
			return { key: `${p.key}:${d.id}`, payload, maxAttempts: PUSH_TRIES };
		})
	);
	return enqueueMany(tx, PUSH_JOB, jobs);
}

/**
 * Sends one queued push to its device, encrypted for it (RFC 8291, aes128gcm) and signed with the
 * site's VAPID key (RFC 8292), unless the device is gone meanwhile (unsubscribed, signed out, moved
 * to another user) or it is the user's quiet hours now: then the push is held back until they end
 * (`holdUntilQuietEnds`). A device
 * the push service reports gone (404, 410) is deleted. Any other failure throws, so the schedule
 * retries it with backoff; a push given up after its last try counts against the device, which
 * is deleted after `MAX_FAILURES` such pushes in a row. Logs name the user, never the endpoint (a
 * capability URL).
 */
export async function deliverPush(db: Db, raw: unknown, attempt: number, opts: PushOptions = {}): Promise<PushOutcome> {
	const p = pushPayload.parse(raw);
	const [device] = (await liveDevices(db.orm, [p.userId])).filter((d) => d.id === p.subscriptionId);
	if (!device) return 'gone';
	const now = opts.now?.() ?? new Date();
	const quiet = (await quietHoursOf(db.orm, [p.userId])).get(p.userId);
	if (quiet && inQuietHours(quiet, now)) return holdUntilQuietEnds(db, p, now, quietHoursEnd(quiet, now));
	const keys = await vapidKeys(db.orm);
	try {
		await webpush.sendNotification({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, JSON.stringify(p.message), {
			vapidDetails: { subject: vapidSubject(), publicKey: keys.publicKey, privateKey: keys.privateKey },
			TTL: TTL_SECONDS,
			urgency: p.urgency,
			topic: p.topic,
			timeout: 10_000,
			agent: opts.agent
		});
	} catch (e) {
		if (e instanceof WebPushError && (e.statusCode === 404 || e.statusCode === 410)) {
			await db.orm.delete(pushSubscriptions).where(eq(pushSubscriptions.id, device.id));
			return 'gone';
		}
		if (attempt >= PUSH_TRIES) {
			const [row] = await db.orm
				.update(pushSubscriptions)
				.set({ failures: sql`${pushSubscriptions.failures} + 1` })
				.where(eq(pushSubscriptions.id, device.id))
				.returning({ failures: pushSubscriptions.failures });
			if ((row?.failures ?? 0) >= MAX_FAILURES) await db.orm.delete(pushSubscriptions).where(eq(pushSubscriptions.id, device.id));
		}
		// What the admin's Jobs page shows: the push service's status, never the endpoint.
		const status = e instanceof WebPushError ? `http_${e.statusCode}` : 'unreachable';
		throw Object.assign(new Error(`push to a device of user ${p.userId} failed`, { cause: e }), { name: 'PushServiceError', code: status });
	}
	await db.orm.update(pushSubscriptions).set({ lastSentAt: sql`now()`, failures: 0 }).where(eq(pushSubscriptions.id, device.id));
	return 'sent';
}

/**
 * Queues the push again for `end`, the end of the user's quiet hours, unless it would be older than
 * its time to live by then (`stale`; the inbox has it). One push waits per device, topic and night:
 * a later one of the same topic (the account's newest balance news) replaces the one waiting, so the
 * phone wakes to the latest, not to the night's history.
 */
async function holdUntilQuietEnds(db: Db, p: z.infer<typeof pushPayload>, now: Date, end: Date): Promise<PushOutcome> {
	const heldSince = p.heldSince ?? now.toISOString();
	if (end.getTime() - Date.parse(heldSince) > TTL_SECONDS * 1000) return 'stale';
	const key = `held:${p.subscriptionId}:${p.topic ?? p.key ?? p.message.tag}:${end.toISOString()}`;
	await db.orm.transaction(async (tx) => {
		await withdraw(tx, PUSH_JOB, key);
		await enqueue(tx, PUSH_JOB, { ...p, heldSince }, { key, runAt: end, maxAttempts: PUSH_TRIES });
	});
	return 'held';
}

/** The schedule's `push.send` job (one-off, queued by `queuePushes`); `opts` for tests: a loopback push service's certificate, a clock. */
export function pushJob(opts: PushOptions = {}): JobDefinition {
	return { name: PUSH_JOB, run: ({ db, payload, attempt }) => deliverPush(db, payload, attempt, opts) };
}
