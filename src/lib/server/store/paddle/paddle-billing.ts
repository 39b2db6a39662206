import { ApiError, Environment, Paddle } from '@paddle/paddle-node-sdk';
import { describeError } from '../../log';
import { DomainError } from '../../errors';
import type { PaddleEnvironment } from '../catalog';
import type { CreateTransaction, PaymentProvider } from './provider';

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

	browserCheckout() {
		return { kind: 'paddle' as const, environment: this.environment, clientToken: this.clientToken };
	}

	private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
		try {
			return await fn();
		} catch (e) {
			const detail = e instanceof ApiError ? `${e.code}: ${e.detail}` : describeError(e);
			console.error(`[paddle] could not ${what}: ${detail}`);
			throw new DomainError('payment_provider_error', `Paddle could not ${what}. Please try again in a moment.`);
		}
	}
}
