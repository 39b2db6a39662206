import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { ACCOUNT_HOLDERS, ACCOUNT_NAME, accountNames } from '../accounts';
import { DomainError } from '../errors';
import type { PaymentFilter } from '../../payments-filter';
import { AUTO_TOP_UP_SQL, PAID_SQL, RENEWAL_SQL } from '../store';
import { decodeCursor, encodeCursor, likePattern } from './cursor';

/**
 * How the payments page groups a stored Paddle event's outcome: `flagged` needs a person (the webhook
 * flagged it: an unknown price, a refund of spent tokens, a partial refund, …; or rejected it: signed
 * but unusable; or stopped while applying it), as the Overview's open flags count them. Not "failed":
 * a partial refund waiting on the admin's decision failed at nothing. `deferred` waits for its
 * transaction, `applied` changed the ledger or mirrored a subscription, `ignored` was not for Quota.
 */
export type PaymentOutcome = 'flagged' | 'deferred' | 'applied' | 'ignored';
/** A filter: one outcome, or `duplicate` (delivered more than once: stored and applied once). */
export type { PaymentFilter };

export interface PaymentEventRow {
	eventId: string;
	eventType: string;
	outcome: PaymentOutcome;
	/** The stored outcome as the webhook wrote it: processed, ignored, deferred, flagged, rejected. */
	status: string;
	note: string | null;
	occurredAt: string;
	receivedAt: string;
	/** Times Paddle delivered it; above 1 the extra deliveries were duplicates. */
	deliveries: number;
	transactionId: string | null;
	/**
	 * The order and account it touched, when it is about one: `status` is what this event made the
	 * order (null when it set none), `statusNow` the order's status today (a failed payment's order
	 * may have completed since); `buyer`, `renewal`, `autoTopUp` as a purchase says them (store's
	 * `Purchase`, said by `buyerWords`); `amount`, what Paddle charged for it, once paid (minor units of
	 * the order's currency: cents, whole yen), null for an order not paid (pending, failed).
	 */
	order: {
		id: string; productName: string; quantity: number; status: string | null; statusNow: string; buyer: string | null; renewal: boolean; autoTopUp: boolean;
		amount: { cents: number; currency: string } | null;
	} | null;
	/** `team`: a team's pool, whose purchases the page says the buyer of. */
	account: { id: string; name: string; team: boolean } | null;
	/** Tokens granted (+) or taken back (−) by it. */
	tokens: number;
	/**
	 * What an approved adjustment moved, as Paddle's totals say it: a refund (whole or partial: `partial`),
	 * a chargeback, its reversal or a credit, in minor units of `currency`. A partial refund takes no
	 * tokens, so without it the row never said how much went back; null for any other event.
	 */
	adjusted: { action: string; partial: boolean; cents: number; currency: string } | null;
}

export const PAYMENTS_PAGE = 50;

// Flagged first, then deferred, then the rest; newest first within each.
const rank = sql`case when e.outcome in ('flagged', 'rejected', 'received') then 0 when e.outcome = 'deferred' then 1 else 2 end`;
const OUTCOME: Record<string, PaymentOutcome> = { flagged: 'flagged', rejected: 'flagged', received: 'flagged', deferred: 'deferred', processed: 'applied', ignored: 'ignored' };
const FILTER: Record<PaymentFilter, ReturnType<typeof sql>> = {
	flagged: sql`e.outcome in ('flagged', 'rejected', 'received')`,
	deferred: sql`e.outcome = 'deferred'`,
	applied: sql`e.outcome = 'processed'`,
	ignored: sql`e.outcome = 'ignored'`,
	duplicate: sql`e.deliveries > 1`
};

/** The account a payments list is filtered to, named as the list names accounts. */
export interface PaymentsAccount {
	id: string;
	name: string;
}

/** The account `id` names, or `not_found` (the page says so rather than an empty list that reads as "no payments"). */
async function paymentsAccount(exec: Executor, id: string): Promise<PaymentsAccount> {
	const name = (await accountNames(exec, [id])).get(id);
	if (name === undefined) throw new DomainError('not_found', `No account has the id ${id}. Check the link, or show every account's payments.`);
	return { id, name };
}

/**
 * Received Paddle webhook events, flagged ones first, each with the order and account it touched;
 * PAYMENTS_PAGE a page by keyset (rank, received_at, event_id). `account` (an account id) keeps the
 * events that touched that account (its orders and subscriptions), and the answer names it; `search`
 * (text, as the Users search takes it) keeps those that touched an account whose name, its user's
 * name or e-mail, or its team's name contains it, any case. Errors: `invalid_input` for a cursor this list did not make; `not_found` for an account id no
 * account has.
 */
export async function listPaymentEvents(
	exec: Executor,
	q: { outcome?: PaymentFilter | null; account?: string | null; search?: string | null; cursor?: string | null }
): Promise<{ rows: PaymentEventRow[]; nextCursor: string | null; account: PaymentsAccount | null }> {
	const account = q.account ? await paymentsAccount(exec, q.account) : null;
	const where = [q.outcome ? FILTER[q.outcome] : sql`true`];
	if (account) where.push(sql`a.id = ${account.id}::uuid`);
	const search = q.search?.trim() ? likePattern(q.search.trim()) : null;
	if (search) where.push(sql`(a.name ilike ${search} or u.name ilike ${search} or u.email ilike ${search} or t.name ilike ${search})`);
	if (q.cursor) {
		const [value, id] = decodeCursor(q.cursor);
		const [r, at] = String(value).split('|');
		where.push(sql`((${rank}) > ${Number(r)} or ((${rank}) = ${Number(r)} and (e.received_at, e.event_id) < (${at}::timestamptz, ${String(id)})))`);
	}
	const rows = await queryRows<{
		event_id: string; event_type: string; outcome: string; note: string | null; occurred_at: string; received_at: string; received_key: string; deliveries: number; transaction_id: string | null;
		rank: number; order_id: string | null; product_name: string | null; quantity: number | null; order_set: string | null; order_status: string | null; account_id: string | null; account_name: string | null; tokens: number;
		buyer: string | null; renewal: boolean | null; auto_top_up: boolean | null; team: boolean; amount_cents: string | number | null; currency: string | null;
		adjusted_action: string | null; adjusted_type: string | null; adjusted_cents: string | null; adjusted_currency: string | null;
	}>(exec, sql`
		select e.event_id, e.event_type, e.outcome, e.note, e.occurred_at, e.received_at, e.received_at::text as received_key, e.deliveries, e.transaction_id, ${rank} as rank,
		       o.id as order_id, o.product_name, o.quantity, o.status as order_status, a.id as account_id,
		       buyer.name as buyer, ${RENEWAL_SQL} as renewal, ${AUTO_TOP_UP_SQL} as auto_top_up, t.account_id is not null as team,
		       case when o.status in ${PAID_SQL} then o.amount_cents end as amount_cents, o.currency,
		       -- Events stored before their effect named the status they set: a completion completed its order, a failed payment failed it.
		       coalesce(e.effect->>'orderStatus', case when e.outcome = 'processed' and e.event_type = 'transaction.completed' then 'completed'
		                                             when e.outcome = 'processed' and e.event_type in ('transaction.payment_failed', 'transaction.canceled') then 'failed' end) as order_set,
		       ${ACCOUNT_NAME} as account_name,
		       case when e.event_type like 'adjustment.%' and e.payload #>> '{data,status}' = 'approved' then e.payload #>> '{data,action}' end as adjusted_action,
		       e.payload #>> '{data,type}' as adjusted_type, e.payload #>> '{data,totals,total}' as adjusted_cents, e.payload #>> '{data,totals,currency_code}' as adjusted_currency,
		       (coalesce((select sum((g->>'tokens')::int8) from jsonb_array_elements(e.effect->'granted') g), 0)
		        - coalesce((select sum((g->>'tokens')::int8) from jsonb_array_elements(e.effect->'clawedBack') g), 0))::int8 as tokens
		  from paddle_events e
		  left join orders o on o.id = case when e.effect->>'orderId' ~ '^[0-9a-f-]{36}$' then (e.effect->>'orderId')::uuid end
		                     or (e.effect->>'orderId' is null and o.paddle_transaction_id = e.transaction_id)
		  left join subscriptions s on o.id is null and e.event_type like 'subscription.%' and s.paddle_subscription_id = e.payload->'data'->>'id'
		  left join accounts a on a.id = coalesce(o.account_id, s.account_id)
		  ${ACCOUNT_HOLDERS}
		  left join users buyer on buyer.id = o.user_id
		 where ${sql.join(where, sql` and `)}
		 order by ${rank}, e.received_at desc, e.event_id desc
		 limit ${PAYMENTS_PAGE + 1}`);
	const page = rows.slice(0, PAYMENTS_PAGE);
	const last = page.at(-1);
	const iso = (v: string) => new Date(v).toISOString();
	return {
		rows: page.map((r) => ({
			eventId: r.event_id,
			eventType: r.event_type,
			outcome: OUTCOME[r.outcome] ?? 'flagged',
			status: r.outcome,
			note: r.note,
			occurredAt: iso(r.occurred_at),
			receivedAt: iso(r.received_at),
			deliveries: Number(r.deliveries),
			transactionId: r.transaction_id,
			order: r.order_id
				? {
						id: r.order_id, productName: r.product_name ?? '', quantity: Number(r.quantity ?? 1), status: r.order_set, statusNow: r.order_status ?? '', buyer: r.buyer, renewal: Boolean(r.renewal), autoTopUp: Boolean(r.auto_top_up),
						amount: r.amount_cents === null ? null : { cents: Number(r.amount_cents), currency: r.currency ?? 'USD' }
					}
				: null,
			account: r.account_id ? { id: r.account_id, name: r.account_name ?? '', team: r.team } : null,
			tokens: Number(r.tokens),
			adjusted:
				r.adjusted_action && r.adjusted_cents && /^\d+$/.test(r.adjusted_cents) && r.adjusted_currency
					? { action: r.adjusted_action, partial: r.adjusted_type === 'partial', cents: Number(r.adjusted_cents), currency: r.adjusted_currency }
					: null
		})),
		nextCursor: rows.length > PAYMENTS_PAGE && last ? encodeCursor(`${last.rank}|${last.received_key}`, last.event_id) : null,
		account
	};
}
