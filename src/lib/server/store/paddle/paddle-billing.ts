import { ApiError, Environment, Paddle, type CurrencyCode, type Price } from '@paddle/paddle-node-sdk';
import { describeError } from '../../log';
import { money } from '../../../money';
import { DomainError } from '../../errors';
import type { PaddleEnvironment } from '../catalog';
import type { CreateTransaction, NewPrice, PaddleArchive, PaymentProvider } from './provider';

/** Real Paddle Billing (sandbox or production) through the official Node SDK. */
export class PaddleBillingProvider implements PaymentProvider {
	private readonly paddle: Paddle;

	/** `apiBaseUrl` replaces Paddle's API host (an egress proxy, or a stand-in API in tests). */
	constructor(
		apiKey: string,
		private readonly clientToken: string,
		readonly environment: PaddleEnvironment,
		apiBaseUrl?: string
	) {
		// The SDK takes a base URL in place of an environment name.
		const target = apiBaseUrl ?? (environment === 'production' ? Environment.production : Environment.sandbox);
		this.paddle = new Paddle(apiKey, { environment: target as Environment });
	}

	async createTransaction(input: CreateTransaction) {
		const txn = await this.call('create the transaction', () =>
			this.paddle.transactions.create({
				items: [{ priceId: input.priceId, quantity: input.quantity }],
				customData: input.customData,
				collectionMode: 'automatic'
			})
		);
		return { transactionId: txn.id };
	}

	async cancelSubscription(paddleSubscriptionId: string) {
		await this.call('cancel the subscription', () =>
			this.paddle.subscriptions.cancel(paddleSubscriptionId, { effectiveFrom: 'next_billing_period' })
		);
	}

	async resumeSubscription(paddleSubscriptionId: string) {
		await this.call('keep the subscription', () => this.paddle.subscriptions.update(paddleSubscriptionId, { scheduledChange: null }));
	}

	async chargeSubscription(paddleSubscriptionId: string, priceId: string) {
		await this.call(
			'charge the subscription',
			() =>
				this.paddle.subscriptions.createOneTimeCharge(paddleSubscriptionId, {
					effectiveFrom: 'immediately',
					items: [{ priceId, quantity: 1 }],
					onPaymentFailure: 'prevent_change'
				}),
			// https://developer.paddle.com/errors/subscriptions/subscription_payment_declined
			{ subscription_payment_declined: () => new DomainError('payment_declined', 'The payment method on file was declined.') }
		);
	}

	async newPriceLike(priceId: string, price: NewPrice) {
		const old = await this.call('read the price', () => this.paddle.prices.get(priceId));
		const made = await this.call('create the new price', () =>
			this.paddle.prices.create({
				productId: old.productId,
				description: old.description,
				name: old.name,
				type: old.type ?? undefined,
				billingCycle: price.interval ? { interval: price.interval, frequency: 1 } : null,
				trialPeriod: price.interval ? old.trialPeriod : null,
				taxMode: old.taxMode,
				unitPrice: { amount: String(price.unitPriceCents), currencyCode: price.currency as CurrencyCode },
				quantity: old.quantity,
				customData: old.customData
			})
		);
		return { priceId: made.id };
	}

	async createPrice(item: { name: string; description: string }, price: NewPrice) {
		const product = await this.call('create the product', () => this.paddle.products.create({ name: item.name, description: item.description || null, taxCategory: 'standard' }));
		try {
			const made = await this.call('create the price', () =>
				this.paddle.prices.create({
					productId: product.id,
					description: item.name,
					billingCycle: price.interval ? { interval: price.interval, frequency: 1 } : null,
					unitPrice: { amount: String(price.unitPriceCents), currencyCode: price.currency as CurrencyCode },
					// Quota keeps each package's own limit (maxQuantity, at most 1,000); Paddle's default stops at 100.
					quantity: { minimum: 1, maximum: 1000 }
				})
			);
			return { priceId: made.id };
		} catch (e) {
			// A product with no price sells nothing, but would clutter the seller's dashboard.
			await this.call('archive the product', () => this.paddle.products.archive(product.id)).catch(() => undefined);
			throw e;
		}
	}

	async priceMismatch(priceId: string, price: NewPrice) {
		// https://developer.paddle.com/errors/shared/not_found
		const held = await this.call('read the price', () => this.paddle.prices.get(priceId).catch((e: unknown) => (e instanceof ApiError && e.code === 'not_found' ? null : Promise.reject(e))));
		if (!held) return `Paddle's ${this.environment} has no price ${priceId}.`;
		if (held.status !== 'active') return `The price ${priceId} is archived in Paddle: it sells nothing.`;
		const theirs = `${money(Number(held.unitPrice.amount), held.unitPrice.currencyCode, 'en')}${billedEvery(held.billingCycle)}`;
		const ours = `${money(price.unitPriceCents, price.currency, 'en')}${billedEvery(price.interval && { interval: price.interval, frequency: 1 })}`;
		return theirs === ours ? null : `The price ${priceId} is ${theirs} in Paddle, and the package ${ours}.`;
	}

	async archivePrice(priceId: string) {
		await this.call('archive the old price', () => this.paddle.prices.archive(priceId));
	}

	async archiveAll(priceIds: string[]): Promise<PaddleArchive> {
		// A price id Paddle does not know (one typed by mistake) holds nothing to archive.
		// https://developer.paddle.com/errors/shared/not_found
		const known = (e: unknown) => (e instanceof ApiError && e.code === 'not_found' ? null : Promise.reject(e));
		const prices = (await Promise.all(priceIds.map((id) => this.call('read the price', () => this.paddle.prices.get(id).catch(known))))).filter((p): p is NonNullable<typeof p> => p !== null);
		const products = await Promise.all(
			[...new Set(prices.map((p) => p.productId))].map((id) => this.call('read the product', () => this.paddle.products.get(id, { include: ['prices'] })))
		);
		// Only what is active now is archived (and so made active again by `restore`); a product that still
		// sells a price of something else (another package's) stays active.
		const steps = [
			...prices.filter((p) => p.status === 'active').map((p) => ({ kind: 'price' as const, id: p.id })),
			...products.filter((p) => p.status === 'active' && !p.prices?.some((x) => x.status === 'active' && !priceIds.includes(x.id))).map((p) => ({ kind: 'product' as const, id: p.id }))
		];
		const set = async (step: (typeof steps)[number], status: 'active' | 'archived'): Promise<void> => {
			await (step.kind === 'price' ? this.paddle.prices.update(step.id, { status }) : this.paddle.products.update(step.id, { status }));
		};
		const done: typeof steps = [];
		const restore = async () => {
			for (const step of [...done].reverse()) await this.call(`make the ${step.kind} ${step.id} active again`, () => set(step, 'active')).catch(() => undefined);
		};
		try {
			for (const step of steps) {
				await this.call(`archive the ${step.kind} ${step.id}`, () => set(step, 'archived'));
				done.push(step);
			}
		} catch (e) {
			await restore();
			throw e;
		}
		return { restore };
	}

	browserCheckout() {
		return { kind: 'paddle' as const, environment: this.environment, clientToken: this.clientToken };
	}

	/** Runs one SDK call; Paddle's error codes in `known` become their own domain refusals, anything else `payment_provider_error`. */
	private async call<T>(what: string, fn: () => Promise<T>, known: Record<string, () => DomainError> = {}): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			if (e instanceof ApiError && Object.hasOwn(known, e.code)) throw known[e.code]!();
			const detail = e instanceof ApiError ? `${e.code}: ${e.detail}` : describeError(e);
			console.error(`[paddle] could not ${what}: ${detail}`);
			throw new DomainError('payment_provider_error', `Paddle could not ${what}. Please try again in a moment.`);
		}
	}
}

/** A price's billing period in words after its amount: ' once', ' a month', ' every 3 months'. */
function billedEvery(cycle: Price['billingCycle']): string {
	if (!cycle) return ' once';
	return cycle.frequency === 1 ? ` a ${cycle.interval}` : ` every ${cycle.frequency} ${cycle.interval}s`;
}
