import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, boolean, uniqueIndex } from 'drizzle-orm/pg-core';
import { accounts, users } from './accounts';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export type ProductGrant = { model: string | null; tokens: number };

/**
 * A Paddle price the package sold through before its price changed: archived in Paddle, so no new
 * checkout uses it, while the subscriptions on it renew at it (Paddle keeps a subscription's price).
 * Its renewals and adjustments still name it: they map back to this package, at this price.
 */
export type RetiredPrice = { environment: 'sandbox' | 'production'; priceId: string; unitPriceCents: number; currency: string; retiredAt: string };

/** A catalog item: a pack sold by quantity, a model pack, a bundle or a subscription. */
export const products = pgTable('products', {
	id: text('id').primaryKey(),
	kind: text('kind', { enum: ['pack', 'model_pack', 'bundle', 'subscription'] }).notNull(),
	name: text('name').notNull(),
	description: text('description').notNull().default(''),
	/** Tokens granted per unit bought (per period for subscriptions). */
	grants: jsonb('grants').$type<ProductGrant[]>().notNull(),
	priceCents: integer('price_cents').notNull(),
	currency: text('currency').notNull().default('USD'),
	billingInterval: text('billing_interval', { enum: ['month', 'year'] }),
	maxQuantity: integer('max_quantity').notNull().default(1),
	paddlePriceSandbox: text('paddle_price_sandbox'),
	paddlePriceProduction: text('paddle_price_production'),
	/** Its earlier Paddle prices, oldest first (see RetiredPrice). */
	retiredPrices: jsonb('retired_prices').$type<RetiredPrice[]>().notNull().default([]),
	active: boolean('active').notNull().default(true),
	sort: integer('sort').notNull().default(0),
	createdAt: ts('created_at').notNull().defaultNow()
});

export const orders = pgTable(
	'orders',
	{
		id: uuid('id').primaryKey().defaultRandom(),
		accountId: uuid('account_id')
			.notNull()
			.references(() => accounts.id),
		userId: uuid('user_id').references(() => users.id),
		productId: text('product_id')
			.notNull()
			.references(() => products.id),
		quantity: integer('quantity').notNull(),
		/** What was sold, as it was at the sale (a package edited later changes none of it): its name and kind, */
		productName: text('product_name').notNull(),
		productKind: text('product_kind', { enum: ['pack', 'model_pack', 'bundle', 'subscription'] }).notNull(),
		/** its price per unit at checkout (minor units of `currency`; what Paddle charged is `amountCents`), */
		unitPriceCents: integer('unit_price_cents').notNull(),
		/** and its tokens per model for the whole quantity: offered at checkout, then what its payment granted. */
		contents: jsonb('contents').$type<ProductGrant[]>().notNull(),
		status: text('status', { enum: ['pending', 'completed', 'failed', 'refunded', 'charged_back', 'partially_refunded'] }).notNull(),
		amountCents: bigint('amount_cents', { mode: 'number' }),
		currency: text('currency'),
		paddleTransactionId: text('paddle_transaction_id').unique(),
		subscriptionId: uuid('subscription_id'),
		createdAt: ts('created_at').notNull().defaultNow(),
		completedAt: ts('completed_at'),
		/** Made by the buyer's device for one purchase attempt: a retried checkout answers this order. */
		checkoutKey: text('checkout_key'),
		/** The checkout request's hash: one key = one request. */
		requestHash: text('request_hash'),
		/** Paid off-session on this subscription (an auto top-up); its subscription_charge webhook completes it. */
		chargedSubscriptionId: uuid('charged_subscription_id'),
		/** Where its checkout was opened: the member store, or the store embedded in a host site; null for what Paddle's billing made (renewals, auto top-ups). */
		channel: text('channel', { enum: ['store', 'embed'] })
	},
	(t) => [
		index('orders_account_idx').on(t.accountId, t.createdAt),
		uniqueIndex('orders_checkout_key_idx').on(t.userId, t.checkoutKey),
		index('orders_pending_charge_idx').on(t.chargedSubscriptionId).where(sql`status = 'pending' and paddle_transaction_id is null`)
	]
);

export const subscriptions = pgTable('subscriptions', {
	id: uuid('id').primaryKey().defaultRandom(),
	accountId: uuid('account_id')
		.notNull()
		.references(() => accounts.id),
	productId: text('product_id')
		.notNull()
		.references(() => products.id),
	paddleSubscriptionId: text('paddle_subscription_id').notNull().unique(),
	status: text('status').notNull(),
	currentPeriodStart: ts('current_period_start'),
	currentPeriodEnd: ts('current_period_end'),
	nextBilledAt: ts('next_billed_at'),
	canceledAt: ts('canceled_at'),
	/** When a cancellation scheduled in Paddle ends it (`scheduled_change.effective_at`, action cancel); null when none is. */
	cancelsAt: ts('cancels_at'),
	/** occurred_at of the newest event mirrored; older events are ignored. */
	lastEventAt: ts('last_event_at').notNull(),
	createdAt: ts('created_at').notNull().defaultNow()
});

/** What a stored event did to the ledger; a chargeback reversal gives back exactly what its chargeback took. */
export type PaddleEventEffect = {
	orderId?: string;
	/** The status this event gave its order (the order's own status may have moved on since: a failed payment, then a completion). */
	orderStatus?: string;
	granted?: { lotId: string; model: string | null; tokens: number }[];
	clawedBack?: { lotId: string; model: string | null; tokens: number; shortfall: number; expiresAt: string | null }[];
	ended?: string[];
};

export const paddleEvents = pgTable(
	'paddle_events',
	{
		eventId: text('event_id').primaryKey(),
		eventType: text('event_type').notNull(),
		occurredAt: ts('occurred_at').notNull(),
		receivedAt: ts('received_at').notNull().defaultNow(),
		/** processed | ignored | deferred (waits for its transaction) | flagged (needs an admin: unknown price, shortfall, …) | rejected (signed, but no usable event; `payload.body` keeps it). */
		outcome: text('outcome').notNull(),
		note: text('note'),
		/** The Paddle transaction the event is about (transactions and adjustments): events of one transaction apply in order. */
		transactionId: text('transaction_id'),
		effect: jsonb('effect').$type<PaddleEventEffect>(),
		payload: jsonb('payload').notNull(),
		/** How many times Paddle delivered it (a redelivery is a duplicate: stored once, applied once). */
		deliveries: integer('deliveries').notNull().default(1),
		lastReceivedAt: ts('last_received_at')
	},
	(t) => [
		index('paddle_events_transaction_idx').on(t.transactionId),
		index('paddle_events_outcome_idx').on(t.outcome, t.receivedAt),
		index('paddle_events_received_idx').on(t.receivedAt.desc(), t.eventId.desc())
	]
);

/** The local Paddle simulator's own records (Paddle's side: transactions, subscriptions); unused with real keys. */
export const paddleSimulatorRecords = pgTable('paddle_simulator_records', {
	id: text('id').primaryKey(),
	kind: text('kind', { enum: ['transaction', 'subscription'] }).notNull(),
	data: jsonb('data').notNull(),
	createdAt: ts('created_at').notNull().defaultNow(),
	updatedAt: ts('updated_at').notNull().defaultNow()
});

/**
 * A Paddle price being made for a package being added (store/new-package.ts), one at a time per package
 * id and environment: a second "Add package" meanwhile (a double click, a retry) waits for it instead of
 * making another. Gone once the package is saved or Paddle refused; one a crash left is taken over later.
 */
export const paddlePriceRequests = pgTable(
	'paddle_price_requests',
	{
		environment: text('environment', { enum: ['sandbox', 'production'] }).notNull(),
		productId: text('product_id').notNull(),
		requestedAt: ts('requested_at').notNull().defaultNow()
	},
	(t) => [primaryKey({ columns: [t.environment, t.productId] })]
);
