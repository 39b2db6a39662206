import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { topupRules, topups, type TopupStatus } from '../db/schema';
import { isDomainError } from '../errors';
import { logFailure } from '../log';
import type { PushOptions } from '../alerts/push';
import type { PaymentProvider } from '../store/paddle';
import { getProduct } from '../store/catalog';
import { chargeableSubscription, chargeOffSession } from '../store/charges';
import { notifyTopup } from './notify';
import { turnOff } from './rules';

/** Why a declined rule is off, as Settings shows it. */
export const DECLINED_REASON = 'The last top-up payment was declined. Check the payment method of your subscription, then turn auto top-up on again.';

async function finish(db: Db, topupId: string, status: TopupStatus, extra: { orderId?: string; note?: string } = {}) {
	await db.orm.update(topups).set({ status, finishedAt: sql`now()`, ...extra }).where(eq(topups.id, topupId));
}

/**
 * The `topup.charge` job: acts on one claimed top-up, at most once. The claim moves to `charging`
 * before anything is paid, so a re-run (a lease that expired mid-charge) never charges twice; such
 * a top-up stays `charging`, and its order is completed by the webhook if Paddle did charge.
 * - The account has a chargeable subscription: one unit of the package is charged on it
 *   off-session (`charged`; the webhook grants the tokens). Declined: `declined`, the rule turns
 *   itself off and the owners are told (inbox and push). Another provider error: `failed`, and
 *   the rule is armed for a new crossing, so a later check tries again after the cooldown.
 * - None: a one-tap notice to buy the package (`notice`; inbox and push).
 * - Payments not configured: `failed` with that note.
 */
export async function chargeTopup(db: Db, topupId: string, provider: PaymentProvider | null, push?: PushOptions): Promise<TopupStatus | null> {
	const [topup] = await db.orm
		.update(topups)
		.set({ status: 'charging' })
		.where(and(eq(topups.id, topupId), eq(topups.status, 'claimed')))
		.returning();
	if (!topup) return null;
	const { accountId } = topup;
	const [rule] = await db.orm.select().from(topupRules).where(eq(topupRules.accountId, accountId));
	const product = await getProduct(db.orm, topup.productId);
	const detail = {
		productId: product.id,
		productName: product.name,
		tokens: product.grants.reduce((s, g) => s + g.tokens, 0),
		amountCents: topup.amountCents,
		currency: topup.currency,
		belowTokens: rule?.belowTokens ?? 0
	};
	if (!provider) {
		await finish(db, topupId, 'failed', { note: 'Payments are not configured on this site.' });
		return 'failed';
	}
	const subscription = await chargeableSubscription(db.orm, accountId);
	if (!subscription) {
		await finish(db, topupId, 'notice', { note: 'No subscription to charge: the owners were asked to buy with one tap.' });
		await notifyTopup(db, topupId, accountId, 'topup_notice', detail, push);
		return 'notice';
	}
	try {
		const orderId = await chargeOffSession(db.orm, provider, { accountId, productId: product.id, subscription });
		await finish(db, topupId, 'charged', { orderId });
		return 'charged';
	} catch (e) {
		if (isDomainError(e) && e.code === 'payment_declined') {
			await db.orm.transaction(async (tx) => {
				await tx.update(topups).set({ status: 'declined', finishedAt: sql`now()`, note: e.message }).where(eq(topups.id, topupId));
				await turnOff(tx, accountId, DECLINED_REASON);
			});
			await notifyTopup(db, topupId, accountId, 'topup_declined', detail, push);
			return 'declined';
		}
		logFailure('topup', `charging the top-up ${topupId} of account ${accountId} failed`, e);
		await db.orm.transaction(async (tx) => {
			await tx.update(topups).set({ status: 'failed', finishedAt: sql`now()`, note: isDomainError(e) ? e.message : 'The charge could not be made.' }).where(eq(topups.id, topupId));
			// Not paid: a later check may try again (after the cooldown) as a new crossing.
			await tx.update(topupRules).set({ armed: true, crossing: sql`${topupRules.crossing} + 1` }).where(and(eq(topupRules.accountId, accountId), eq(topupRules.armed, false)));
		});
		return 'failed';
	}
}
