import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { queryRows, uuidArray } from '../db/client';
import { topupRules, topups } from '../db/schema';
import { getProduct } from '../store/catalog';
import { enqueue } from '../schedule';
import { availableNow, holdBack, monthUse } from './rules';

/** The one-off job that acts on a claimed top-up (charge.ts). */
export const CHARGE_JOB = 'topup.charge';

/**
 * What a check did for an account: `claimed` a top-up for this crossing (its charge job is
 * queued), `rearmed` the rule (available is back at or above the trigger: the next fall is a new
 * crossing), `held` (below the trigger, but a monthly cap or the cooldown holds it back; a later
 * check tries again), or nothing to do (`none`: off, above and armed, or this crossing served).
 */
export type CheckOutcome = 'claimed' | 'rearmed' | 'held' | 'none';

/**
 * Checks one account's auto top-up rule against its available tokens, and claims at most one
 * top-up per crossing below the trigger. Safe with any number of app processes and concurrent
 * consumes: the rule's row is locked (`for update`) before the balance is read, so checks of one
 * account run one after another and each sees the balance as committed before it; `armed` is
 * cleared in the same transaction as the claim, and `topups (account_id, crossing)` is unique as a
 * backstop. The charge job is queued in that transaction too (key: the top-up), so it exists exactly
 * when the claim committed. Available seen at or above the trigger makes the crossing's cause
 * `drop` (a later fall below it is one); the top-up claimed keeps its crossing's cause for its notice.
 */
export async function checkTopup(db: Db, accountId: string): Promise<CheckOutcome> {
	return db.orm.transaction(async (tx) => {
		const [rule] = await tx.select().from(topupRules).where(and(eq(topupRules.accountId, accountId), eq(topupRules.enabled, true))).for('update');
		if (!rule) return 'none';
		const { available, unlimited } = await availableNow(tx, accountId);
		if (unlimited || available >= rule.belowTokens) {
			if (rule.armed) {
				if (rule.crossingCause !== 'drop') await tx.update(topupRules).set({ crossingCause: 'drop' }).where(eq(topupRules.accountId, accountId));
				return 'none';
			}
			await tx.update(topupRules).set({ armed: true, crossing: sql`${topupRules.crossing} + 1`, crossingCause: 'drop' }).where(eq(topupRules.accountId, accountId));
			return 'rearmed';
		}
		if (!rule.armed) return 'none';
		const product = await getProduct(tx, rule.productId);
		if (holdBack(rule, await monthUse(tx, accountId, product.currency), product.priceCents)) return 'held';
		const [made] = await tx
			.insert(topups)
			.values({
				accountId, crossing: rule.crossing, productId: product.id, productName: product.name, contents: product.grants.map((g) => ({ model: g.model, tokens: g.tokens })),
				amountCents: product.priceCents, currency: product.currency, available, cause: rule.crossingCause, status: 'claimed'
			})
			.onConflictDoNothing()
			.returning({ id: topups.id });
		await tx.update(topupRules).set({ armed: false }).where(eq(topupRules.accountId, accountId));
		if (!made) return 'none';
		await enqueue(tx, CHARGE_JOB, { topupId: made.id }, { key: made.id, maxAttempts: 3 });
		return 'claimed';
	});
}

/** Of the accounts given, those with an auto top-up rule on (one read; most accounts have none). */
export async function accountsWithRules(exec: Executor, accountIds?: string[]): Promise<string[]> {
	const rows = await queryRows<{ account_id: string }>(
		exec,
		accountIds
			? sql`select account_id from topup_rules where enabled and account_id = any(${uuidArray(accountIds)})`
			: sql`select account_id from topup_rules where enabled order by account_id`
	);
	return rows.map((r) => r.account_id);
}

/** Checks each of these accounts (those with a rule on); returns how many top-ups were claimed. */
export async function checkTopups(db: Db, accountIds?: string[]): Promise<{ checked: number; claimed: number }> {
	const ids = await accountsWithRules(db.orm, accountIds);
	let claimed = 0;
	for (const id of ids) if ((await checkTopup(db, id)) === 'claimed') claimed++;
	return { checked: ids.length, claimed };
}
