import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../db';
import { isUuid, queryRows } from '../db/client';
import { ACCOUNT_HOLDERS, ACCOUNT_NAME } from '../accounts';
import { mapRead, read, readOne, together, type Read } from '../db/reads';
import { orders, products, topups, type ProductGrant } from '../db/schema';
import { modelNamesRead } from '../ledger';
import { DomainError } from '../errors';
import { GENERAL_BALANCE } from '../../model-words';
import { requestHash } from '../idempotency';
import { getProduct, priceIdOf, type Product } from './catalog';
import type { BrowserCheckout, PaymentProvider } from './paddle/provider';

export type Order = typeof orders.$inferSelect;

/**
 * What an order of `quantity` units of `product` sells, as the order keeps it (the package may be
 * edited later): its name and kind, its unit price (minor units) and its tokens per model × quantity.
 */
export function soldAs(product: Pick<Product, 'name' | 'kind' | 'priceCents' | 'grants'>, quantity: number): Pick<Order, 'productName' | 'productKind' | 'unitPriceCents' | 'contents'> {
	return { productName: product.name, productKind: product.kind, unitPriceCents: product.priceCents, contents: product.grants.map((g) => ({ model: g.model, tokens: g.tokens * quantity })) };
}

/** Our order by id; undefined for anything that is not one (webhook custom data is only trusted this far). */
export async function orderOf(exec: Executor, orderId: string): Promise<Order | undefined> {
	if (!isUuid(orderId)) return undefined;
	const [row] = await exec.select().from(orders).where(eq(orders.id, orderId));
	return row;
}

/** Whom an order was for: its account, named as the console names accounts (a person's or a team's name), and who bought it. */
export interface OrderBuyer {
	accountId: string;
	name: string;
	team: boolean;
	/** The person who started the checkout, when they are not the account (a member buying for a team pool); else null. */
	boughtBy: string | null;
}

/** The buyer of each of these orders, by order id; ids that are not orders are left out. */
export async function orderBuyers(exec: Executor, orderIds: readonly string[]): Promise<Map<string, OrderBuyer>> {
	const ids = [...new Set(orderIds.filter(isUuid))];
	if (!ids.length) return new Map();
	const rows = await queryRows<{ id: string; account_id: string; name: string; team: boolean; bought_by: string | null }>(
		exec,
		sql`select o.id::text, o.account_id::text, ${ACCOUNT_NAME} as name, t.id is not null as team, case when t.id is not null then buyer.name end as bought_by
		      from orders o join accounts a on a.id = o.account_id
		      ${ACCOUNT_HOLDERS} left join users buyer on buyer.id = o.user_id
		     where o.id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})`
	);
	return new Map(rows.map((r) => [r.id, { accountId: r.account_id, name: r.name, team: r.team, boughtBy: r.bought_by }]));
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
 * A plan the account already has is `conflict`; an unpaid checkout for it is reopened (heldPlan).
 * `channel` says where the checkout was opened (the member store by default), for the purchase's audit entry.
 * Checkouts of one plan for one account are taken in turn (a transaction-scoped advisory lock over
 * the check and the order's insert), so two tabs that subscribe at the same moment get one order.
 * A package deleted or taken off sale meanwhile is `not_found`, with no order recorded (the package is
 * locked over the order's insert: see deleteProduct).
 * `topupId`: the checkout is opened from that auto top-up's notice (its one tap); the order is tied
 * to it, so once paid the top-up counts as bought (fulfilment.ts). Only a notice of this account for
 * this package, one unit, not bought yet: else `conflict` (bought already) or `not_found`.
 */
export async function startCheckout(
	db: Database,
	provider: PaymentProvider,
	req: { accountId: string; userId: string | null; email: string | null; productId: string; quantity: number; checkoutKey?: string | null; channel?: 'store' | 'embed'; topupId?: string | null }
): Promise<CheckoutStart> {
	const product = await getProduct(db, req.productId);
	const priceId = priceIdOf(product, provider.environment);
	if (!product.active || !priceId) throw new DomainError('not_found', 'This package is not for sale right now.');
	if (!Number.isInteger(req.quantity) || req.quantity < 1 || req.quantity > product.maxQuantity) {
		throw new DomainError('invalid_input', `Choose between 1 and ${product.maxQuantity}.`);
	}
	const key = req.checkoutKey && req.userId ? req.checkoutKey : null;
	const hash = key ? requestHash(['checkout', req.accountId, product.id, req.quantity]) : null;
	const made = await db.transaction(async (tx) => {
		// The package, locked until the order is recorded (FOR KEY SHARE, as its foreign key would): a delete
		// of it under way first (deleteProduct) has taken it off sale, which refuses this checkout here; one
		// that comes after waits for this order and then finds it (and keeps the package).
		const [now] = await tx.select({ active: products.active }).from(products).where(eq(products.id, product.id)).for('key share');
		if (!now?.active) throw new DomainError('not_found', 'This package is not for sale right now.');
		if (product.kind === 'subscription') {
			await queryRows(tx, sql`select pg_advisory_xact_lock(hashtextextended(${`plan-checkout:${req.accountId}:${product.id}`}, 0))`);
			const reopened = await heldPlan(tx, provider, req, product);
			if (reopened) return { reopened };
		}
		const [order] = await tx
			.insert(orders)
			.values({
				accountId: req.accountId,
				userId: req.userId,
				productId: product.id,
				quantity: req.quantity,
				...soldAs(product, req.quantity),
				status: 'pending',
				currency: product.currency,
				checkoutKey: key,
				requestHash: hash,
				channel: req.channel ?? 'store'
			})
			.onConflictDoNothing({ target: [orders.userId, orders.checkoutKey] })
			.returning();
		if (order && req.topupId) await tieToNotice(tx, req.topupId, req, order.id);
		return { order };
	});
	if (made.reopened) return made.reopened;
	const order = made.order;
	if (!order) return earlierCheckout(db, provider, req, key!, hash!);
	let transactionId: string;
	try {
		({ transactionId } = await provider.createTransaction({ priceId, quantity: req.quantity, customData: { orderId: order.id } }));
	} catch (e) {
		await db.update(orders).set({ status: 'failed' }).where(eq(orders.id, order.id));
		throw e;
	}
	await db.update(orders).set({ paddleTransactionId: transactionId }).where(eq(orders.id, order.id));
	return { orderId: order.id, transactionId, checkout: provider.browserCheckout(), customerEmail: req.email };
}

/**
 * One account holds a plan once. A plan it has that has not ended (active, trialing, past due, paused,
 * or canceled at its period's end) is refused (`conflict`). An unpaid checkout for it, opened in the
 * last hour (while Purchases shows it), is reopened for the member who opened it, so closing the
 * checkout does not lock them out and one Paddle transaction can be paid only once; another member
 * of the account is refused. One whose Paddle transaction is still being created (a request a moment
 * earlier) is `idempotency_key_in_flight` for the same member: they retry and get it reopened.
 */
async function heldPlan(exec: Executor, provider: PaymentProvider, req: { accountId: string; userId: string | null; email: string | null }, plan: { id: string; name: string }): Promise<CheckoutStart | null> {
	const [sub] = await queryRows(exec, sql`select 1 from subscriptions where account_id = ${req.accountId}::uuid and product_id = ${plan.id} and status <> 'canceled' limit 1`);
	if (sub) throw new DomainError('conflict', `You already subscribe to ${plan.name} on this account; manage it in Purchases.`);
	// A transaction Paddle has not answered for within a minute will not come: that order no longer counts.
	const [open] = await queryRows<{ id: string; user_id: string | null; paddle_transaction_id: string | null }>(
		exec,
		sql`select id, user_id, paddle_transaction_id from orders
		     where account_id = ${req.accountId}::uuid and product_id = ${plan.id} and status = 'pending'
		       and created_at > now() - case when paddle_transaction_id is null then interval '1 minute' else ${OPEN_CHECKOUT} end
		     order by created_at desc limit 1`
	);
	if (!open) return null;
	if (open.user_id !== req.userId) throw new DomainError('conflict', `Another member of this team has a checkout for ${plan.name} open; it lapses an hour after it was opened.`);
	if (!open.paddle_transaction_id) throw new DomainError('idempotency_key_in_flight', 'This checkout is still being started; try again in a moment.');
	return { orderId: open.id, transactionId: open.paddle_transaction_id, checkout: provider.browserCheckout(), customerEmail: req.email };
}

/**
 * Ties an order to the auto top-up whose notice opened its checkout. A notice not paid yet may be
 * tied again (a checkout closed unpaid, then opened anew): the order paid first makes it bought.
 */
async function tieToNotice(exec: Executor, topupId: string, req: { accountId: string; productId: string; quantity: number }, orderId: string): Promise<void> {
	if (!isUuid(topupId)) throw new DomainError('not_found', 'No such top-up notice.');
	const [t] = await exec.select().from(topups).where(and(eq(topups.id, topupId), eq(topups.accountId, req.accountId)));
	if (!t || t.productId !== req.productId || req.quantity !== 1 || !['notice', 'charged'].includes(t.status)) throw new DomainError('not_found', 'No such top-up notice.');
	if (t.status === 'charged') throw new DomainError('conflict', 'This top-up was bought already; its tokens are in your balance.');
	await exec.update(topups).set({ orderId }).where(and(eq(topups.id, topupId), eq(topups.status, 'notice')));
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
	/** `modelName`: the model's name, or "General balance" for tokens any model may spend. */
	contents: { model: string | null; modelName: string; tokens: number }[];
	tokens: number;
	amountCents: number | null;
	currency: string | null;
	status: PurchaseStatus;
	/** A subscription renewal: created by Paddle's billing, not by a checkout in the app. */
	renewal: boolean;
	/** An auto top-up: charged off-session on the buyer's subscription, or bought with the one tap of its notice (AUTO_TOP_UP_SQL). */
	autoTopUp: boolean;
	/**
	 * The name of the person who opened its checkout (a team's member, or a user on their own account);
	 * null when no person did (a renewal, an auto top-up) or none was recorded (a team's pool bought in
	 * the embedded store before its buyer was kept). `buyerWords` (lib/client/purchase-status.ts) says it.
	 */
	buyer: string | null;
	/**
	 * What Paddle's approved partial refunds paid back of a partly refunded purchase, in minor units of
	 * `currency` (each adjustment once); null for any other status, whose amount says it all.
	 */
	refundedCents: number | null;
	createdAt: string;
	completedAt: string | null;
}

/**
 * What counts as a purchase: an order Paddle completed, whatever happened to it later (a refund or a
 * chargeback is said on it). An unpaid checkout, a failed payment or a declined auto top-up charged
 * nothing: no purchase (the top-up card and the inbox tell of a decline; an open checkout is
 * `openCheckoutRead`'s). The one rule for the member's lists (Purchases, the dashboard, the widget)
 * and the console's revenue.
 */
export const PAID_STATUSES = ['completed', 'refunded', 'charged_back', 'partially_refunded'] as const satisfies readonly PurchaseStatus[];
export const PAID_SQL = sql.raw(`(${PAID_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/**
 * Paddle's approved adjustments (refunds, chargebacks and their reversals, credits), each once: the
 * latest event of each adjustment id that was processed or flagged, among the events `where` keeps
 * (on `e`, paddle_events: a transaction's, say; inside the query, so an index on it serves).
 * Columns: id, occurred_at, action, type (`full` or `partial`), currency, total (minor units, as
 * Paddle sends it), transaction_id. What the Overview's revenue, the payments export and a
 * purchase's "paid back" all count.
 */
export const approvedAdjustments = (where: SQL = sql`true`) => sql`
		  select distinct on (e.payload #>> '{data,id}') e.payload #>> '{data,id}' as id, e.occurred_at,
		         e.payload #>> '{data,action}' as action, e.payload #>> '{data,type}' as type, e.payload #>> '{data,totals,currency_code}' as currency,
		         (e.payload #>> '{data,totals,total}')::numeric as total, e.payload #>> '{data,transaction_id}' as transaction_id
		    from paddle_events e
		   where e.event_type like 'adjustment.%' and e.payload #>> '{data,status}' = 'approved'
		     and e.outcome in ('processed', 'flagged') and ${where}
		   order by e.payload #>> '{data,id}', e.occurred_at desc`;

/** How long a checkout opened and not paid is offered again (Purchases' "Resume"), in minutes; a plan's is reopened that long too (heldPlan). */
const OPEN_CHECKOUT_MINUTES = 60;
const OPEN_CHECKOUT = sql`make_interval(mins => ${OPEN_CHECKOUT_MINUTES})`;

/**
 * A checkout opened and not paid yet; `openUntil` (ISO): when it can no longer be resumed.
 * `boughtSince`: the same product in the same quantity, bought and paid on this account after this
 * checkout started (the newest such purchase), so resuming it would buy it a second time: when it was
 * completed, and who bought it as the page says it ("You bought Token pack × 2"); null when none was.
 */
export interface OpenCheckout extends Purchase {
	openUntil: string;
	boughtSince: { orderId: string; completedAt: string; bought: string } | null;
}

/** Purchase history of one account (paid orders, PAID_STATUSES), newest first; `orderId`: that one order in any state. */
export function listPurchases(exec: Executor, accountId: string, opts: { orderId?: string; limit?: number } = {}): Promise<Purchase[]> {
	return readOne(exec, purchasesRead(accountId, opts));
}

/** The read behind `listPurchases` (the orders and the names of the models they granted, one statement). */
export function purchasesRead(accountId: string, opts: { orderId?: string; limit?: number } = {}): Read<Purchase[]> {
	return ordersRead(sql`o.account_id = ${accountId}::uuid and ${opts.orderId ? sql`o.id = ${opts.orderId}::uuid` : sql`o.status in ${PAID_SQL}`}`, opts.limit ?? 100);
}

/** An order's product as the member's lists name it: "Token pack × 2", "Token pack". */
const itemName = (o: { productName: string; quantity: number }) => (o.quantity > 1 ? `${o.productName} × ${o.quantity}` : o.productName);

/** The checkout `userId` may still resume on the account (opened within the hour, its Paddle transaction made, not dismissed, no auto top-up), over `orders o`. */
const openCheckoutWhere = (accountId: string, userId: string) =>
	sql`o.account_id = ${accountId}::uuid and o.user_id = ${userId}::uuid and o.status = 'pending'
	    and o.paddle_transaction_id is not null and o.charged_subscription_id is null and o.created_at > now() - ${OPEN_CHECKOUT}`;

/**
 * The checkout `userId` opened on the account and has not paid, if one is still open (opened within
 * the hour, its Paddle transaction made, not dismissed): the newest, or null. Another member's is
 * not shown to them (only its opener can resume it). With it, the purchase that already bought what
 * it would buy (`boughtSince`), by anyone on the account: a person who paid a second checkout of the
 * same pack is told that resuming the first buys it again.
 */
export function openCheckoutRead(accountId: string, userId: string): Read<OpenCheckout | null> {
	const where = openCheckoutWhere(accountId, userId);
	const since = read(
		sql`select b.id, b.completed_at, b.user_id = o.user_id as by_opener
		      from (select o.* from orders o where ${where} order by o.created_at desc, o.id desc limit 1) o
		      join lateral (select x.id, x.completed_at, x.user_id from orders x
		                     where x.account_id = o.account_id and x.product_id = o.product_id and x.quantity = o.quantity
		                       and x.id <> o.id and x.status in ${PAID_SQL} and x.completed_at > o.created_at
		                     order by x.completed_at desc, x.id desc limit 1) b on true`,
		(rows: { id: string; completed_at: string | Date; by_opener: boolean | null }[]) => rows[0] ?? null
	);
	return mapRead(together({ open: ordersRead(where, 1), since }), ({ open: [row], since }) => {
		if (!row) return null;
		const boughtSince = since && {
			orderId: since.id,
			completedAt: new Date(since.completed_at).toISOString(),
			bought: `${since.by_opener ? 'You bought' : 'This account bought'} ${itemName(row)}`
		};
		return { ...row, openUntil: new Date(Date.parse(row.createdAt) + OPEN_CHECKOUT_MINUTES * 60_000).toISOString(), boughtSince };
	});
}

/** Whether order `o` renews a subscription (an earlier order started it): Paddle's billing made it, no checkout. */
export const RENEWAL_SQL = sql`exists (select 1 from orders first where first.subscription_id = o.subscription_id and first.created_at < o.created_at)`;

/**
 * Whether order `o` is an auto top-up: charged off-session on a subscription, or bought with the one
 * tap of a top-up's notice (the top-up holds its order, topup/bought.ts).
 */
export const AUTO_TOP_UP_SQL = sql`(o.charged_subscription_id is not null or exists (select 1 from topups tu where tu.order_id = o.id))`;

/** Orders matching `where` (over `orders o`) as they were sold (the order's own record, not today's package) with the names of the models they grant, and who bought them, newest first. */
function ordersRead(where: SQL, limit: number): Read<Purchase[]> {
	const rows = read(
		sql`select o.id, o.quantity, o.status, o.amount_cents, o.currency, o.created_at, o.completed_at,
		           o.product_id, o.product_name, o.product_kind, o.contents, o.unit_price_cents, buyer.name as buyer,
		           ${RENEWAL_SQL} as renewal, ${AUTO_TOP_UP_SQL} as auto_top_up,
		           case when o.status = 'partially_refunded' then (
		             select sum(a.total)::int8 from (${approvedAdjustments(sql`e.transaction_id = o.paddle_transaction_id`)}) a where a.action = 'refund'
		           ) end as refunded_cents
		      from orders o
		      left join users buyer on buyer.id = o.user_id
		     where ${where}
		     order by o.created_at desc, o.id desc
		     limit ${limit}`,
		(r: PurchaseRow[]) => r
	);
	return mapRead(together({ rows, names: modelNamesRead() }), ({ rows, names }) =>
		rows.map((o) => {
			const contents = o.contents.map((g) => ({ model: g.model, modelName: g.model ? (names.get(g.model) ?? g.model) : GENERAL_BALANCE, tokens: Number(g.tokens) }));
			return {
				id: o.id,
				productId: o.product_id,
				productName: o.product_name,
				kind: o.product_kind,
				quantity: o.quantity,
				contents,
				tokens: contents.reduce((s, c) => s + c.tokens, 0),
				amountCents: o.amount_cents === null ? (o.status === 'pending' ? o.unit_price_cents * o.quantity : null) : Number(o.amount_cents),
				currency: o.currency,
				status: o.status,
				renewal: o.renewal,
				autoTopUp: o.auto_top_up,
				buyer: o.buyer,
				refundedCents: o.refunded_cents === null ? null : Number(o.refunded_cents),
				createdAt: new Date(o.created_at).toISOString(),
				completedAt: o.completed_at === null ? null : new Date(o.completed_at).toISOString()
			};
		})
	);
}

/** The open checkout `orderId` of `userId` (openCheckoutRead's conditions), or `not_found`. */
async function openCheckoutOf(exec: Executor, req: { accountId: string; userId: string; orderId: string }): Promise<{ id: string; paddle_transaction_id: string }> {
	const [row] = isUuid(req.orderId)
		? await queryRows<{ id: string; paddle_transaction_id: string }>(
				exec,
				sql`select o.id, o.paddle_transaction_id from orders o where o.id = ${req.orderId}::uuid and ${openCheckoutWhere(req.accountId, req.userId)}`
			)
		: [];
	if (!row) throw new DomainError('not_found', 'This checkout is no longer open: start a new one in the store.');
	return row;
}

/** Opens the member's unpaid checkout again (Purchases' "Resume"): the same order and Paddle transaction, payable once. `not_found` when it is no longer open. */
export async function resumeCheckout(exec: Executor, provider: PaymentProvider, req: { accountId: string; userId: string; email: string | null; orderId: string }): Promise<CheckoutStart> {
	const open = await openCheckoutOf(exec, req);
	return { orderId: open.id, transactionId: open.paddle_transaction_id, checkout: provider.browserCheckout(), customerEmail: req.email };
}

/**
 * The member leaves their unpaid checkout (Purchases' "Dismiss"): it ends as a failed payment does
 * (nothing charged; a payment Paddle still reports completes it, as fulfilment takes a failed order),
 * and a plan's next checkout is a new one. `not_found` when it is no longer open.
 */
export async function dismissCheckout(exec: Executor, req: { accountId: string; userId: string; orderId: string }): Promise<void> {
	const open = await openCheckoutOf(exec, req);
	await exec.update(orders).set({ status: 'failed' }).where(and(eq(orders.id, open.id), eq(orders.status, 'pending')));
}

/** An order with what it sold, as purchasesRead selects it. */
interface PurchaseRow {
	id: string; quantity: number; status: PurchaseStatus; amount_cents: number | null; currency: string | null;
	created_at: string | Date; completed_at: string | Date | null;
	product_id: string; product_name: string; product_kind: string; contents: ProductGrant[]; unit_price_cents: number; renewal: boolean; auto_top_up: boolean; buyer: string | null;
	refunded_cents: number | string | null;
}

/** One order of one account (the store polls it while the payment is processed). */
export async function getPurchase(exec: Executor, accountId: string, orderId: string): Promise<Purchase> {
	if (!isUuid(orderId)) throw new DomainError('not_found', 'No such order');
	const [row] = await listPurchases(exec, accountId, { orderId, limit: 1 });
	if (!row) throw new DomainError('not_found', 'No such order');
	return row;
}
