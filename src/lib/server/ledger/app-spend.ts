import type { Executor } from '../db/client';
import { readOne } from '../db/reads';
import { consume } from './spend';
import { tightestCapsRead } from './rates';
import type { ConsumeRequest, ConsumeResult } from './types';

/**
 * A use a signed-in person runs from the app (the playground's Run), and `spendable`: what they can
 * still spend on that feature and model now, as a check counts it (POST /api/v1/check's
 * `remaining_after` counts down from it): the consume's `remaining` (its allowance and lots), no more
 * than the tightest cap on their use leaves after it (a member's or the pool's in a team pool, the
 * account's own), so a capped member reads what they can spend, not the pool's. null = unlimited.
 */
export async function consumeAsPerson(exec: Executor, req: ConsumeRequest & { actor: { userId: string } }): Promise<ConsumeResult & { spendable: number | null }> {
	const result = await consume(exec, req);
	const cap = (await readOne(exec, tightestCapsRead(req.accountId, [req.actor.userId], req.actor.userId))).get(req.actor.userId);
	const spendable = cap ? Math.min(result.remaining ?? Infinity, cap.left) : result.remaining;
	return { ...result, spendable };
}
