import { createHash } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { EventName, NodeRuntime, Webhooks, type EventEntity, type IEvents } from '@paddle/paddle-node-sdk';
import type { Db, Executor } from '../../db';
import { isDatabaseUnavailable } from '../../db/outage';
import { paddleEvents } from '../../db/schema';
import { productsByPriceId, type PaddleEnvironment } from '../catalog';
import { applyAdjustment, failTransaction, fulfilTransaction, type Outcome } from '../fulfilment';
import { mirrorSubscription } from '../subscriptions';
import { verifySignature } from './signature';
import { sqlState } from '../../errors';
import { logFailure } from '../../log';
import { toStorableText, unstorablePath } from '../../storable';

export interface WebhookReply {
	status: 200 | 400 | 401 | 500;
	body: { ok: boolean; error?: string; outcome?: string; duplicate?: boolean };
}

// The SDK picks its crypto provider when a Paddle client is built; verification needs no API key.
NodeRuntime.initialize();
const webhooks = new Webhooks();

/**
 * What every Paddle notification carries; the SDK builds the event from `data`. Lenient (`z.object`),
 * unlike the app's inputs: Paddle writes it and adds fields as it likes, which must not turn a paid order away.
 */
const envelope = z.object({
	event_id: z.string().min(1).max(100),
	event_type: z.string().min(1).max(100),
	occurred_at: z.string().refine((at) => !Number.isNaN(Date.parse(at)), 'not a date'),
	data: z.record(z.string(), z.unknown())
});

function refuse(status: 400 | 401, error: string): WebhookReply {
	console.warn(`[paddle-webhook] refused (${status}): ${error}`);
	return { status, body: { ok: false, error } };
}

/**
 * A signed notification Quota cannot use (not JSON, not an event, text the database cannot store,
 * values it refuses): answered 400, never 5xx, since a retry would bring the same bytes for days;
 * kept as outcome `rejected` (the body, unstorable characters replaced) for an admin to look at.
 */
async function reject(db: Db, rawBody: string, reason: string, eventType: unknown): Promise<WebhookReply> {
	const eventId = `rejected:${createHash('sha256').update(rawBody).digest('hex')}`;
	await db.orm
		.insert(paddleEvents)
		.values({
			eventId,
			eventType: typeof eventType === 'string' && eventType ? toStorableText(eventType.slice(0, 100)) : 'unknown',
			occurredAt: new Date(),
			outcome: 'rejected',
			note: reason,
			payload: { body: toStorableText(rawBody) }
		})
		.onConflictDoNothing({ target: paddleEvents.eventId });
	console.warn(`[paddle-webhook] rejected (400): ${reason}; kept as ${eventId}`);
	return { status: 400, body: { ok: false, error: reason } };
}

/**
 * POST /api/webhooks/paddle. The raw body is verified (our constant-time HMAC check with a bounded
 * timestamp window, then the SDK's `webhooks.unmarshal`), the event is stored once
 * (`paddle_events.event_id` is unique) in the same DB transaction as its effect, and the reply is
 * 200 for anything stored (even when flagged), 400 for a signed body that is no usable event
 * (stored as rejected), and 500 only when the effect failed for a reason a retry can cure (an
 * unreachable database is thrown on, for the edge's 503).
 */
export async function receivePaddleWebhook(
	db: Db,
	opts: { env: PaddleEnvironment; secret: string },
	rawBody: string,
	signature: string | null
): Promise<WebhookReply> {
	if (!signature) return refuse(400, 'missing Paddle-Signature header');
	const verdict = verifySignature(rawBody, opts.secret, signature);
	if (verdict === 'invalid') return refuse(401, 'invalid signature');
	if (verdict === 'outside-window') return refuse(401, 'signature timestamp outside the allowed window');
	let payload: unknown;
	try {
		payload = JSON.parse(rawBody);
	} catch {
		return reject(db, rawBody, 'body is not JSON', null);
	}
	const eventType = (payload as { event_type?: unknown } | null)?.event_type;
	const unstorable = unstorablePath(payload);
	if (unstorable) return reject(db, rawBody, `${unstorable.problem === 'depth' ? 'nesting too deep' : 'unstorable text'} at ${unstorable.path.join('.') || 'the top level'}`, eventType);
	if (!envelope.safeParse(payload).success) return reject(db, rawBody, 'not a Paddle event (event_id, event_type, occurred_at, data)', eventType);
	let event: EventEntity;
	try {
		event = await webhooks.unmarshal(rawBody, opts.secret, signature);
	} catch {
		// Signed by the right secret: either it just turned too old for the SDK (5 s), or a body the SDK cannot read.
		if (!(await webhooks.isSignatureValid(rawBody, opts.secret, signature))) return refuse(401, 'signature timestamp outside the allowed window');
		return reject(db, rawBody, 'unreadable event', eventType);
	}
	try {
		const result = await db.orm.transaction((tx) => storeAndApply(tx, opts.env, event, payload));
		if (result.outcome === 'flagged') console.warn(`[paddle-webhook] ${event.eventType} ${event.eventId} flagged: ${result.note}`);
		return { status: 200, body: { ok: true, ...result } };
	} catch (e) {
		// Answered 503 with Retry-After at the edge (http/unavailable.ts); Paddle retries that too.
		if (isDatabaseUnavailable(e)) throw e;
		// A value of the body Postgres cannot store (class 22) never will be: rejected for good. A constraint
		// that refuses the effect (class 23) is a fault on our side or a state that changes: the event must
		// not be lost, so it answers 500 and Paddle retries it.
		if (sqlState(e)?.startsWith('22')) return reject(db, rawBody, `values the database refuses (SQLSTATE ${sqlState(e)})`, eventType);
		logFailure('paddle-webhook', `${event.eventType} ${event.eventId} failed; Paddle will retry`, e);
		return { status: 500, body: { ok: false, error: 'could not process the event now' } };
	}
}

function transactionIdOf(event: EventEntity): string | null {
	if (event.eventType.startsWith('transaction.')) return (event.data as { id: string }).id;
	if (event.eventType.startsWith('adjustment.')) return (event.data as { transactionId: string }).transactionId;
	return null;
}

async function storeAndApply(tx: Executor, env: PaddleEnvironment, event: EventEntity, payload: unknown) {
	const transactionId = transactionIdOf(event);
	const stored = await tx
		.insert(paddleEvents)
		.values({ eventId: event.eventId, eventType: event.eventType, occurredAt: new Date(event.occurredAt), outcome: 'received', transactionId, payload })
		.onConflictDoNothing({ target: paddleEvents.eventId })
		.returning({ eventId: paddleEvents.eventId });
	if (!stored.length) {
		// Stored and applied once; the payments page shows how often Paddle delivered it.
		await tx
			.update(paddleEvents)
			.set({ deliveries: sql`${paddleEvents.deliveries} + 1`, lastReceivedAt: sql`now()` })
			.where(eq(paddleEvents.eventId, event.eventId));
		return { duplicate: true, outcome: 'duplicate' };
	}
	// Events of one Paddle transaction apply one at a time, so a refund never races its completion.
	if (transactionId) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${transactionId}))`);
	const result = await apply(tx, env, event);
	await record(tx, event.eventId, result);
	if (transactionId && result.outcome !== 'deferred') await applyDeferred(tx, env, transactionId);
	return { duplicate: false, outcome: result.outcome, note: result.note };
}

function record(exec: Executor, eventId: string, r: Outcome) {
	return exec
		.update(paddleEvents)
		.set({ outcome: r.outcome, note: r.note ?? null, effect: r.effect ?? null })
		.where(eq(paddleEvents.eventId, eventId));
}

/** Events that arrived before what they depend on (a refund before its completion) apply now, oldest first. */
async function applyDeferred(exec: Executor, env: PaddleEnvironment, transactionId: string) {
	for (let progress = true; progress; ) {
		progress = false;
		const waiting = await exec
			.select()
			.from(paddleEvents)
			.where(and(eq(paddleEvents.transactionId, transactionId), eq(paddleEvents.outcome, 'deferred')))
			.orderBy(asc(paddleEvents.occurredAt));
		for (const row of waiting) {
			const result = await apply(exec, env, Webhooks.fromJson(row.payload as IEvents));
			if (result.outcome === 'deferred') continue;
			await record(exec, row.eventId, result);
			progress = true;
		}
	}
}

const SUBSCRIPTION_EVENTS: string[] = [
	EventName.SubscriptionCreated,
	EventName.SubscriptionUpdated,
	EventName.SubscriptionActivated,
	EventName.SubscriptionCanceled,
	EventName.SubscriptionPastDue,
	EventName.SubscriptionPaused,
	EventName.SubscriptionResumed,
	EventName.SubscriptionTrialing
];

async function apply(exec: Executor, env: PaddleEnvironment, event: EventEntity): Promise<Outcome> {
	const occurredAt = new Date(event.occurredAt);
	switch (event.eventType) {
		case EventName.TransactionCompleted:
			return fulfilTransaction(exec, env, event.data, occurredAt);
		case EventName.TransactionPaymentFailed:
		case EventName.TransactionCanceled:
			return failTransaction(exec, env, event.data);
		case EventName.AdjustmentCreated:
		case EventName.AdjustmentUpdated:
			return applyAdjustment(exec, event.data);
	}
	if (SUBSCRIPTION_EVENTS.includes(event.eventType)) {
		const sub = (event as Extract<EventEntity, { eventType: EventName.SubscriptionUpdated }>).data;
		return mirrorSubscription(exec, sub, occurredAt, async (priceId) => (await productsByPriceId(exec, env, [priceId])).get(priceId));
	}
	return { outcome: 'ignored', note: 'not an event Quota acts on' };
}

/** Stored events an admin should look at (unknown prices, shortfalls, partial refunds), newest first. */
export function flaggedEvents(exec: Executor, limit = 50) {
	return exec
		.select({
			eventId: paddleEvents.eventId,
			eventType: paddleEvents.eventType,
			occurredAt: paddleEvents.occurredAt,
			note: paddleEvents.note,
			transactionId: paddleEvents.transactionId
		})
		.from(paddleEvents)
		.where(eq(paddleEvents.outcome, 'flagged'))
		.orderBy(desc(paddleEvents.receivedAt))
		.limit(limit);
}
