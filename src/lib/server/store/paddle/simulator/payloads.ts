import { createHash, randomBytes } from 'node:crypto';
import type {
	IAdjustmentNotificationResponse,
	IEventsResponse,
	ISubscriptionCreatedNotificationResponse,
	ITransactionNotificationResponse
} from '@paddle/paddle-node-sdk';
import type { Product } from '../../catalog';

/**
 * Webhook payloads in Paddle Billing's own shapes (copied from the SDK's notification fixtures),
 * so `webhooks.unmarshal` builds its full entity classes from them, exactly as for real Paddle.
 */

export interface SimPeriod {
	startsAt: string;
	endsAt: string;
}

export interface SimTransaction {
	id: string;
	status: 'ready' | 'completed' | 'canceled' | 'past_due';
	origin: 'api' | 'subscription_recurring' | 'subscription_charge';
	priceId: string;
	quantity: number;
	customData: Record<string, unknown>;
	subscriptionId: string | null;
	billingPeriod: SimPeriod | null;
	payments: { status: 'captured' | 'error'; at: string }[];
	createdAt: string;
	billedAt: string | null;
	/** The seller's and the bank's adjustments so far, oldest first (absent on records made before they were kept). */
	adjustments?: AdjustmentAction[];
	/** What the seller's partial refunds paid back so far, in the currency's minor unit (absent: none). */
	partlyRefundedCents?: number;
	/** The buyer as Paddle knows them (one per buyer's account; absent on records made before it was kept). */
	customerId?: string;
}

export type AdjustmentAction = 'refund' | 'chargeback' | 'chargeback_reverse';

export interface SimSubscription {
	id: string;
	status: 'active' | 'canceled';
	priceId: string;
	quantity: number;
	customData: Record<string, unknown>;
	interval: 'month' | 'year';
	period: SimPeriod;
	/** Set when the customer canceled: the subscription ends when this period does. */
	cancelAt: string | null;
	canceledAt: string | null;
	transactionId: string;
	createdAt: string;
	/**
	 * The demo's switch for a card that refuses off-session charges (auto top-ups are declined):
	 * `true` at once (the charge request is refused), `'later'` after the charge was accepted
	 * (Paddle's `transaction.payment_failed` webhook, as when a bank declines asynchronously).
	 */
	declineCharges?: boolean | 'later';
	customerId?: string;
}

/** Paddle-style ids: prefix, then 26 lowercase base32 characters. */
export function paddleId(prefix: string) {
	const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
	const bytes = randomBytes(26);
	return `${prefix}_01${Array.from(bytes.subarray(2), (b) => alphabet[b % 32]).join('')}`;
}

/** The customer of records made before each buyer had their own. */
const CUSTOMER = 'ctm_01simulatorlocalcustomer0';

/** The simulator's customer id for a buyer's account: stable, one per account, as Paddle keeps one per buyer. */
export function simulatedCustomerId(accountId: string): string {
	const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
	return `ctm_01${Array.from(createHash('sha256').update(accountId).digest().subarray(0, 24), (b) => alphabet[b % 32]).join('')}`;
}
const ADDRESS = 'add_01simulatorlocaladdress00';

export function envelope<T>(eventType: string, data: T, at = new Date()): IEventsResponse<T> {
	return { event_id: paddleId('evt'), event_type: eventType, occurred_at: at.toISOString(), notification_id: paddleId('ntf'), data };
}

function amounts(product: Product, quantity: number) {
	const subtotal = product.priceCents * quantity;
	const fee = Math.round(subtotal * 0.05) + (subtotal > 0 ? 50 : 0);
	return { subtotal: String(subtotal), fee: String(fee), earnings: String(subtotal - fee) };
}

function price(product: Product, priceId: string) {
	return {
		id: priceId,
		status: 'active' as const,
		quantity: { maximum: product.maxQuantity, minimum: 1 },
		tax_mode: 'account_setting' as const,
		product_id: `pro_${product.id.replace(/[^a-z0-9]/g, '')}`,
		unit_price: { amount: String(product.priceCents), currency_code: product.currency as 'USD' },
		description: product.name,
		name: product.name,
		trial_period: null,
		billing_cycle: product.billingInterval ? { interval: product.billingInterval, frequency: 1 } : null,
		unit_price_overrides: [],
		type: 'standard' as const,
		custom_data: null
	};
}

export function transactionPayload(txn: SimTransaction, product: Product): ITransactionNotificationResponse {
	const a = amounts(product, txn.quantity);
	const currency = product.currency as 'USD';
	const totals = { ...a, tax: '0', total: a.subtotal, credit: '0', credit_to_balance: '0', balance: '0', discount: '0', grand_total: a.subtotal, grand_total_tax: '0', currency_code: currency };
	const now = new Date().toISOString();
	return {
		id: txn.id,
		items: [{ price: price(product, txn.priceId), price_id: txn.priceId, quantity: txn.quantity }],
		origin: txn.origin,
		status: txn.status,
		details: {
			totals,
			line_items: [
				{
					id: `txnitm_${txn.id.slice(4)}`,
					totals: { tax: '0', total: a.subtotal, discount: '0', subtotal: a.subtotal },
					product: {
						id: price(product, txn.priceId).product_id,
						name: product.name,
						status: 'active',
						image_url: null,
						description: product.description,
						tax_category: 'standard',
						type: 'standard',
						custom_data: null,
						created_at: product.createdAt.toISOString()
					},
					price_id: txn.priceId,
					quantity: txn.quantity,
					tax_rate: '0',
					unit_totals: { tax: '0', total: String(product.priceCents), discount: '0', subtotal: String(product.priceCents) }
				}
			],
			payout_totals: { ...totals, exchange_rate: '1', fee_rate: '0.05' },
			tax_rates_used: [{ totals: { tax: '0', total: a.subtotal, discount: '0', subtotal: a.subtotal }, tax_rate: '0' }],
			adjusted_totals: { ...a, tax: '0', total: a.subtotal, grand_total: a.subtotal, grand_total_tax: '0', retained_fee: '0', currency_code: currency },
			adjusted_payout_totals: { ...a, tax: '0', total: a.subtotal, currency_code: currency, exchange_rate: '1', retained_fee: '0', chargeback_fee: { amount: '0', original: null } }
		},
		checkout: { url: `/paddle-simulator/checkout/${txn.id}` },
		payments: txn.payments.map((p, i) => ({
			amount: a.subtotal,
			status: p.status,
			created_at: p.at,
			error_code: p.status === 'error' ? 'declined' : null,
			captured_at: p.status === 'captured' ? p.at : null,
			method_details: {
				type: 'card',
				card: { type: 'visa', last4: p.status === 'captured' ? '4242' : '0002', expiry_year: 2030, expiry_month: 12, cardholder_name: 'Quota Demo' },
				paypal: null,
				south_korea_local_card: null,
				underlying_details: null
			},
			payment_attempt_id: `${txn.id}-attempt-${i + 1}`,
			stored_payment_method_id: `${txn.id}-card`
		})),
		billed_at: txn.billedAt,
		address_id: ADDRESS,
		created_at: txn.createdAt,
		invoice_id: txn.status === 'completed' ? `inv_${txn.id.slice(4)}` : null,
		updated_at: now,
		business_id: null,
		custom_data: txn.customData,
		customer_id: txn.customerId ?? CUSTOMER,
		discount_id: null,
		currency_code: currency,
		billing_period: txn.billingPeriod ? { starts_at: txn.billingPeriod.startsAt, ends_at: txn.billingPeriod.endsAt } : null,
		invoice_number: null,
		billing_details: null,
		collection_mode: 'automatic',
		subscription_id: txn.subscriptionId
	};
}

export function subscriptionPayload(sub: SimSubscription, product: Product): ISubscriptionCreatedNotificationResponse {
	const nextBilledAt = sub.status === 'active' && !sub.cancelAt ? sub.period.endsAt : null;
	return {
		id: sub.id,
		items: [
			{
				price: price(product, sub.priceId),
				status: 'active',
				quantity: sub.quantity,
				recurring: true,
				created_at: sub.createdAt,
				updated_at: new Date().toISOString(),
				trial_dates: null,
				next_billed_at: nextBilledAt,
				previously_billed_at: sub.period.startsAt
			}
		],
		status: sub.status,
		paused_at: null,
		address_id: ADDRESS,
		created_at: sub.createdAt,
		started_at: sub.createdAt,
		updated_at: new Date().toISOString(),
		business_id: null,
		canceled_at: sub.canceledAt,
		discount: null,
		custom_data: sub.customData,
		customer_id: sub.customerId ?? CUSTOMER,
		billing_cycle: { interval: sub.interval, frequency: 1 },
		currency_code: product.currency as 'USD',
		next_billed_at: nextBilledAt,
		transaction_id: sub.transactionId,
		billing_details: null,
		collection_mode: 'automatic',
		first_billed_at: sub.createdAt,
		scheduled_change: sub.cancelAt && sub.status === 'active' ? { action: 'cancel', effective_at: sub.cancelAt, resume_at: null } : null,
		current_billing_period: { starts_at: sub.period.startsAt, ends_at: sub.period.endsAt }
	};
}

export function adjustmentPayload(
	txn: SimTransaction,
	product: Product,
	action: AdjustmentAction,
	status: 'pending_approval' | 'approved',
	id = paddleId('adj'),
	/** A partial refund's amount (minor units): the adjustment is `partial`, of that amount, with no fee back. */
	partCents?: number
): IAdjustmentNotificationResponse {
	const a = partCents === undefined ? amounts(product, txn.quantity) : { subtotal: String(partCents), fee: '0', earnings: String(partCents) };
	const type = partCents === undefined ? 'full' : 'partial';
	const currency = product.currency as 'USD';
	return {
		id,
		items: [
			{
				id: paddleId('adjitm'),
				type,
				amount: a.subtotal,
				totals: { tax: '0', total: a.subtotal, subtotal: a.subtotal, fee: a.fee, earnings: a.earnings, currency_code: currency },
				item_id: `txnitm_${txn.id.slice(4)}`,
				proration: null
			}
		],
		action,
		type,
		reason: action === 'refund' ? 'Requested by the customer (simulator)' : 'Card issuer dispute (simulator)',
		status,
		totals: { fee: a.fee, tax: '0', total: a.subtotal, earnings: a.earnings, subtotal: a.subtotal, retained_fee: '0', currency_code: currency },
		created_at: new Date().toISOString(),
		updated_at: new Date().toISOString(),
		customer_id: txn.customerId ?? CUSTOMER,
		currency_code: currency,
		payout_totals: { fee: a.fee, tax: '0', total: a.subtotal, earnings: a.earnings, subtotal: a.subtotal, retained_fee: '0', currency_code: currency },
		transaction_id: txn.id,
		subscription_id: txn.subscriptionId,
		credit_applied_to_balance: false
	};
}
