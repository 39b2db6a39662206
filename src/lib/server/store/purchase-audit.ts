import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { audit, creditTo, type AuditActor } from '../accounts/audit';

/**
 * Where a purchase's money came from, as its audit entry credits it: Paddle's notification is the
 * source (no person, no request), so the entry is Quota's own (`By Quota (Paddle)`) unless the order
 * names the user who opened its checkout, who bought it.
 */
const PADDLE: AuditActor = { via: 'Paddle' };
const buyerOr = (userId: string | null): AuditActor => (userId ? { userId, ip: null } : PADDLE);

/** Paddle's money in the audit log: minor units and the currency, or nothing when Paddle gave no total. */
function money(amountCents: number | null, currency: string | null) {
	return amountCents === null ? {} : { amount_cents: amountCents, currency };
}

/**
 * `store.purchase_completed`: a Paddle transaction granted its tokens (a checkout paid, a subscription
 * renewed, an auto top-up charged), in the transaction of the grant. Write it only when this
 * notification made the lots (a replay of the same transaction, under another event id, makes none).
 * `channel`: where its checkout was opened (the member store, the embedded store), so the entry says
 * it; null for what Paddle's billing made (a renewal, an auto top-up: `origin` says which).
 * `productName`: the package's name as sold (`package_name`), which the log says rather than today's.
 */
export async function auditPurchase(
	exec: Executor,
	p: { accountId: string; buyerUserId: string | null; orderId: string; transactionId: string; origin: string; channel: 'store' | 'embed' | null; productId: string; productName: string; quantity: number; tokens: number; amountCents: number | null; currency: string }
): Promise<void> {
	await audit(exec, {
		action: 'store.purchase_completed',
		...creditTo(buyerOr(p.buyerUserId)),
		targetType: 'order',
		targetId: p.orderId,
		accountId: p.accountId,
		after: { package: p.productId, package_name: p.productName, quantity: p.quantity, tokens: p.tokens, ...money(p.amountCents, p.currency), transaction_id: p.transactionId, origin: p.origin, ...(p.channel ? { channel: p.channel } : {}) }
	});
}

/** The audit entries of Paddle's adjustments: each says what its adjustment did to the order's tokens. */
export type AdjustmentAction =
	| 'store.purchase_refunded'
	| 'store.purchase_charged_back'
	| 'store.purchase_partly_refunded'
	| 'store.purchase_credited'
	| 'store.credit_reversed'
	| 'store.chargeback_reversed'
	| 'store.chargeback_warned'
	| 'store.chargeback_warning_withdrawn';

/**
 * One entry per Paddle adjustment, credited to Paddle, in the transaction of what it changed:
 * `store.purchase_refunded` (a full refund took back what was left of an order's tokens),
 * `store.purchase_charged_back` (a chargeback did; a partial one, its share of them: `tokens_due`), `store.purchase_partly_refunded` (part of the money back, the tokens left as they
 * are), `store.purchase_credited` (money credited to the buyer's Paddle balance, the tokens left as
 * they are), `store.credit_reversed` (that credit taken back; no tokens either) or `store.chargeback_reversed` (what a chargeback took, given back), `store.chargeback_warned` or
 * `store.chargeback_warning_withdrawn` (a dispute told of, or closed without a chargeback: no money
 * and no tokens moved). An adjustment that
 * already has its entry gets none more: Paddle sends one adjustment several times (created, then
 * updated; a redelivery under a new event id), and an order may have several (two partial refunds).
 */
export async function auditAdjustment(
	exec: Executor,
	a: {
		action: AdjustmentAction;
		accountId: string;
		orderId: string;
		transactionId: string;
		adjustmentId: string;
		amountCents: number | null;
		currency: string | null;
		/** The entry's own fields: what the ledger took back or gave back, and why. */
		what: Record<string, number | string>;
	}
): Promise<void> {
	const [written] = await queryRows(
		exec,
		sql`select 1 from audit_log
		     where account_id = ${a.accountId}::uuid and target_type = 'order' and target_id = ${a.orderId}
		       and action like 'store.%' and after->>'adjustment_id' = ${a.adjustmentId}
		     limit 1`
	);
	if (written) return;
	await audit(exec, {
		action: a.action,
		...creditTo(PADDLE),
		targetType: 'order',
		targetId: a.orderId,
		accountId: a.accountId,
		after: { ...a.what, ...money(a.amountCents, a.currency), transaction_id: a.transactionId, adjustment_id: a.adjustmentId }
	});
}
