import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { topupRules, topups, type TopupStatus } from '../db/schema';
import { isDomainError } from '../errors';
import { logFailure } from '../log';
import type { PaymentProvider } from '../store/paddle';
import { chargeableSubscription, chargeOffSession } from '../store/charges';
import { notifyTopup } from './notify';
import { declineTopup, topupDetail } from './decline';

/**
 * The `topup.charge` job: acts on one claimed top-up, at most once. The claim moves to `charging`
 * before anything is paid, so a re-run (a lease that expired mid-charge) never charges twice; such
 * a top-up stays `charging`, and its order is completed by the webhook if Paddle did charge.
 * - The account has a chargeable subscription: one unit of the package is charged on it
 *   off-session (`charged`; the webhook grants the tokens). The order is tied to the top-up before
 *   Paddle is asked, so a decline Paddle reports later (`transaction.payment_failed`) finds it.
 *   Declined at once or later: `declined`, the rule turns itself off and the owners are told
 *   (inbox, push and mail; decline.ts). Another provider error: `failed`, and the rule is armed
 *   for a new crossing, so a later check tries again after the cooldown.
 * - None: a one-tap notice to buy the package (`notice`; inbox and push).
 * - Payments not configured: `failed` with that note.
 */
export async function chargeTopup(db: Db, topupId: string, provider: PaymentProvider | null): Promise<TopupStatus | null> {
	const [topup] = await db.orm
		.update(topups)
		.set({ status: 'charging' })
		.where(and(eq(topups.id, topupId), eq(topups.status, 'claimed')))
		.returning();
	if (!topup) return null;
	const { accountId } = topup;
	const end = (status: TopupStatus, note: string) =>
		db.orm.update(topups).set({ status, finishedAt: sql`now()`, note }).where(and(eq(topups.id, topupId), eq(topups.status, 'charging')));
	if (!provider) {
		await end('failed', 'Payments are not configured on this site.');
		return 'failed';
	}
	const subscription = await chargeableSubscription(db.orm, accountId);
	if (!subscription) {
		const detail = await topupDetail(db.orm, topup);
		await db.orm.transaction(async (tx) => {
			await tx.update(topups).set({ status: 'notice', finishedAt: sql`now()`, note: 'No subscription to charge: the owners were asked to buy with one tap.' }).where(eq(topups.id, topupId));
			await notifyTopup(tx, topupId, accountId, 'topup_notice', detail);
		});
		return 'notice';
	}
	try {
		await chargeOffSession(db.orm, provider, {
			accountId,
			productId: topup.productId,
			subscription,
			recorded: (orderId) => db.orm.update(topups).set({ orderId }).where(eq(topups.id, topupId)).then(() => undefined)
		});
		// Still charging unless a decline webhook already arrived while Paddle answered.
		await db.orm.update(topups).set({ status: 'charged', finishedAt: sql`now()` }).where(and(eq(topups.id, topupId), eq(topups.status, 'charging')));
		return (await db.orm.select({ status: topups.status }).from(topups).where(eq(topups.id, topupId)))[0]!.status;
	} catch (e) {
		if (isDomainError(e) && e.code === 'payment_declined') {
			// Its inbox notice (notifyTopup) refreshes the owners' open pages, Settings' rule included.
			await db.orm.transaction((tx) => declineTopup(tx, { topupId }, e.message));
			return 'declined';
		}
		logFailure('topup', `charging the top-up ${topupId} of account ${accountId} failed`, e);
		await db.orm.transaction(async (tx) => {
			await tx.update(topups).set({ status: 'failed', finishedAt: sql`now()`, note: isDomainError(e) ? e.message : 'The charge could not be made.' }).where(eq(topups.id, topupId));
			// Not paid: a later check may try again (after the cooldown) as a new crossing, still below the trigger.
			await tx.update(topupRules).set({ armed: true, crossing: sql`${topupRules.crossing} + 1`, crossingCause: 'retry' }).where(and(eq(topupRules.accountId, accountId), eq(topupRules.armed, false)));
		});
		return 'failed';
	}
}
