import { and, eq } from 'drizzle-orm';
import type { Db } from '../../../db';
import { paddleSimulatorRecords } from '../../../db/schema';
import { DomainError } from '../../../errors';
import { priceIdOf, productsByPriceId, type PaddleEnvironment, type Product } from '../../catalog';
import { orderBuyers, orderOf } from '../../orders';
import { addCalendar } from '../../../../calendar';
import { money } from '../../../../money';
import type { CreateTransaction, PaymentProvider } from '../provider';
import { signatureHeader } from '../signature';
import {
	adjustmentPayload,
	envelope,
	paddleId,
	simulatedCustomerId,
	subscriptionPayload,
	transactionPayload,
	type AdjustmentAction,
	type SimPeriod,
	type SimSubscription,
	type SimTransaction
} from './payloads';

export interface Delivery {
	eventType: string;
	status: number;
}

const periodFrom = (start: Date, interval: 'month' | 'year'): SimPeriod => ({
	startsAt: start.toISOString(),
	endsAt: addCalendar(start, interval).toISOString()
});

/**
 * The local stand-in for Paddle's side (demo and tests, when PADDLE_API_KEY is unset): it keeps its
 * own transactions and subscriptions, and reports every change as a signed webhook POSTed to the
 * app's real endpoint, so verification and fulfilment run exactly as with Paddle. Its price list is
 * the catalog's sandbox price ids (in Paddle, the seller creates those prices in the dashboard).
 */
export class PaddleSimulator implements PaymentProvider {
	readonly environment: PaddleEnvironment = 'sandbox';

	constructor(
		private readonly db: Db,
		private readonly webhookUrl: string,
		private readonly secret: string
	) {}

	browserCheckout() {
		return { kind: 'simulator' as const, sheetUrl: '/paddle-simulator/checkout' };
	}

	async createTransaction(input: CreateTransaction) {
		// An archived price sells to no new checkout, as in Paddle (its subscriptions still renew on it).
		if (priceIdOf(await this.product(input.priceId), this.environment) !== input.priceId) throw new DomainError('payment_provider_error', `The price ${input.priceId} is archived.`);
		const txn: SimTransaction = {
			id: paddleId('txn'),
			status: 'ready',
			origin: 'api',
			priceId: input.priceId,
			quantity: input.quantity,
			customData: input.customData,
			subscriptionId: null,
			billingPeriod: null,
			payments: [],
			createdAt: new Date().toISOString(),
			billedAt: null
		};
		await this.save('transaction', txn.id, txn);
		return { transactionId: txn.id };
	}

	/** The Paddle customer of an order's buyer: one per account (undefined for an unknown order). */
	private async customerOf(orderId: unknown): Promise<string | undefined> {
		const order = typeof orderId === 'string' ? await orderOf(this.db.orm, orderId) : undefined;
		return order ? simulatedCustomerId(order.accountId) : undefined;
	}

	/**
	 * Who started the checkout of a transaction (our order's buyer: its user, null for none, and its
	 * account), or null for a transaction the simulator does not hold (a renewal has the first order's).
	 */
	async buyerOf(transactionId: string): Promise<{ userId: string | null; accountId: string } | null> {
		const orderId = (await this.find<SimTransaction>('transaction', transactionId))?.customData.orderId;
		if (typeof orderId !== 'string') return null;
		const order = await orderOf(this.db.orm, orderId);
		return order ? { userId: order.userId, accountId: order.accountId } : null;
	}

	/** What the checkout sheet shows. */
	async checkoutSummary(transactionId: string) {
		const txn = await this.transaction(transactionId);
		const product = await this.product(txn.priceId);
		return { id: txn.id, status: txn.status, name: product.name, quantity: txn.quantity, totalCents: product.priceCents * txn.quantity, currency: product.currency, interval: product.billingInterval };
	}

	/** The customer pays: the transaction completes (and a subscription starts, for recurring prices). */
	async pay(transactionId: string): Promise<Delivery[]> {
		const txn = await this.transaction(transactionId);
		if (txn.status !== 'ready') throw new DomainError('conflict', `This checkout is already ${txn.status}.`);
		const product = await this.product(txn.priceId);
		const now = new Date();
		txn.status = 'completed';
		txn.billedAt = now.toISOString();
		// Known once the buyer pays (the order is committed by then), as in Paddle's checkout.
		txn.customerId ??= await this.customerOf(txn.customData.orderId);
		txn.payments.push({ status: 'captured', at: now.toISOString() });
		const events = [];
		if (product.billingInterval) {
			const sub: SimSubscription = {
				id: paddleId('sub'),
				status: 'active',
				priceId: txn.priceId,
				quantity: txn.quantity,
				customData: txn.customData,
				interval: product.billingInterval,
				period: periodFrom(now, product.billingInterval),
				cancelAt: null,
				canceledAt: null,
				transactionId: txn.id,
				createdAt: now.toISOString(),
				customerId: txn.customerId
			};
			txn.subscriptionId = sub.id;
			txn.billingPeriod = sub.period;
			await this.save('subscription', sub.id, sub);
			events.push(envelope('subscription.created', subscriptionPayload(sub, product)));
		}
		await this.save('transaction', txn.id, txn);
		events.push(envelope('transaction.completed', transactionPayload(txn, product)));
		return this.deliver(events);
	}

	/** The card is declined: Paddle reports the failed attempt; the checkout stays open for another try. */
	async decline(transactionId: string): Promise<Delivery[]> {
		const txn = await this.transaction(transactionId);
		if (txn.status !== 'ready') throw new DomainError('conflict', `This checkout is already ${txn.status}.`);
		txn.payments.push({ status: 'error', at: new Date().toISOString() });
		await this.save('transaction', txn.id, txn);
		return this.deliver([envelope('transaction.payment_failed', transactionPayload(txn, await this.product(txn.priceId)))]);
	}

	/** Bills the next period now (time travel for the demo), or ends a subscription whose cancellation is due. */
	async renew(subscriptionId: string): Promise<Delivery[]> {
		const sub = await this.subscription(subscriptionId);
		if (sub.status !== 'active') throw new DomainError('conflict', 'This subscription has ended.');
		const product = await this.product(sub.priceId);
		const now = new Date();
		if (sub.cancelAt) {
			sub.status = 'canceled';
			sub.canceledAt = now.toISOString();
			await this.save('subscription', sub.id, sub);
			return this.deliver([envelope('subscription.canceled', subscriptionPayload(sub, product))]);
		}
		sub.period = periodFrom(now, sub.interval);
		const txn: SimTransaction = {
			id: paddleId('txn'),
			status: 'completed',
			origin: 'subscription_recurring',
			priceId: sub.priceId,
			quantity: sub.quantity,
			customData: sub.customData,
			subscriptionId: sub.id,
			billingPeriod: sub.period,
			payments: [{ status: 'captured', at: now.toISOString() }],
			createdAt: now.toISOString(),
			billedAt: now.toISOString(),
			customerId: sub.customerId
		};
		await this.save('subscription', sub.id, sub);
		await this.save('transaction', txn.id, txn);
		return this.deliver([
			envelope('subscription.updated', subscriptionPayload(sub, product)),
			envelope('transaction.completed', transactionPayload(txn, product))
		]);
	}

	/**
	 * A one-time charge on an active subscription, billed at once as Paddle does with
	 * `effective_from: immediately`: a completed transaction of origin `subscription_charge`, reported
	 * by webhook. Declined (nothing billed, no webhook: `on_payment_failure: prevent_change`) when the
	 * subscription's card refuses off-session charges; with `declineCharges: 'later'` the charge is
	 * accepted and its payment then fails: a `past_due` transaction reported by `transaction.payment_failed`.
	 */
	async chargeSubscription(paddleSubscriptionId: string, priceId: string) {
		const sub = await this.subscription(paddleSubscriptionId);
		if (sub.status !== 'active') throw new DomainError('payment_provider_error', 'The simulator cannot charge a subscription that has ended.');
		const product = await this.product(priceId);
		if (product.billingInterval) throw new DomainError('payment_provider_error', 'A one-time charge needs a non-recurring price.');
		if (sub.declineCharges === true) throw new DomainError('payment_declined', 'The payment method on file was declined.');
		const later = sub.declineCharges === 'later';
		const now = new Date().toISOString();
		const txn: SimTransaction = {
			id: paddleId('txn'),
			status: later ? 'past_due' : 'completed',
			origin: 'subscription_charge',
			priceId,
			quantity: 1,
			customData: sub.customData,
			subscriptionId: sub.id,
			billingPeriod: null,
			payments: [{ status: later ? 'error' : 'captured', at: now }],
			createdAt: now,
			billedAt: later ? null : now
		};
		await this.save('transaction', txn.id, txn);
		await this.deliver([envelope(later ? 'transaction.payment_failed' : 'transaction.completed', transactionPayload(txn, product))]);
	}

	/** A new price like `priceId`: the simulator's prices are the catalog's, so the package saved with the new id is its price list. */
	async newPriceLike(priceId: string) {
		await this.product(priceId);
		return { priceId: paddleId('pri') };
	}

	/** A new package's price: an id only, as for `newPriceLike`; the package saved with it sells through it (createTransaction). */
	async createPrice() {
		return { priceId: paddleId('pri') };
	}

	/**
	 * The simulator has no dashboard a seller made prices in: a sandbox price id typed for a package is one
	 * it sells, at the package's price (its price list is the catalog), so none disagrees.
	 */
	async priceMismatch() {
		return null;
	}

	/** An archived price is one the package keeps among its retired prices: createTransaction refuses it. */
	async archivePrice(priceId: string) {
		await this.product(priceId);
	}

	/** A deleted package's prices: the simulator's price list is the catalog, so with the package they are gone; here, only checked to be its. */
	async archiveAll(priceIds: string[]) {
		for (const id of priceIds) await this.product(id);
		return { restore: async () => undefined };
	}

	/** Makes the subscription's card refuse off-session charges at once or `'later'` (by webhook), or accept them again: the demo of a declined auto top-up. */
	async setDeclineCharges(paddleSubscriptionId: string, decline: boolean | 'later') {
		const sub = await this.subscription(paddleSubscriptionId);
		sub.declineCharges = decline;
		await this.save('subscription', sub.id, sub);
	}

	async cancelSubscription(paddleSubscriptionId: string) {
		const sub = await this.subscription(paddleSubscriptionId);
		if (sub.status !== 'active' || sub.cancelAt) return;
		sub.cancelAt = sub.period.endsAt;
		await this.save('subscription', sub.id, sub);
		await this.deliver([envelope('subscription.updated', subscriptionPayload(sub, await this.product(sub.priceId)))]);
	}

	/** Paddle's update with `scheduled_change: null`: a cancellation due at the period's end is taken back. */
	async resumeSubscription(paddleSubscriptionId: string) {
		const sub = await this.subscription(paddleSubscriptionId);
		if (sub.status !== 'active' || !sub.cancelAt) return;
		sub.cancelAt = null;
		await this.save('subscription', sub.id, sub);
		await this.deliver([envelope('subscription.updated', subscriptionPayload(sub, await this.product(sub.priceId)))]);
	}

	/** A full refund as the seller issues it in Paddle: created for approval, then approved. Once per transaction. */
	async refund(transactionId: string): Promise<Delivery[]> {
		const { txn, product } = await this.adjustable(transactionId, 'refund');
		const id = paddleId('adj');
		return this.deliver([
			envelope('adjustment.created', adjustmentPayload(txn, product, 'refund', 'pending_approval', id)),
			envelope('adjustment.updated', adjustmentPayload(txn, product, 'refund', 'approved', id))
		]);
	}

	/**
	 * A partial refund as the seller issues it in Paddle's dashboard: `cents` (minor units, at least 1 and
	 * at most what is left of the transaction's total), created for approval, then approved. Several may
	 * follow one another; once one is made, Paddle takes no full refund of the transaction. Errors:
	 * `invalid_input` for an amount out of that range, `conflict` as `refund`.
	 */
	async refundPart(transactionId: string, cents: number): Promise<Delivery[]> {
		const txn = await this.transaction(transactionId);
		const product = await this.product(txn.priceId);
		const left = product.priceCents * txn.quantity - (txn.partlyRefundedCents ?? 0);
		if (!Number.isSafeInteger(cents) || cents < 1 || cents > left) {
			throw new DomainError('invalid_input', `A partial refund is from ${money(1, product.currency, 'en')} to ${money(left, product.currency, 'en')}, what is left of this transaction.`);
		}
		const { txn: adjusted } = await this.adjustable(transactionId, 'refund', { part: cents });
		const id = paddleId('adj');
		return this.deliver([
			envelope('adjustment.created', adjustmentPayload(adjusted, product, 'refund', 'pending_approval', id, cents)),
			envelope('adjustment.updated', adjustmentPayload(adjusted, product, 'refund', 'approved', id, cents))
		]);
	}

	/** A bank dispute (or, with `reverse`, the bank's decision for the seller on the open dispute). */
	async chargeback(transactionId: string, reverse = false): Promise<Delivery[]> {
		const action = reverse ? 'chargeback_reverse' : 'chargeback';
		const { txn, product } = await this.adjustable(transactionId, action);
		return this.deliver([envelope('adjustment.created', adjustmentPayload(txn, product, action, 'approved'))]);
	}

	/** Which adjustments a completed transaction can still take, from the ones it had. */
	static nextAdjustments(done: readonly AdjustmentAction[] = []): AdjustmentAction[] {
		const count = (a: AdjustmentAction) => done.filter((d) => d === a).length;
		const disputeOpen = count('chargeback') > count('chargeback_reverse');
		if (disputeOpen) return ['chargeback_reverse'];
		if (count('refund') || count('chargeback')) return [];
		return ['refund', 'chargeback'];
	}

	/** Everything the simulator holds, oldest first, each with its package's name and its buyer (`OrderBuyer`; null when its order is gone), as the seller's page lists them. */
	async listRecords() {
		const rows = await this.db.orm.select().from(paddleSimulatorRecords).orderBy(paddleSimulatorRecords.createdAt);
		const data = rows.map((r) => r.data as SimTransaction | SimSubscription);
		const catalog = await productsByPriceId(this.db.orm, this.environment, [...new Set(data.map((d) => d.priceId))]);
		const orderId = (d: { customData: Record<string, unknown> }) => (typeof d.customData.orderId === 'string' ? d.customData.orderId : null);
		const buyers = await orderBuyers(this.db.orm, data.flatMap((d) => orderId(d) ?? []));
		// Whose each record is, as Paddle's dashboard names the customer: the account the order was for.
		const named = <T extends { priceId: string; customData: Record<string, unknown> }>(d: T) => ({
			...d,
			productName: catalog.get(d.priceId)?.name ?? d.priceId,
			buyer: buyers.get(orderId(d) ?? '') ?? null
		});
		return {
			transactions: rows
				.filter((r) => r.kind === 'transaction')
				.map((r) => r.data as SimTransaction)
				.map((t) => {
					const next = t.status === 'completed' ? PaddleSimulator.nextAdjustments(t.adjustments) : [];
					const product = catalog.get(t.priceId);
					// What the seller may still refund in parts (minor units of `currency`): the total less the partial refunds so far.
					const refundableCents = product && next.includes('refund') ? Math.max(product.priceCents * t.quantity - (t.partlyRefundedCents ?? 0), 0) : 0;
					// Partly refunded, Paddle takes no full refund of it: the rest goes in parts.
					return { ...named(t), adjustments: t.adjustments ?? [], nextAdjustments: t.partlyRefundedCents ? next.filter((a) => a !== 'refund') : next, refundableCents, partlyRefundedCents: t.partlyRefundedCents ?? 0, currency: product?.currency ?? null };
				}),
			subscriptions: rows.filter((r) => r.kind === 'subscription').map((r) => named(r.data as SimSubscription))
		};
	}

	/** POSTs each event, in order, signed like Paddle; retries a few times on failure as Paddle does. */
	private async deliver(events: { event_type: string }[]): Promise<Delivery[]> {
		const results: Delivery[] = [];
		for (const event of events) {
			const body = JSON.stringify(event);
			let status = 0;
			for (let attempt = 0; attempt < 3 && !(status >= 200 && status < 300); attempt++) {
				if (attempt) await new Promise((r) => setTimeout(r, 200 * attempt));
				try {
					const res = await fetch(this.webhookUrl, {
						method: 'POST',
						headers: { 'content-type': 'application/json', 'paddle-signature': signatureHeader(body, this.secret) },
						body
					});
					status = res.status;
				} catch (e) {
					console.warn(`[paddle-simulator] could not deliver ${event.event_type}: ${String(e)}`);
				}
			}
			results.push({ eventType: event.event_type, status });
		}
		return results;
	}

	/**
	 * A completed transaction that can take `action` now, recorded as taken (refused with `conflict`
	 * otherwise). `part`: a partial refund of that many minor units, added to what partial refunds paid
	 * back; a full refund after one is refused, as Paddle refuses it.
	 */
	private async adjustable(transactionId: string, action: AdjustmentAction, opts: { part?: number } = {}) {
		const txn = await this.transaction(transactionId);
		if (txn.status !== 'completed') throw new DomainError('conflict', 'Only completed transactions can be refunded or disputed.');
		if (!PaddleSimulator.nextAdjustments(txn.adjustments).includes(action)) {
			const done = txn.adjustments ?? [];
			const why = done.includes('refund') ? 'This transaction is already refunded.' : action === 'chargeback_reverse' ? 'This transaction has no open chargeback.' : 'This transaction was charged back.';
			throw new DomainError('conflict', why);
		}
		if (action === 'refund' && opts.part === undefined && txn.partlyRefundedCents) {
			throw new DomainError('conflict', 'This transaction is partly refunded: refund the rest in parts.');
		}
		if (opts.part !== undefined) txn.partlyRefundedCents = (txn.partlyRefundedCents ?? 0) + opts.part;
		else txn.adjustments = [...(txn.adjustments ?? []), action];
		await this.save('transaction', txn.id, txn);
		return { txn, product: await this.product(txn.priceId) };
	}

	private async product(priceId: string): Promise<Product> {
		const product = (await productsByPriceId(this.db.orm, this.environment, [priceId])).get(priceId);
		if (!product) throw new DomainError('payment_provider_error', `The simulator has no price ${priceId}.`);
		return product;
	}

	private async find<T>(kind: 'transaction' | 'subscription', id: string): Promise<T | undefined> {
		const [row] = await this.db.orm
			.select()
			.from(paddleSimulatorRecords)
			.where(and(eq(paddleSimulatorRecords.id, id), eq(paddleSimulatorRecords.kind, kind)));
		return row?.data as T | undefined;
	}

	private async record<T>(kind: 'transaction' | 'subscription', id: string): Promise<T> {
		const found = await this.find<T>(kind, id);
		if (!found) throw new DomainError('not_found', `The simulator has no ${kind} ${id}.`);
		return found;
	}

	private transaction = (id: string) => this.record<SimTransaction>('transaction', id);
	private subscription = (id: string) => this.record<SimSubscription>('subscription', id);

	private async save(kind: 'transaction' | 'subscription', id: string, data: SimTransaction | SimSubscription) {
		await this.db.orm
			.insert(paddleSimulatorRecords)
			.values({ id, kind, data })
			.onConflictDoUpdate({ target: paddleSimulatorRecords.id, set: { data, updatedAt: new Date() } });
	}
}
