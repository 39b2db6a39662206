import type { PaddleEnvironment } from '../catalog';

/** What the browser needs to open the checkout for a transaction the server created. */
export type BrowserCheckout =
	| { kind: 'paddle'; environment: PaddleEnvironment; clientToken: string }
	| { kind: 'simulator'; sheetUrl: string };

export interface CreateTransaction {
	priceId: string;
	quantity: number;
	/** Ours, echoed back in every webhook about this transaction (and its subscription). */
	customData: { orderId: string };
}

/**
 * Paddle's side of a purchase. Two implementations: Paddle Billing (real keys) and the local
 * simulator (no keys). Both end in signed webhooks to POST /api/webhooks/paddle; nothing else
 * in the app knows which one is active (see `paymentProvider()` in ./index.ts).
 */
export interface PaymentProvider {
	readonly environment: PaddleEnvironment;
	createTransaction(input: CreateTransaction): Promise<{ transactionId: string }>;
	/** Cancels at the end of the current billing period (Paddle's default for customers). */
	cancelSubscription(paddleSubscriptionId: string): Promise<void>;
	/**
	 * Takes back a cancellation scheduled for the period's end, so the subscription renews again
	 * (Paddle Billing: `PATCH /subscriptions/{id}` with `scheduled_change: null`, the one change of
	 * `scheduled_change` its API accepts: errors/subscriptions/subscription_scheduled_change_invalid_update).
	 */
	resumeSubscription(paddleSubscriptionId: string): Promise<void>;
	browserCheckout(): BrowserCheckout;
	/**
	 * Bills a one-time charge for one unit of a non-recurring price on the buyer's subscription, now
	 * (Paddle Billing: `POST /subscriptions/{id}/charge`, `effective_from: immediately`,
	 * `on_payment_failure: prevent_change`). The tokens come with the transaction.completed webhook
	 * (origin `subscription_charge`), never from this answer. Throws `payment_declined` when the
	 * buyer's payment method is refused, `payment_provider_error` for anything else.
	 */
	chargeSubscription(paddleSubscriptionId: string, priceId: string): Promise<void>;
	/**
	 * A package's price changed: what Paddle recommends instead of editing a price in use is a new price
	 * on the same Paddle product, as `priceId` but `unitPriceCents` (minor units of `currency`) and the
	 * billing `interval` (null: one-time); then the old one is archived (`archivePrice`). Returns the new
	 * price's id. Throws `payment_provider_error` when Paddle refuses or cannot be reached.
	 */
	newPriceLike(priceId: string, price: NewPrice): Promise<{ priceId: string }>;
	/**
	 * A package being added gets its own Paddle product (its name and description) with one price of
	 * `price` (minor units of its currency; interval null: one-time). Returns the price's id. Should the
	 * price be refused after the product was made, that product is archived again. Throws
	 * `payment_provider_error` when Paddle refuses or cannot be reached.
	 */
	createPrice(item: { name: string; description: string }, price: NewPrice): Promise<{ priceId: string }>;
	/**
	 * Why the price `priceId` (one the seller made in Paddle's dashboard) cannot sell a package of
	 * `price`, in words for the seller; null when it can: Paddle holds it, active, at that amount,
	 * currency and billing period. Throws `payment_provider_error` when Paddle cannot be reached.
	 */
	priceMismatch(priceId: string, price: NewPrice): Promise<string | null>;
	/**
	 * Archives a price: no new checkout can use it, while the subscriptions on it keep it (a
	 * subscription holds its price until changed). Throws `payment_provider_error`.
	 */
	archivePrice(priceId: string): Promise<void>;
	/**
	 * Archives everything Paddle holds for a package being deleted, all or nothing: its prices `priceIds`
	 * (ids of this provider's environment; a price already archived is left so) and the Paddle products
	 * they are prices of, each archived (`status: 'archived'`) once none of its active prices is another's.
	 * Should Paddle refuse or not answer one of them, what this call archived is made active again and it
	 * throws `payment_provider_error`. Answers how to undo it (`restore`: what it archived, active again,
	 * best effort), for a delete that cannot complete after all.
	 */
	archiveAll(priceIds: string[]): Promise<PaddleArchive>;
}

/** What `archiveAll` archived, and how to make it active again. */
export interface PaddleArchive {
	restore(): Promise<void>;
}

export interface NewPrice {
	unitPriceCents: number;
	currency: string;
	interval: 'month' | 'year' | null;
}
