import type { Executor } from './db/client';

/**
 * Domain events: what a domain announces about a change it made, inside the transaction that made
 * it. The owning domain calls `recordDomainEvent(tx, …)` with its own transaction; subscribers
 * (today the webhooks outbox) run with that same executor, so what they write commits or rolls back
 * with the change. The announcing domain never names a subscriber's tables; a subscriber is
 * registered once at start-up (`subscribeDomainEvents`). Without subscribers it costs nothing.
 */
export const domainEventTypes = [
	'balance.low',
	'balance.depleted',
	'allowance.exhausted',
	'purchase.completed',
	'purchase.refunded',
	'subscription.renewed',
	'subscription.cancel_scheduled',
	'subscription.cancel_undone',
	'subscription.canceled',
	'grant.created',
	'balance.adjusted',
	'lot.expired',
	'hold.expired'
] as const;

export type DomainEventType = (typeof domainEventTypes)[number];

export interface DomainEvent {
	type: DomainEventType;
	/** The account whose balance or state changed. */
	accountId: string;
	/**
	 * What makes this change unique (a lot id, a hold id, a Paddle transaction id, an alert
	 * crossing): recording the same type and key twice records one event.
	 */
	key: string;
	/**
	 * Keys an earlier release recorded this same change under, when the key's form changed: an event
	 * recorded with one of them is this one, so a deploy sends nothing twice.
	 */
	formerKeys?: readonly string[];
	/** The event's own fields (snake_case, as the host site receives them). */
	data: Record<string, unknown>;
}

export type DomainEventSubscriber = (exec: Executor, event: DomainEvent) => Promise<void>;

const subscribers = new Set<DomainEventSubscriber>();

/** Registers a subscriber for every recorded event; returns the unsubscribe function. */
export function subscribeDomainEvents(subscriber: DomainEventSubscriber): () => void {
	subscribers.add(subscriber);
	return () => subscribers.delete(subscriber);
}

/** Announces a change made in `exec` (pass the change's transaction); subscribers write in it too. */
export async function recordDomainEvent(exec: Executor, event: DomainEvent): Promise<void> {
	for (const subscriber of subscribers) await subscriber(exec, event);
}
