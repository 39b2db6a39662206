import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { EventName, NodeRuntime, Webhooks, type EventEntity, type IEvents } from '@paddle/paddle-node-sdk';
import type { Db, Executor } from '../../db';
import { isDatabaseUnavailable } from '../../db/outage';
import { paddleEvents } from '../../db/schema';
import { productsByPriceId, type PaddleEnvironment } from '../catalog';
import { applyAdjustment, failTransaction, fulfilTransaction, type Outcome } from '../fulfilment';
import { mirrorSubscription } from '../subscriptions';
import { signatureMatches } from './signature';

export interface WebhookReply {
	status: 200 | 400 | 401 | 500;
	body: { ok: boolean; error?: string; outcome?: string; duplicate?: boolean };
}

// The SDK picks its crypto provider when a Paddle client is built; verification needs no API key.
NodeRuntime.initialize();
const webhooks = new Webhooks();

function refuse(status: 400 | 401, error: string, detail: string): WebhookReply {
	console.warn(`[paddle-webhook] refused (${status}): ${error}${detail ? ` — ${detail}` : ''}`);
	return { status, body: { ok: false, error } };
}

/**
 * POST /api/webhooks/paddle. The raw body is verified (our constant-time HMAC check, then the
 * SDK's `webhooks.unmarshal`, which also rejects stale timestamps), the event is stored once
 * (`paddle_events.event_id` is unique) in the same DB transaction as its effect, and the reply is
 * 200 for anything stored (even when flagged) and 500 when the effect failed, so Paddle retries
 * (an unreachable database is thrown on, for the edge's 503).
 */
export async function receivePaddleWebhook(
	db: Db,
	opts: { env: PaddleEnvironment; secret: string },
	rawBody: string,
	signature: string | null
): Promise<WebhookReply> {
	if (!signature) return refuse(400, 'missing Paddle-Signature header', '');
	if (!signatureMatches(rawBody, opts.secret, signature)) return refuse(401, 'invalid signature', `${rawBody.length} bytes`);
	let event: EventEntity;
	try {
		event = await webhooks.unmarshal(rawBody, opts.secret, signature);
	} catch (e) {
		// Signed by the right secret: either too old (the SDK allows 5 s), or a body the SDK cannot read.
		if (!(await webhooks.isSignatureValid(rawBody, opts.secret, signature))) return refuse(401, 'stale signature timestamp', '');
		return refuse(400, 'unreadable event', String(e));
	}
	try {
		const result = await db.orm.transaction((tx) => storeAndApply(tx, opts.env, event, JSON.parse(rawBody)));
		if (result.outcome === 'flagged') console.warn(`[paddle-webhook] ${event.eventType} ${event.eventId} flagged: ${result.note}`);
		return { status: 200, body: { ok: true, ...result } };
	} catch (e) {
		// Answered 503 with Retry-After at the edge (http/unavailable.ts); Paddle retries that too.
		if (isDatabaseUnavailable(e)) throw e;
		console.error(`[paddle-webhook] ${event.eventType} ${event.eventId} failed; Paddle will retry`, e);
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
	if (!stored.length) return { duplicate: true, outcome: 'duplicate' };
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
			return failTransaction(exec, event.data);
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
