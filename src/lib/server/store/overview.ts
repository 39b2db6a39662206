// The store's figures for the admin Overview: revenue and purchases in the site's current day and
// month (quota_windows), and the Paddle events that need a person.
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { siteTimeZone } from '../ledger';
import { approvedAdjustments, PAID_SQL } from './orders';

export interface Revenue {
	currency: string;
	/** Completed purchases' totals in the window, in the currency's minor unit (cents). */
	grossCents: number;
	/** Approved refunds in the window (the payments CSV's `refund` rows), in cents. */
	refundedCents: number;
	/** Approved chargebacks in the window less the chargebacks reversed in it (its `chargeback` and `chargeback_reverse` rows), in cents. */
	chargedBackCents: number;
	/** Gross less refunds and chargebacks. */
	netCents: number;
	purchases: number;
}

/**
 * Revenue per currency in the site's current day (`today`) and month (`month`): gross from the
 * orders completed in it, refunds and chargebacks (less reversals) from the approved Paddle
 * adjustments that occurred in it (each adjustment once, however many times Paddle sent it), each
 * apart, as the payments CSV lists them; net = gross − refunds − chargebacks.
 */
export async function siteRevenue(exec: Executor): Promise<{ today: Revenue[]; month: Revenue[] }> {
	const rows = await queryRows<{ span: 'today' | 'month'; currency: string; gross: number; refunded: number; charged_back: number; purchases: number }>(
		exec,
		sql`
		with spans as (
		  select 'today' as span, window_start, window_end from quota_windows('daily', 1)
		  union all select 'month', window_start, window_end from quota_windows('monthly', 1)),
		paid as (
		  select s.span, o.currency, sum(o.amount_cents)::int8 as gross, count(*)::int8 as purchases
		    from spans s join orders o on o.completed_at >= s.window_start and o.completed_at < s.window_end
		   -- The member's purchases, by the same rule (a refund is counted as a refund, below).
		   where o.status in ${PAID_SQL} and o.currency is not null
		   group by 1, 2),
		adjustments as (${approvedAdjustments()}),
		refunded as (
		  select s.span, a.currency,
		         coalesce(sum(a.total) filter (where a.action = 'refund'), 0)::int8 as refunded,
		         coalesce(sum(case a.action when 'chargeback' then a.total when 'chargeback_reverse' then -a.total end), 0)::int8 as charged_back
		    from spans s join adjustments a on a.occurred_at >= s.window_start and a.occurred_at < s.window_end
		   where a.action in ('refund', 'chargeback', 'chargeback_reverse') and a.currency is not null
		   group by 1, 2)
		select coalesce(p.span, r.span) as span, coalesce(p.currency, r.currency) as currency,
		       coalesce(p.gross, 0) as gross, coalesce(r.refunded, 0) as refunded, coalesce(r.charged_back, 0) as charged_back,
		       coalesce(p.purchases, 0) as purchases
		  from paid p full join refunded r on r.span = p.span and r.currency = p.currency
		 order by 2`
	);
	const of = (span: 'today' | 'month') =>
		rows
			.filter((r) => r.span === span)
			.map((r) => ({
				currency: r.currency,
				grossCents: Number(r.gross),
				refundedCents: Number(r.refunded),
				chargedBackCents: Number(r.charged_back),
				netCents: Number(r.gross) - Number(r.refunded) - Number(r.charged_back),
				purchases: Number(r.purchases)
			}));
	return { today: of('today'), month: of('month') };
}

export interface PaymentFlag {
	eventId: string;
	eventType: string;
	outcome: 'flagged' | 'rejected';
	/** What is wrong, in words ("unknown price id pri_…", "partial refund: …", "not a Paddle event …"). */
	note: string | null;
	receivedAt: string;
}

/**
 * Paddle events that need a person, newest first (at most `limit`), with the counts by kind:
 * rejected (signed but unusable), flagged for an unknown price id, and other flags (partial refunds,
 * refunds of spent tokens).
 */
export async function paymentFlags(exec: Executor, limit = 5): Promise<{ rejected: number; unknownPrice: number; otherFlagged: number; newest: PaymentFlag[] }> {
	const [counts] = await queryRows<{ rejected: number; unknown_price: number; other: number }>(exec, sql`
		select count(*) filter (where outcome = 'rejected')::int8 as rejected,
		       count(*) filter (where outcome = 'flagged' and note like 'unknown price id%')::int8 as unknown_price,
		       count(*) filter (where outcome = 'flagged' and note not like 'unknown price id%')::int8 as other
		  from paddle_events where outcome in ('flagged', 'rejected')`);
	const newest = await queryRows<{ event_id: string; event_type: string; outcome: 'flagged' | 'rejected'; note: string | null; received_at: string }>(exec, sql`
		select event_id, event_type, outcome, note, received_at from paddle_events
		 where outcome in ('flagged', 'rejected') order by received_at desc, event_id limit ${limit}`);
	return {
		rejected: Number(counts!.rejected),
		unknownPrice: Number(counts!.unknown_price),
		otherFlagged: Number(counts!.other),
		newest: newest.map((e) => ({ eventId: e.event_id, eventType: e.event_type, outcome: e.outcome, note: e.note, receivedAt: new Date(e.received_at).toISOString() }))
	};
}

/** One movement of money in a range: a paid order (`payment`), or a Paddle adjustment of one. */
export interface PaymentMovement {
	at: string;
	kind: 'payment' | 'refund' | 'chargeback' | 'chargeback_reverse';
	/** `full` or `partial` for an adjustment (as Paddle says it); null for a payment. */
	adjustmentType: string | null;
	currency: string;
	/** Signed, in the currency's minor unit: a payment and a chargeback reversal add, a refund and a chargeback take away. */
	amountCents: number;
	orderId: string | null;
	productName: string | null;
	quantity: number | null;
	accountId: string | null;
	/** The order's status today ("refunded" on the payment a later refund undid). */
	orderStatusNow: string | null;
	transactionId: string | null;
	adjustmentId: string | null;
}

/**
 * Every payment and every approved refund, chargeback and chargeback reversal of the site-local days
 * `from`..`to` (both included), oldest first, counted by the same rules as the Overview's revenue
 * (siteRevenue): a paid order by when it completed, an adjustment once, by when it occurred. So the
 * file of a month adds up to that month's Gross, Refunds, Chargebacks and Net. A range's payments are read at once:
 * they are purchases (thousands a month), not operations. Days are checked by the caller.
 */
export async function paymentMovements(exec: Executor, range: { from: string; to: string }): Promise<PaymentMovement[]> {
	const rows = await queryRows<{
		at: string; kind: PaymentMovement['kind']; adjustment_type: string | null; currency: string; amount: string; order_id: string | null; product_name: string | null;
		quantity: number | null; account_id: string | null; status_now: string | null; transaction_id: string | null; adjustment_id: string | null;
	}>(
		exec,
		sql`
		with span as (
		  select (${range.from}::date::timestamp at time zone ${siteTimeZone}) as s, ((${range.to}::date + 1)::timestamp at time zone ${siteTimeZone}) as e),
		adjustments as (${approvedAdjustments()}),
		moves as (
		  select o.completed_at as at, 'payment' as kind, null as adjustment_type, o.currency, o.amount_cents::numeric as amount, o.id as order_id,
		         o.paddle_transaction_id as transaction_id, null as adjustment_id
		    from orders o, span
		   where o.status in ${PAID_SQL} and o.currency is not null and o.completed_at >= span.s and o.completed_at < span.e
		  union all
		  select a.occurred_at, a.action, a.type, a.currency, case when a.action = 'chargeback_reverse' then a.total else -a.total end, o.id,
		         a.transaction_id, a.id
		    from adjustments a cross join span left join orders o on o.paddle_transaction_id = a.transaction_id
		   where a.action in ('refund', 'chargeback', 'chargeback_reverse') and a.currency is not null and a.occurred_at >= span.s and a.occurred_at < span.e)
		select m.at, m.kind, m.adjustment_type, m.currency, m.amount::text as amount, m.order_id, o.product_name, o.quantity, o.account_id,
		       o.status as status_now, m.transaction_id, m.adjustment_id
		  from moves m left join orders o on o.id = m.order_id
		 order by m.at, m.adjustment_id nulls first, m.order_id`
	);
	return rows.map((r) => ({
		at: new Date(r.at).toISOString(),
		kind: r.kind,
		adjustmentType: r.adjustment_type,
		currency: r.currency,
		amountCents: Number(r.amount),
		orderId: r.order_id,
		productName: r.product_name,
		quantity: r.quantity === null ? null : Number(r.quantity),
		accountId: r.account_id,
		orderStatusNow: r.status_now,
		transactionId: r.transaction_id,
		adjustmentId: r.adjustment_id
	}));
}
