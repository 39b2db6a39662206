import type { Executor } from '../db/client';
import { recordDomainEvent } from '../domain-events';

/**
 * The store's domain events (domain-events.ts), recorded in the Paddle event's transaction:
 * `purchase.completed` for a checkout, `subscription.renewed` for a renewal Paddle billed.
 */
export async function announceCompletion(
	exec: Executor,
	accountId: string,
	p: { transactionId: string; orderId: string; renewal: boolean; productId: string; amountCents: number | null; currency: string; tokens: number; subscriptionId: string | null; periodEnd: Date | null }
): Promise<void> {
	await recordDomainEvent(exec, {
		type: p.renewal ? 'subscription.renewed' : 'purchase.completed',
		accountId,
		key: p.transactionId,
		data: {
			order_id: p.orderId,
			product_id: p.productId,
			amount_cents: p.amountCents,
			currency: p.currency,
			tokens_granted: p.tokens,
			...(p.subscriptionId ? { subscription_id: p.subscriptionId, period_ends_at: p.periodEnd?.toISOString() ?? null } : {})
		}
	});
}

/** `purchase.refunded`: a full refund or a chargeback took back what was left of an order's tokens. */
export async function announceRefund(
	exec: Executor,
	accountId: string,
	r: { adjustmentId: string; orderId: string | undefined; cause: 'refund' | 'chargeback'; tokensTakenBack: number; tokensAlreadySpent: number }
): Promise<void> {
	await recordDomainEvent(exec, {
		type: 'purchase.refunded',
		accountId,
		key: r.adjustmentId,
		data: { order_id: r.orderId ?? null, cause: r.cause, tokens_taken_back: r.tokensTakenBack, tokens_already_spent: r.tokensAlreadySpent }
	});
}

/**
 * `subscription.cancel_scheduled` (a cancellation now ends the subscription at `endsAt`) or
 * `subscription.cancel_undone` (it was taken back: it renews at `renewsAt`), once per change:
 * `key` names the Paddle event that brought it (the subscription and its `occurred_at`).
 */
export async function announceCancelChange(
	exec: Executor,
	accountId: string,
	c: { key: string; subscriptionId: string; productId: string } & ({ endsAt: Date } | { renewsAt: Date | null })
): Promise<void> {
	const base = { subscription_id: c.subscriptionId, product_id: c.productId };
	await recordDomainEvent(
		exec,
		'endsAt' in c
			? { type: 'subscription.cancel_scheduled', accountId, key: c.key, data: { ...base, ends_at: c.endsAt.toISOString() } }
			: { type: 'subscription.cancel_undone', accountId, key: c.key, data: { ...base, renews_at: c.renewsAt?.toISOString() ?? null } }
	);
}

/** `subscription.canceled`: the mirrored status became canceled (the subscription ended). */
export async function announceCancellation(exec: Executor, accountId: string, s: { subscriptionId: string; productId: string; canceledAt: Date | null }): Promise<void> {
	await recordDomainEvent(exec, {
		type: 'subscription.canceled',
		accountId,
		key: s.subscriptionId,
		data: { subscription_id: s.subscriptionId, product_id: s.productId, canceled_at: s.canceledAt?.toISOString() ?? null }
	});
}
