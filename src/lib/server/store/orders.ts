import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db';
import { orders, products } from '../db/schema';
import { listModels } from '../ledger';
import { DomainError } from '../errors';
import { requestHash } from '../idempotency';
import { getProduct, priceIdOf } from './catalog';
import type { BrowserCheckout, PaymentProvider } from './paddle/provider';

export type Order = typeof orders.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our order by id; undefined for anything that is not one (webhook custom data is only trusted this far). */
export async function orderOf(exec: Executor, orderId: string): Promise<Order | undefined> {
	if (!UUID.test(orderId)) return undefined;
	const [row] = await exec.select().from(orders).where(eq(orders.id, orderId));
	return row;
}

export interface CheckoutStart {
	orderId: string;
	transactionId: string;
	checkout: BrowserCheckout;
	/** Prefills the checkout (Paddle asks for an email; the transaction itself names no customer). */
	customerEmail: string | null;
}

/**
 * Records a pending order and has Paddle create the transaction for it (our order id in its
 * custom data). The browser then opens Paddle's checkout for that transaction; only the
 * transaction.completed webhook grants anything.
 * `checkoutKey` (made by the device for one purchase attempt, scoped to the user) makes a retried
 * request answer the same order and transaction: one key = one request (account, package,
 * quantity); the same key with another request is `idempotency_key_reused`, with one still being
 * created `idempotency_key_in_flight`, with one whose transaction failed `payment_provider_error`.
 */
export async function startCheckout(
	exec: Executor,
	provider: PaymentProvider,
	req: { accountId: string; userId: string | null; email: string | null; productId: string; quantity: number; checkoutKey?: string | null }
): Promise<CheckoutStart> {
	const product = await getProduct(exec, req.productId);
	const priceId = priceIdOf(product, provider.environment);
	if (!product.active || !priceId) throw new DomainError('not_found', 'This package is not for sale right now.');
	if (!Number.isInteger(req.quantity) || req.quantity < 1 || req.quantity > product.maxQuantity) {
		throw new DomainError('invalid_input', `Choose between 1 and ${product.maxQuantity}.`);
	}
	const key = req.checkoutKey && req.userId ? req.checkoutKey : null;
	const hash = key ? requestHash(['checkout', req.accountId, product.id, req.quantity]) : null;
	const [order] = await exec
		.insert(orders)
		.values({
			accountId: req.accountId,
			userId: req.userId,
			productId: product.id,
			quantity: req.quantity,
			status: 'pending',
			currency: product.currency,
			checkoutKey: key,
			requestHash: hash
		})
		.onConflictDoNothing({ target: [orders.userId, orders.checkoutKey] })
		.returning();
	if (!order) return earlierCheckout(exec, provider, req, key!, hash!);
	let transactionId: string;
	try {
		({ transactionId } = await provider.createTransaction({ priceId, quantity: req.quantity, customData: { orderId: order!.id } }));
	} catch (e) {
		await exec.update(orders).set({ status: 'failed' }).where(eq(orders.id, order!.id));
		throw e;
	}
	await exec.update(orders).set({ paddleTransactionId: transactionId }).where(eq(orders.id, order!.id));
	return { orderId: order!.id, transactionId, checkout: provider.browserCheckout(), customerEmail: req.email };
}

/** The stored answer of a checkout key that already made its order. */
async function earlierCheckout(
	exec: Executor,
	provider: PaymentProvider,
	req: { userId: string | null; email: string | null },
	key: string,
	hash: string
): Promise<CheckoutStart> {
	const [first] = await exec.select().from(orders).where(and(eq(orders.userId, req.userId!), eq(orders.checkoutKey, key)));
	if (!first || first.requestHash !== hash) throw new DomainError('idempotency_key_reused', 'This checkout key was already used for another purchase.');
	if (first.status === 'failed') throw new DomainError('payment_provider_error', 'This checkout could not be started; try again.');
	if (!first.paddleTransactionId) throw new DomainError('idempotency_key_in_flight', 'This checkout is still being started.');
	return { orderId: first.id, transactionId: first.paddleTransactionId, checkout: provider.browserCheckout(), customerEmail: req.email };
}

export type PurchaseStatus = 'pending' | 'completed' | 'failed' | 'refunded' | 'charged_back' | 'partially_refunded';

export interface Purchase {
	id: string;
	productId: string;
	productName: string;
	kind: string;
	quantity: number;
	/** What it granted (per unit × quantity), per model; one line for plain packs. */
	contents: { model: string | null; modelName: string | null; tokens: number }[];
	tokens: number;
	amountCents: number | null;
	currency: string | null;
	status: PurchaseStatus;
	/** A subscription renewal: created by Paddle's billing, not by a checkout in the app. */
	renewal: boolean;
	/** Charged off-session on the buyer's subscription by auto top-up. */
	autoTopUp: boolean;
	createdAt: string;
	completedAt: string | null;
}

/** Purchase history of one account, newest first. */
export async function listPurchases(exec: Executor, accountId: string, opts: { orderId?: string; limit?: number } = {}): Promise<Purchase[]> {
	const rows = await exec
		.select({
			o: orders,
			p: products,
			renewal: sql<boolean>`exists (select 1 from orders first where first.subscription_id = ${orders.subscriptionId} and first.created_at < ${orders.createdAt})`
		})
		.from(orders)
		.innerJoin(products, eq(products.id, orders.productId))
		.where(
			and(
				eq(orders.accountId, accountId),
				opts.orderId
					? eq(orders.id, opts.orderId)
					: // A checkout opened and left without paying charges nothing: after an hour it leaves the history.
						sql`(${orders.status} <> 'pending' or ${orders.createdAt} > now() - interval '1 hour')`
			)
		)
		.orderBy(desc(orders.createdAt), desc(orders.id))
		.limit(opts.limit ?? 100);
	const names = new Map((await listModels(exec)).map((m) => [m.key, m.name]));
	return rows.map(({ o, p, renewal }) => {
		const contents = p.grants.map((g) => ({ model: g.model, modelName: g.model ? (names.get(g.model) ?? g.model) : null, tokens: g.tokens * o.quantity }));
		return {
			id: o.id,
			productId: p.id,
			productName: p.name,
			kind: p.kind,
			quantity: o.quantity,
			contents,
			tokens: contents.reduce((s, c) => s + c.tokens, 0),
			amountCents: o.amountCents ?? (o.status === 'pending' ? p.priceCents * o.quantity : null),
			currency: o.currency,
			status: o.status,
			renewal,
			autoTopUp: o.chargedSubscriptionId !== null,
			createdAt: o.createdAt.toISOString(),
			completedAt: o.completedAt?.toISOString() ?? null
		};
	});
}

/** One order of one account (the store polls it while the payment is processed). */
export async function getPurchase(exec: Executor, accountId: string, orderId: string): Promise<Purchase> {
	if (!UUID.test(orderId)) throw new DomainError('not_found', 'No such order');
	const [row] = await listPurchases(exec, accountId, { orderId, limit: 1 });
	if (!row) throw new DomainError('not_found', 'No such order');
	return row;
}
