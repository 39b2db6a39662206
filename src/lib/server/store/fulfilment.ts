import { and, eq, inArray, isNotNull, ne, sql } from 'drizzle-orm';
import type { AdjustmentNotification, TransactionNotification } from '@paddle/paddle-node-sdk';
import { queryRows, type Executor } from '../db/client';
import { orders, paddleEvents, subscriptions, type PaddleEventEffect } from '../db/schema';
import { clawback, endLots, grant, lotsByGrantKey } from '../ledger';
import { noticePurchaseReversal } from '../alerts';
import { productsByPriceId, type PaddleEnvironment, type Product } from './catalog';
import { addCalendar } from '../../calendar';
import { orderOf, soldAs, type Order } from './orders';
import { ensureSubscription } from './subscriptions';
import { pendingCharge } from './charges';
import { announceCompletion, announceRefund } from './events';
import { paidForAnotherAccount } from './customers';
import { settleOnPurchase } from '../referrals';
import { declineTopup } from '../topup/decline';
import { noticeBought } from '../topup/bought';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { auditAdjustment, auditPurchase } from './purchase-audit';

/** The figures of an event's note, as the console shows every other figure beside it ("took back 10,000 tokens", not "10000"). */

export type Outcome = { outcome: 'processed' | 'ignored' | 'deferred' | 'flagged'; note?: string; effect?: PaddleEventEffect };

/**
 * Only these transactions sell tokens; e.g. a zero-value payment-method change grants nothing.
 * `subscription_charge` is a one-time charge billed on a subscription (an auto top-up, charges.ts).
 */
const GRANTING_ORIGINS = new Set(['web', 'api', 'subscription_recurring', 'subscription_charge']);

/** Billed by Paddle on a subscription, not through a checkout: the owner is the subscription's account. */
const SUBSCRIPTION_ORIGINS = new Set(['subscription_recurring', 'subscription_charge']);

/** What a lot's note adds for a transaction Paddle billed on a subscription. */
const NOTE_SUFFIX: Record<string, string> = { subscription_recurring: ' · renewal', subscription_charge: ' · auto top-up' };

/** Every lot a Paddle transaction granted carries this grant key prefix. */
const lotPrefix = (transactionId: string) => `paddle:${transactionId}:`;

/** The lots a Paddle transaction granted (the renewal, refund and reversal lots alike), oldest first. */
const transactionLots = (exec: Executor, transactionId: string) => lotsByGrantKey(exec, [lotPrefix(transactionId)]);

/**
 * Whose transaction is this? Found through our order (or, for transactions Paddle bills on a
 * subscription, our subscription row) — never from the payload alone. A one-time charge on a
 * subscription completes the pending order that asked for it (charges.ts), when there is one.
 */
async function ownerOf(exec: Executor, txn: TransactionNotification, productIds: string[]): Promise<{ accountId: string; checkoutOrder: Order | null } | null> {
	const byTxn = (await exec.select().from(orders).where(eq(orders.paddleTransactionId, txn.id)))[0];
	if (byTxn) return { accountId: byTxn.accountId, checkoutOrder: byTxn };
	const orderId = txn.customData?.orderId;
	const first = typeof orderId === 'string' ? await orderOf(exec, orderId) : undefined;
	if (!SUBSCRIPTION_ORIGINS.has(txn.origin)) {
		// A checkout transaction: its order must be the one named in custom data, not yet tied to another transaction.
		return first && !first.paddleTransactionId ? { accountId: first.accountId, checkoutOrder: first } : null;
	}
	if (txn.subscriptionId) {
		const [sub] = await exec.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, txn.subscriptionId));
		if (sub) {
			const charge = txn.origin === 'subscription_charge' ? await pendingCharge(exec, sub.id, productIds) : undefined;
			return { accountId: sub.accountId, checkoutOrder: charge ?? null };
		}
	}
	return first ? { accountId: first.accountId, checkoutOrder: null } : null;
}

/**
 * transaction.completed: grants what its order offered when the checkout began (`soldItem`; a renewal: the
 * catalog's tokens × quantity), once per transaction item and model (grant key `paddle:<txn>:<price>:<model|general>`). A subscription's lots expire with its
 * billing period, and the previous period's lots end: the allocation renews, it does not roll over.
 */
export async function fulfilTransaction(exec: Executor, env: PaddleEnvironment, txn: TransactionNotification, occurredAt: Date): Promise<Outcome> {
	if (!GRANTING_ORIGINS.has(txn.origin)) return { outcome: 'ignored', note: `origin ${txn.origin} grants nothing` };
	const priceIds = txn.items.map((i) => i.price?.id ?? '');
	const catalog = await productsByPriceId(exec, env, priceIds.filter(Boolean));
	const unknown = priceIds.filter((id) => !catalog.has(id));
	if (unknown.length) return { outcome: 'flagged', note: `unknown price id ${unknown.join(', ') || '(none)'}: nothing granted` };
	const owner = await ownerOf(exec, txn, [...new Set([...catalog.values()].map((p) => p.id))]);
	if (!owner) return { outcome: 'flagged', note: 'no order of ours for this transaction: nothing granted' };
	const { accountId } = owner;

	const items = txn.items.map((i) => ({ product: catalog.get(i.price!.id)!, quantity: i.quantity, priceId: i.price!.id }));
	const main = items[0]!.product;
	let sub: { id: string } | null = null;
	let twin: string | null = null;
	let periodEnd: Date | null = null;
	if (main.kind === 'subscription') {
		const start = txn.billingPeriod ? new Date(txn.billingPeriod.startsAt) : occurredAt;
		periodEnd = txn.billingPeriod ? new Date(txn.billingPeriod.endsAt) : addCalendar(start, main.billingInterval ?? 'month');
		if (txn.subscriptionId) {
			sub = await ensureSubscription(exec, { paddleSubscriptionId: txn.subscriptionId, accountId, productId: main.id, periodStart: start, periodEnd });
			if (txn.origin !== 'subscription_recurring') twin = await twinSubscription(exec, accountId, main.id, txn.subscriptionId);
		}
	}

	const amount = txn.details?.totals?.grandTotal;
	const completion = {
		status: 'completed' as const,
		amountCents: amount !== undefined ? Number(amount) : null,
		currency: txn.currencyCode,
		completedAt: txn.billedAt ? new Date(txn.billedAt) : occurredAt,
		subscriptionId: sub?.id ?? null
	};
	let orderId: string;
	// Bought with the one tap of an auto top-up's notice: its lots say so, as an off-session charge's do.
	let fromNotice = false;
	if (owner.checkoutOrder) {
		orderId = owner.checkoutOrder.id;
		await exec
			.update(orders)
			.set({ ...completion, paddleTransactionId: txn.id })
			.where(and(eq(orders.id, orderId), inArray(orders.status, ['pending', 'failed'])));
		fromNotice = await noticeBought(exec, orderId, completion.completedAt);
	} else {
		// A renewal (or a charge we have no order for) billed by Paddle: it becomes an order of its own in the purchase history.
		const [row] = await exec
			.insert(orders)
			.values({ accountId, userId: null, productId: main.id, quantity: items[0]!.quantity, ...soldAs(main, items[0]!.quantity), paddleTransactionId: txn.id, createdAt: occurredAt, ...completion })
			.onConflictDoUpdate({ target: orders.paddleTransactionId, set: completion })
			.returning({ id: orders.id });
		orderId = row!.id;
	}

	const granted: NonNullable<PaddleEventEffect['granted']> = [];
	let made = false;
	const sold = items.map((item) => soldItem(item, owner.checkoutOrder));
	for (const [i, item] of items.entries()) {
		for (const g of sold[i]!.grants) {
			const { tokens } = g;
			const r = await grant(exec, {
				accountId,
				tokens,
				source: item.product.kind === 'subscription' ? 'subscription' : 'purchase',
				model: g.model,
				expiresAt: item.product.kind === 'subscription' ? periodEnd : null,
				grantKey: `${lotPrefix(txn.id)}${item.priceId}:${g.model ?? 'general'}`,
				// Who bought it: a team's statement says so beside the grant ("bought by Maya Lee").
				actor: owner.checkoutOrder?.userId ? { userId: owner.checkoutOrder.userId } : undefined,
				note: `${sold[i]!.name}${item.quantity > 1 ? ` × ${item.quantity}` : ''}${NOTE_SUFFIX[txn.origin] ?? (fromNotice ? NOTE_SUFFIX.subscription_charge : '')}`
			});
			granted.push({ lotId: r.lotId, model: g.model, tokens });
			made ||= r.created;
		}
	}
	const tokens = granted.reduce((s, g) => s + g.tokens, 0);
	if (made) {
		// The order keeps what this payment granted, under the name its lots' notes give: what was sold.
		const name = sold[0]!.name;
		await exec.update(orders).set({ productName: name, productKind: main.kind, contents: soldContents(granted) }).where(eq(orders.id, orderId));
		await auditPurchase(exec, {
			accountId,
			buyerUserId: owner.checkoutOrder?.userId ?? null,
			orderId,
			transactionId: txn.id,
			origin: txn.origin,
			channel: owner.checkoutOrder?.channel ?? null,
			productId: main.id,
			productName: name,
			quantity: items[0]!.quantity,
			tokens,
			amountCents: completion.amountCents,
			currency: txn.currencyCode
		});
	}
	const ended = sub && periodEnd ? await endEarlierPeriods(exec, sub.id, periodEnd) : [];
	await announceCompletion(exec, accountId, {
		transactionId: txn.id,
		orderId,
		renewal: txn.origin === 'subscription_recurring',
		productId: main.id,
		amountCents: completion.amountCents,
		currency: txn.currencyCode,
		tokens,
		subscriptionId: sub?.id ?? null,
		periodEnd
	});
	// A referred member's first purchase settles their referral (when the site's rules wait for one).
	await settleOnPurchase(exec, accountId, () => paidForAnotherAccount(exec, txn.customerId, accountId));
	const effect = { orderId, orderStatus: 'completed', granted, ...(ended.length ? { ended } : {}) };
	// Paid for, so granted; but one account holds a plan once (startCheckout refuses a second one, two
	// checkouts opened before either was paid still can): an admin refunds and cancels one of them.
	if (twin) return { outcome: 'flagged', note: `second ${main.name} subscription for this account (already has ${twin}): granted; refund and cancel one`, effect };
	return { outcome: 'processed', effect };
}

/**
 * What a transaction item sells: what its order offered the buyer when the checkout (or the auto top-up's
 * charge) began, its name and tokens per model (per unit, × the item's quantity), so an edit of the package
 * between checkout and payment changes nothing the buyer agreed to; without such an order (a renewal Paddle
 * billed), the package as it stands: a plan's renewals grant the plan as it is then.
 */
function soldItem(item: { product: Product; quantity: number }, order: Order | null): { name: string; grants: { model: string | null; tokens: number }[] } {
	if (order && order.productId === item.product.id && order.contents.length) {
		const grants = order.contents.map((c) => ({ model: c.model, tokens: (Number(c.tokens) * item.quantity) / order.quantity }));
		if (grants.every((g) => Number.isSafeInteger(g.tokens) && g.tokens > 0)) return { name: order.productName, grants };
	}
	return { name: item.product.name, grants: item.product.grants.map((g) => ({ model: g.model, tokens: g.tokens * item.quantity })) };
}

/** Tokens per model (in the order granted) of a transaction's grants. */
function soldContents(granted: { model: string | null; tokens: number }[]): { model: string | null; tokens: number }[] {
	const byModel = new Map<string | null, number>();
	for (const g of granted) byModel.set(g.model, (byModel.get(g.model) ?? 0) + g.tokens);
	return [...byModel].map(([model, tokens]) => ({ model, tokens }));
}

/** Another subscription of the account to the same plan that has not ended (its Paddle id), if any. */
async function twinSubscription(exec: Executor, accountId: string, productId: string, paddleSubscriptionId: string): Promise<string | null> {
	const [row] = await exec
		.select({ id: subscriptions.paddleSubscriptionId })
		.from(subscriptions)
		.where(and(eq(subscriptions.accountId, accountId), eq(subscriptions.productId, productId), ne(subscriptions.status, 'canceled'), ne(subscriptions.paddleSubscriptionId, paddleSubscriptionId)))
		.limit(1);
	return row?.id ?? null;
}

/** Ends what is left of a subscription's earlier periods (lots that expire before the newest one). */
async function endEarlierPeriods(exec: Executor, subscriptionId: string, newestEnd: Date): Promise<string[]> {
	const billed = await exec
		.select({ transactionId: orders.paddleTransactionId })
		.from(orders)
		.where(and(eq(orders.subscriptionId, subscriptionId), isNotNull(orders.paddleTransactionId)));
	const periods = (await lotsByGrantKey(exec, billed.map((o) => lotPrefix(o.transactionId!)))).filter((l) => l.source === 'subscription' && l.expiresAt !== null);
	const cutoff = Math.max(newestEnd.getTime(), ...periods.map((l) => Date.parse(l.expiresAt!)));
	const ids = periods.filter((l) => l.expiredAt === null && Date.parse(l.expiresAt!) < cutoff).map((l) => l.id);
	await endLots(exec, ids);
	return ids;
}

/**
 * transaction.payment_failed / canceled: a pending order becomes failed (a later completion still
 * wins). A one-time charge on a subscription that failed (origin `subscription_charge`: Paddle
 * accepted the charge, then the payment was declined) fails the order charged off-session for it;
 * when that order was an auto top-up's, the top-up is declined exactly as when Paddle refuses at
 * once: its rule turns off and the owners are told (topup/decline.ts).
 */
export async function failTransaction(exec: Executor, env: PaddleEnvironment, txn: TransactionNotification): Promise<Outcome> {
	const priceIds = txn.items.map((i) => i.price?.id ?? '').filter(Boolean);
	const productIds = [...new Set([...(await productsByPriceId(exec, env, priceIds)).values()].map((p) => p.id))];
	const owner = await ownerOf(exec, txn, productIds);
	if (!owner?.checkoutOrder) return { outcome: 'ignored', note: 'no checkout order for this transaction' };
	const changed = await exec
		.update(orders)
		.set({ status: 'failed', paddleTransactionId: txn.id })
		.where(and(eq(orders.id, owner.checkoutOrder.id), eq(orders.status, 'pending')))
		.returning({ id: orders.id });
	if (!changed.length) return { outcome: 'ignored', note: 'order is no longer pending' };
	const orderId = owner.checkoutOrder.id;
	if (txn.origin === 'subscription_charge' && (await declineTopup(exec, { orderId }, 'Paddle reported the payment as failed.'))) {
		return { outcome: 'processed', note: 'auto top-up declined: turned off, owners told', effect: { orderId, orderStatus: 'failed' } };
	}
	return { outcome: 'processed', effect: { orderId, orderStatus: 'failed' } };
}

async function fulfilled(exec: Executor, transactionId: string) {
	const [row] = await exec
		.select({ effect: paddleEvents.effect })
		.from(paddleEvents)
		// A flagged completion that granted (a second subscription to a plan) can be refunded like any other.
		.where(and(eq(paddleEvents.transactionId, transactionId), eq(paddleEvents.eventType, 'transaction.completed'), inArray(paddleEvents.outcome, ['processed', 'flagged']), isNotNull(paddleEvents.effect)));
	return row?.effect ?? null;
}

/** Sets an order's status (when it has one). */
async function setOrderStatus(exec: Executor, orderId: string | undefined, status: Order['status']): Promise<void> {
	if (orderId) await exec.update(orders).set({ status }).where(and(eq(orders.id, orderId), ne(orders.status, status)));
}

/** What a Paddle adjustment moved: its total in minor units and its currency. */
const adjustedMoney = (adj: AdjustmentNotification) => ({ amountCents: adj.totals?.total !== undefined ? Number(adj.totals.total) : null, currency: adj.currencyCode ?? null });

/**
 * Every action of Paddle Billing's adjustments (the SDK's `AdjustmentAction`): a refund, a credit to
 * the buyer's Paddle balance and its reversal, a chargeback and its reversal move money; a
 * chargeback warning (the buyer's bank told of a dispute) and its withdrawal move none.
 */
const ADJUSTMENT_ACTIONS = new Set(['refund', 'credit', 'credit_reverse', 'chargeback', 'chargeback_reverse', 'chargeback_warning', 'chargeback_warning_reverse']);

/**
 * Why an adjustment Paddle has not approved moved nothing, in the Payments page's words: "refund
 * waits for Paddle's approval: nothing moves until it is approved", not Paddle's "pending_approval".
 */
function adjustmentNotApproved(action: string, status: string): string {
	const what = action.replaceAll('_', ' ');
	switch (status) {
		case 'pending_approval':
			return `${what} waits for Paddle's approval: nothing moves until it is approved`;
		case 'rejected':
			return `${what} rejected by Paddle: nothing moved`;
		case 'reversed':
			return `${what} reversed by Paddle: nothing moved`;
		default:
			return `${what} is ${status.replaceAll('_', ' ')} at Paddle: nothing moved`;
	}
}

/**
 * adjustment.created / adjustment.updated, once approved. A full refund or chargeback takes back what
 * is left of the transaction's lots, a partial chargeback its share of them (`takeBack`; never more
 * than is left: the spent part is recorded as the shortfall); a chargeback reversal gives back what
 * its chargeback took; a partial refund, a credit or its reversal leaves the tokens (keptTokens); a
 * chargeback warning or its withdrawal moves none (`noteWarning`). Each writes its audit entry once
 * per adjustment. An adjustment that arrives before its transaction was fulfilled waits (outcome
 * `deferred`) and is applied right after it. An action Paddle does not document changes nothing.
 */
export async function applyAdjustment(exec: Executor, adj: AdjustmentNotification): Promise<Outcome> {
	if (!ADJUSTMENT_ACTIONS.has(adj.action)) return { outcome: 'ignored', note: `${adj.action}: not an adjustment action Paddle documents; nothing changed` };
	if (adj.status !== 'approved') return { outcome: 'ignored', note: adjustmentNotApproved(adj.action, adj.status) };
	const completed = await fulfilled(exec, adj.transactionId);
	if (!completed) return { outcome: 'deferred', note: 'waiting for the transaction to complete' };
	const order = completed.orderId ? await orderOf(exec, completed.orderId) : undefined;

	if (adj.action === 'chargeback_warning' || adj.action === 'chargeback_warning_reverse') return noteWarning(exec, adj, order);
	// Paddle: `type` is "string or null"; "if omitted, defaults to partial". Only an adjustment
	// that says `full` refunds the whole transaction (its older payloads carry no `type` at all).
	if (adj.action === 'credit' || adj.action === 'credit_reverse' || (adj.action === 'refund' && adj.type !== 'full')) return keptTokens(exec, adj, order);
	if (adj.action === 'chargeback_reverse') return reverseChargeback(exec, adj, order);
	return takeBack(exec, adj, completed.orderId, order);
}

/**
 * The share of a transaction's tokens a partial chargeback takes back: the money charged back of what
 * the order paid (at most all of it), as a fraction; null when either is unknown.
 */
function chargebackShare(adj: AdjustmentNotification, order: Order | undefined): { cents: number; paidCents: number } | null {
	const { amountCents } = adjustedMoney(adj);
	const paidCents = order?.amountCents === null || order?.amountCents === undefined ? null : Number(order.amountCents);
	if (amountCents === null || paidCents === null || paidCents <= 0) return null;
	return { cents: Math.min(amountCents, paidCents), paidCents };
}

/** `share` of a lot's `amount`, in whole tokens, rounded down (exact: the buyer keeps the part of a token). */
const tokensOfShare = (amount: number, share: { cents: number; paidCents: number }) => Number((BigInt(amount) * BigInt(share.cents)) / BigInt(share.paidCents));

/**
 * A full refund or a chargeback: takes back what is left of the transaction's lots. A chargeback that
 * is not `full` (Paddle's default type is partial) takes back its share of each lot the transaction
 * granted (`tokensOfShare` of its amount; the lots a reversal gave back are not counted), never more
 * than is left; when its share cannot be known (no paid total), it takes none and is flagged for an
 * admin. Its entry says the share (`tokens_due`, `unknown` when it cannot be known) and what the order paid; the order is then partly
 * refunded instead of charged back.
 */
async function takeBack(exec: Executor, adj: AdjustmentNotification, orderId: string | undefined, order: Order | undefined): Promise<Outcome> {
	const cause = adj.action === 'chargeback' ? 'chargeback' : 'refund';
	const partial = cause === 'chargeback' && adj.type !== 'full';
	const share = partial ? chargebackShare(adj, order) : null;
	const lots = (await transactionLots(exec, adj.transactionId)).filter((l) => !partial || l.source !== 'refund-reversal');
	const clawedBack: NonNullable<PaddleEventEffect['clawedBack']> = [];
	let due = 0;
	for (const lot of lots) {
		const wanted = partial ? (share ? tokensOfShare(lot.amount, share) : 0) : undefined;
		due += wanted ?? 0;
		// A share of no whole token takes nothing (no operation either).
		const r =
			wanted === 0
				? { clawedBack: 0, shortfall: 0 }
				: await clawback(exec, {
						accountId: lot.accountId,
						lotIds: [lot.id],
						tokens: wanted,
						cause,
						reason: `Paddle adjustment ${adj.id}`,
						operationKey: `paddle:${adj.id}:${lot.id}`
					});
		clawedBack.push({ lotId: lot.id, model: lot.model, tokens: r.clawedBack, shortfall: r.shortfall, expiresAt: lot.expiresAt });
	}
	const orderStatus = partial ? 'partially_refunded' : cause === 'chargeback' ? 'charged_back' : 'refunded';
	await setOrderStatus(exec, order?.id, orderStatus);
	const shortfall = clawedBack.reduce((s, c) => s + c.shortfall, 0);
	const taken = clawedBack.reduce((s, c) => s + c.tokens, 0);
	if (order) {
		await auditAdjustment(exec, {
			action: cause === 'chargeback' ? 'store.purchase_charged_back' : 'store.purchase_refunded',
			accountId: order.accountId,
			orderId: order.id,
			transactionId: adj.transactionId,
			adjustmentId: adj.id,
			...adjustedMoney(adj),
			what: {
				cause,
				...(partial && { tokens_due: share ? due : 'unknown', ...(order.amountCents === null ? {} : { paid_cents: Number(order.amountCents) }) }),
				tokens_taken_back: taken,
				tokens_already_spent: shortfall
			}
		});
	}
	if (lots[0]) await announceRefund(exec, lots[0].accountId, { adjustmentId: adj.id, orderId, cause, tokensTakenBack: taken, tokensAlreadySpent: shortfall });
	if (lots[0]) {
		const kind = cause === 'chargeback' ? 'purchase_charged_back' : 'purchase_refunded';
		await noticePurchaseReversal(exec, { accountId: lots[0].accountId, key: adj.id, reversal: { kind, productName: order?.productName ?? null, takenBack: taken, alreadySpent: shortfall } });
	}
	const what = partial ? `partial chargeback` : adj.action;
	const effect = { clawedBack, orderStatus };
	if (partial && !share) return { outcome: 'flagged', note: `${what}: what the order paid is unknown, so its share of the tokens is too: none taken back, for an admin to decide`, effect };
	const tookBack = partial ? `took back ${counted(taken, 'token', plainFormatter.tokens)} of its share of ${plainFormatter.tokens(due)}` : `took back ${counted(taken, 'token', plainFormatter.tokens)}`;
	return shortfall > 0
		? { outcome: 'flagged', note: `${what}: ${tookBack}; ${counted(shortfall, 'token', plainFormatter.tokens)} ${shortfall === 1 ? 'was' : 'were'} already spent`, effect }
		: { outcome: 'processed', note: `${what}: ${tookBack}`, effect };
}

/**
 * A chargeback warning (the buyer's bank told Paddle of a dispute; a chargeback may follow) or its
 * withdrawal (the dispute closed without one): no money moves and the tokens stay as they are, which
 * its entry says (`store.chargeback_warned`, `store.chargeback_warning_withdrawn`); a chargeback that
 * follows takes them back as any chargeback does.
 */
async function noteWarning(exec: Executor, adj: AdjustmentNotification, order: Order | undefined): Promise<Outcome> {
	const withdrawn = adj.action === 'chargeback_warning_reverse';
	if (order) {
		await auditAdjustment(exec, {
			action: withdrawn ? 'store.chargeback_warning_withdrawn' : 'store.chargeback_warned',
			accountId: order.accountId,
			orderId: order.id,
			transactionId: adj.transactionId,
			adjustmentId: adj.id,
			...adjustedMoney(adj),
			what: { tokens_taken_back: 0, ...(order.amountCents === null ? {} : { paid_cents: Number(order.amountCents) }) }
		});
	}
	return { outcome: 'processed', note: withdrawn ? 'chargeback warning withdrawn: tokens as they are' : 'chargeback warning: tokens as they are unless a chargeback follows' };
}

/**
 * An approved partial refund (it marks the order partly refunded) or a credit to the buyer's Paddle
 * balance: money went back, and the tokens are left as they are, since Paddle does not say which of
 * them it was for: flagged, for an admin to take some back in the console (Balance adjusted) if they
 * should. A credit's reversal (the credit taken back from the buyer's balance) gives back no tokens
 * either, as its credit took none. Each audit entry says how much, of what the order paid.
 */
async function keptTokens(exec: Executor, adj: AdjustmentNotification, order: Order | undefined): Promise<Outcome> {
	const partial = adj.action === 'refund';
	const reversal = adj.action === 'credit_reverse';
	if (partial) await setOrderStatus(exec, order?.id, 'partially_refunded');
	if (order) {
		await auditAdjustment(exec, {
			action: partial ? 'store.purchase_partly_refunded' : reversal ? 'store.credit_reversed' : 'store.purchase_credited',
			accountId: order.accountId,
			orderId: order.id,
			transactionId: adj.transactionId,
			adjustmentId: adj.id,
			...adjustedMoney(adj),
			what: { ...(reversal ? {} : { tokens_taken_back: 0 }), ...(order.amountCents === null ? {} : { paid_cents: Number(order.amountCents) }) }
		});
	}
	if (reversal) return { outcome: 'processed', note: "credit to the buyer's Paddle balance reversed: tokens as they are" };
	const what = partial ? 'partial refund' : "credit to the buyer's Paddle balance";
	return { outcome: 'flagged', note: `${what}: tokens left as they are, for an admin to decide`, ...(partial && { effect: { orderStatus: 'partially_refunded' } }) };
}

async function reverseChargeback(exec: Executor, adj: AdjustmentNotification, order: Order | undefined): Promise<Outcome> {
	const [chargeback] = await queryRows<{ effect: PaddleEventEffect }>(
		exec,
		sql`select effect from paddle_events
		     where transaction_id = ${adj.transactionId} and event_type like 'adjustment.%'
		       and payload->'data'->>'action' = 'chargeback' and outcome in ('processed', 'flagged') and effect ? 'clawedBack'
		     order by occurred_at desc limit 1`
	);
	if (!chargeback) return { outcome: 'deferred', note: 'waiting for the chargeback it reverses' };
	const [owner] = await transactionLots(exec, adj.transactionId);
	const granted: NonNullable<PaddleEventEffect['granted']> = [];
	for (const c of chargeback.effect.clawedBack ?? []) {
		if (c.tokens <= 0) continue;
		const expiresAt = c.expiresAt ? new Date(c.expiresAt) : null;
		if (expiresAt && expiresAt <= new Date()) continue;
		const r = await grant(exec, {
			accountId: owner!.accountId,
			tokens: c.tokens,
			source: 'refund-reversal',
			model: c.model,
			expiresAt,
			grantKey: `${lotPrefix(adj.transactionId)}reversal:${adj.id}:${c.lotId}`,
			note: `Chargeback reversed (${adj.id})`
		});
		granted.push({ lotId: r.lotId, model: c.model, tokens: c.tokens });
	}
	await setOrderStatus(exec, order?.id, 'completed');
	const given = granted.reduce((s, g) => s + g.tokens, 0);
	await noticePurchaseReversal(exec, { accountId: owner!.accountId, key: adj.id, reversal: { kind: 'chargeback_reversed', productName: order?.productName ?? null, givenBack: given } });
	if (order) {
		await auditAdjustment(exec, {
			action: 'store.chargeback_reversed',
			accountId: order.accountId,
			orderId: order.id,
			transactionId: adj.transactionId,
			adjustmentId: adj.id,
			...adjustedMoney(adj),
			what: { tokens_given_back: given }
		});
	}
	return { outcome: 'processed', note: `chargeback reversed: gave back ${counted(given, 'token', plainFormatter.tokens)}`, effect: { granted, orderStatus: 'completed' } };
}
