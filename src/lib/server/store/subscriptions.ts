import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { SubscriptionNotification } from '@paddle/paddle-node-sdk';
import { queryRows, type Executor } from '../db';
import { read, readOne, type Read } from '../db/reads';
import { subscriptions } from '../db/schema';
import { DomainError } from '../errors';
import { orderOf, PAID_SQL } from './orders';
import type { PaymentProvider } from './paddle/provider';
import { announceCancelChange, announceCancellation } from './events';
import { audit } from '../accounts/audit';

/** Who asked for a change to a subscription (the member, from Purchases), for the audit log. */
export interface SubscriptionActor {
	userId: string;
	ip?: string | null;
}

export type Subscription = typeof subscriptions.$inferSelect;

const date = (iso: string | null | undefined) => (iso ? new Date(iso) : null);

/**
 * The subscriptions row for a Paddle subscription first seen on its transaction (its own
 * subscription.* event may come later). `last_event_at` starts at the epoch, so any
 * subscription event, however old, still gets mirrored.
 */
export async function ensureSubscription(
	exec: Executor,
	s: { paddleSubscriptionId: string; accountId: string; productId: string; periodStart: Date | null; periodEnd: Date | null }
): Promise<Subscription> {
	await exec
		.insert(subscriptions)
		.values({
			accountId: s.accountId,
			productId: s.productId,
			paddleSubscriptionId: s.paddleSubscriptionId,
			status: 'active',
			currentPeriodStart: s.periodStart,
			currentPeriodEnd: s.periodEnd,
			nextBilledAt: s.periodEnd,
			lastEventAt: new Date(0)
		})
		.onConflictDoNothing({ target: subscriptions.paddleSubscriptionId });
	const [row] = await exec.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, s.paddleSubscriptionId));
	return row!;
}

export type MirrorOutcome = { outcome: 'processed' | 'ignored' | 'flagged'; note?: string };

/**
 * Mirrors a subscription.* event's status, dates and scheduled cancellation; an event older than the
 * last one mirrored changes nothing. Announces what changed for the host site: a cancellation
 * scheduled or moved (`subscription.cancel_scheduled`, with when it ends), one taken back
 * (`subscription.cancel_undone`), the end itself (`subscription.canceled`).
 */
export async function mirrorSubscription(
	exec: Executor,
	sub: SubscriptionNotification,
	occurredAt: Date,
	productByPrice: (priceId: string) => Promise<{ id: string } | undefined>
): Promise<MirrorOutcome> {
	const priceId = sub.items[0]?.price?.id;
	const product = priceId ? await productByPrice(priceId) : undefined;
	const [existing] = await exec.select().from(subscriptions).where(eq(subscriptions.paddleSubscriptionId, sub.id));
	let accountId = existing?.accountId;
	if (!accountId) {
		const orderId = sub.customData?.orderId;
		accountId = typeof orderId === 'string' ? (await orderOf(exec, orderId))?.accountId : undefined;
	}
	if (!accountId) return { outcome: 'flagged', note: `no order of ours behind subscription ${sub.id}` };
	if (!product && !existing) return { outcome: 'flagged', note: `unknown price id ${priceId ?? '(none)'}` };

	const state = {
		status: sub.status,
		currentPeriodStart: date(sub.currentBillingPeriod?.startsAt),
		currentPeriodEnd: date(sub.currentBillingPeriod?.endsAt),
		nextBilledAt: date(sub.nextBilledAt),
		canceledAt: date(sub.canceledAt),
		cancelsAt: sub.scheduledChange?.action === 'cancel' ? date(sub.scheduledChange.effectiveAt) : null,
		lastEventAt: occurredAt
	};
	const changed = await exec
		.insert(subscriptions)
		.values({ accountId, productId: product?.id ?? existing!.productId, paddleSubscriptionId: sub.id, ...state })
		.onConflictDoUpdate({
			target: subscriptions.paddleSubscriptionId,
			set: state,
			setWhere: sql`${subscriptions.lastEventAt} < excluded.last_event_at`
		})
		.returning({ id: subscriptions.id, productId: subscriptions.productId });
	if (!changed.length) return { outcome: 'ignored', note: 'older than the last event mirrored' };
	const { id, productId } = changed[0]!;
	if (sub.status === 'canceled') {
		if (existing?.status !== 'canceled') await announceCancellation(exec, accountId, { subscriptionId: id, productId, canceledAt: state.canceledAt });
		return { outcome: 'processed' };
	}
	// Against the row as it was: a replay of this event, or a later one that leaves the schedule as it is, announces nothing.
	const before = existing?.cancelsAt?.getTime() ?? null;
	const key = `${id}@${occurredAt.toISOString()}`;
	if (state.cancelsAt && state.cancelsAt.getTime() !== before) {
		await announceCancelChange(exec, accountId, { key, subscriptionId: id, productId, endsAt: state.cancelsAt });
	} else if (!state.cancelsAt && before !== null) {
		await announceCancelChange(exec, accountId, { key, subscriptionId: id, productId, renewsAt: state.nextBilledAt });
	}
	return { outcome: 'processed' };
}

export interface SubscriptionView {
	id: string;
	productId: string;
	/** The plan as its latest paid period was bought (`boughtNameSql`), not as the package is named today. */
	productName: string;
	status: string;
	currentPeriodEnd: string | null;
	/** Null once a cancellation is scheduled (or the subscription ended). */
	nextBilledAt: string | null;
	canceledAt: string | null;
}

/**
 * The name subscription `s` (SQL of a `subscriptions` row alias) was bought under: its newest paid
 * order's (the first checkout's, or the latest renewal's, which grants the plan as it stood then),
 * of the plan it is on now; the package's own name only before any payment of it (SQL `text`).
 */
const boughtNameSql = (s: SQL) => sql`coalesce(
	(select o.product_name from orders o
	  where o.account_id = ${s}.account_id and o.subscription_id = ${s}.id and o.product_id = ${s}.product_id and o.status in ${PAID_SQL}
	  order by o.completed_at desc nulls last, o.created_at desc limit 1),
	(select p.name from products p where p.id = ${s}.product_id))`;

/** The account's subscriptions, newest first. */
export function listSubscriptions(exec: Executor, accountId: string): Promise<SubscriptionView[]> {
	return readOne(exec, subscriptionsRead(accountId));
}

/** The read behind `listSubscriptions`. */
export function subscriptionsRead(accountId: string): Read<SubscriptionView[]> {
	const iso = (t: string | Date | null) => (t === null ? null : new Date(t).toISOString());
	return read(
		sql`select s.id, s.product_id, ${boughtNameSql(sql`s`)} as product_name, s.status, s.current_period_end, s.next_billed_at, s.canceled_at
		      from subscriptions s
		     where s.account_id = ${accountId}::uuid
		     order by s.created_at desc`,
		(rows: { id: string; product_id: string; product_name: string; status: string; current_period_end: string | Date | null; next_billed_at: string | Date | null; canceled_at: string | Date | null }[]) =>
			rows.map((s) => ({
				id: s.id,
				productId: s.product_id,
				productName: s.product_name,
				status: s.status,
				currentPeriodEnd: iso(s.current_period_end),
				nextBilledAt: iso(s.next_billed_at),
				canceledAt: iso(s.canceled_at)
			}))
	);
}

/**
 * Asks Paddle to end the subscription at the end of its period. The row changes only when
 * Paddle's subscription.updated webhook arrives, like every other status.
 */
export async function cancelSubscription(exec: Executor, provider: PaymentProvider, accountId: string, subscriptionId: string, actor: SubscriptionActor) {
	const row = await runningSubscription(exec, accountId, subscriptionId);
	await provider.cancelSubscription(row.paddleSubscriptionId);
	await auditAsked(exec, 'store.subscription_cancel_asked', row, actor);
}

/**
 * Asks Paddle to take back the cancellation scheduled for the period's end ("Keep subscription"),
 * so it renews as before. As with cancelling, the row changes when Paddle's subscription.updated
 * webhook arrives. Errors: not_found (not this account's), conflict (ended, or not ending).
 * Both are audited once Paddle has taken the request.
 */
export async function resumeSubscription(exec: Executor, provider: PaymentProvider, accountId: string, subscriptionId: string, actor: SubscriptionActor) {
	const row = await runningSubscription(exec, accountId, subscriptionId);
	if (row.nextBilledAt) throw new DomainError('conflict', 'This subscription is not ending: it renews as before.');
	await provider.resumeSubscription(row.paddleSubscriptionId);
	await auditAsked(exec, 'store.subscription_keep_asked', row, actor);
}

/** What the member asked Paddle for (the row itself changes by webhook), with the plan's name as they bought it (their Purchases' words). */
async function auditAsked(exec: Executor, action: 'store.subscription_cancel_asked' | 'store.subscription_keep_asked', row: Subscription, actor: SubscriptionActor) {
	const [named] = await queryRows<{ name: string | null }>(exec, sql`select ${boughtNameSql(sql`s`)} as name from subscriptions s where s.id = ${row.id}::uuid`);
	await audit(exec, { action, actorUserId: actor.userId, targetType: 'subscription', targetId: row.id, accountId: row.accountId, ip: actor.ip ?? null, detail: { package: named?.name ?? row.productId } });
}

/** The account's subscription that has not ended. Errors: not_found, conflict (it ended). */
async function runningSubscription(exec: Executor, accountId: string, subscriptionId: string): Promise<Subscription> {
	const [row] = await exec
		.select()
		.from(subscriptions)
		.where(and(eq(subscriptions.id, subscriptionId), eq(subscriptions.accountId, accountId)));
	if (!row) throw new DomainError('not_found', 'No such subscription');
	if (row.status === 'canceled') throw new DomainError('conflict', 'This subscription has already ended.');
	return row;
}
