import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../db';
import { orders, subscriptions } from '../db/schema';
import { DomainError, isDomainError } from '../errors';
import { getProduct, priceIdOf } from './catalog';
import { soldAs } from './orders';
import type { PaymentProvider } from './paddle/provider';

/** Paddle statuses of a subscription that can still be charged (its payment method is on file and working). */
const CHARGEABLE = ['active', 'trialing'];

/** The account's subscription an off-session charge would go on (the newest chargeable one), or null. */
export async function chargeableSubscription(exec: Executor, accountId: string): Promise<{ id: string; paddleSubscriptionId: string } | null> {
	const [row] = await exec
		.select({ id: subscriptions.id, paddleSubscriptionId: subscriptions.paddleSubscriptionId })
		.from(subscriptions)
		.where(and(eq(subscriptions.accountId, accountId), inArray(subscriptions.status, CHARGEABLE)))
		.orderBy(desc(subscriptions.createdAt))
		.limit(1);
	return row ?? null;
}

/**
 * Buys one unit of a package off-session, on the account's subscription: records a pending order
 * (tied to the subscription, so its `subscription_charge` webhook completes it and grants the
 * tokens, see fulfilment.ts) and asks the provider to charge. Returns the order id. On a refusal
 * the order is marked failed and the refusal thrown: `payment_declined` (the buyer's payment method
 * was refused), `payment_provider_error`, or `not_found` for a package not for sale (or recurring).
 */
export async function chargeOffSession(
	exec: Executor,
	provider: PaymentProvider,
	req: {
		accountId: string;
		productId: string;
		subscription: { id: string; paddleSubscriptionId: string };
		/** Called with the pending order before the provider is asked (an auto top-up ties itself to it, so a later decline webhook finds it). */
		recorded?: (orderId: string) => Promise<void>;
	}
): Promise<string> {
	const product = await getProduct(exec, req.productId);
	const priceId = priceIdOf(product, provider.environment);
	if (!product.active || !priceId || product.kind === 'subscription') throw new DomainError('not_found', 'This package is not for sale right now.');
	const [order] = await exec
		.insert(orders)
		.values({ accountId: req.accountId, userId: null, productId: product.id, quantity: 1, ...soldAs(product, 1), status: 'pending', currency: product.currency, chargedSubscriptionId: req.subscription.id })
		.returning({ id: orders.id });
	await req.recorded?.(order!.id);
	try {
		await provider.chargeSubscription(req.subscription.paddleSubscriptionId, priceId);
	} catch (e) {
		// Only a pending one: the simulator's webhook may already have completed it before an error after it.
		await exec.update(orders).set({ status: 'failed' }).where(and(eq(orders.id, order!.id), eq(orders.status, 'pending')));
		throw isDomainError(e) ? e : new DomainError('payment_provider_error', 'The charge could not be made.');
	}
	return order!.id;
}

/** The oldest order charged off-session on this subscription for one of these packages and not yet tied to a Paddle transaction. */
export async function pendingCharge(exec: Executor, subscriptionId: string, productIds: string[]) {
	const [row] = await exec
		.select()
		.from(orders)
		.where(
			and(
				eq(orders.chargedSubscriptionId, subscriptionId),
				eq(orders.status, 'pending'),
				isNull(orders.paddleTransactionId),
				inArray(orders.productId, productIds)
			)
		)
		.orderBy(asc(orders.createdAt))
		.limit(1);
	return row;
}
