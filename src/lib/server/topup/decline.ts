import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db';
import { topupRules, topups } from '../db/schema';
import { notifyTopup, type TopupNoticeDetail } from './notify';

/** Why a declined rule is off, as Settings shows it to the account's owner. */
export const DECLINED_REASON = 'The last top-up payment was declined. Check the payment method of your subscription, then turn auto top-up on again.';

/**
 * Why a rule is off as the console says it to a site admin: about the account, not to its owner (the
 * stored reason speaks to the owner, "your subscription"). A reason this module does not know is said as stored.
 */
export function offReasonForAdmins(reason: string): string {
	return reason === DECLINED_REASON ? 'The last top-up payment was declined. Its owner was told to check the payment method of their subscription and turn auto top-up on again.' : reason;
}

type Topup = typeof topups.$inferSelect;

/** What a top-up's notices name: its package (one unit) as it stood when claimed, what it cost, the trigger crossed. */
export async function topupDetail(exec: Executor, topup: Topup): Promise<Omit<TopupNoticeDetail, 'teamName'>> {
	const [rule] = await exec.select().from(topupRules).where(eq(topupRules.accountId, topup.accountId));
	return {
		productId: topup.productId,
		productName: topup.productName,
		tokens: topup.contents.reduce((s, g) => s + Number(g.tokens), 0),
		amountCents: topup.amountCents,
		currency: topup.currency,
		belowTokens: rule?.belowTokens ?? 0,
		cause: topup.cause
	};
}

/** Turns a rule off by itself (a declined payment), saying why; the owner turns it on again in Settings. */
export async function turnOff(exec: Executor, accountId: string, reason: string): Promise<void> {
	await exec.update(topupRules).set({ enabled: false, offReason: reason, updatedAt: sql`now()` }).where(and(eq(topupRules.accountId, accountId), eq(topupRules.enabled, true)));
}

/**
 * Records that a top-up's charge was declined, in `tx`: the top-up becomes `declined` (from
 * `charging` or `charged`, so at most once), the account's rule turns itself off with
 * `DECLINED_REASON`, and its owners are told (inbox, push and mail; notify.ts). The same whether
 * Paddle refused at once or reported it later by webhook. Returns false when it was not waiting
 * on its charge (declined already, or never charged).
 */
export async function declineTopup(tx: Executor, where: { topupId: string } | { orderId: string }, note: string): Promise<boolean> {
	const [topup] = await tx
		.update(topups)
		.set({ status: 'declined', finishedAt: sql`now()`, note })
		.where(and('topupId' in where ? eq(topups.id, where.topupId) : eq(topups.orderId, where.orderId), inArray(topups.status, ['charging', 'charged'])))
		.returning();
	if (!topup) return false;
	await turnOff(tx, topup.accountId, DECLINED_REASON);
	await notifyTopup(tx, topup.id, topup.accountId, 'topup_declined', await topupDetail(tx, topup));
	return true;
}
