import type { Executor } from '../db/client';
import { mapRead, readOne, together, type Read } from '../db/reads';
import { capBoundAvailable, type CapBound } from '../../available-words';
import { consume } from './spend';
import { spendableRead } from './queries';
import { capLineRead, tightestCapsRead } from './rates';
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

/**
 * What `userId` can spend of `accountId` now, with the figures and rule their dashboard's Available
 * card reads (the account's `available`, the tightest cap's line, capBoundAvailable): `available`, the
 * account's; `capBound`, when a cap on their use leaves less, what it leaves. One statement; the
 * store's "Tokens added" says it, so a capped member is not told the pool's figure as theirs.
 */
export const viewerAvailableRead = (accountId: string, userId: string): Read<{ available: number; capBound: CapBound | null }> =>
	mapRead(together({ spendable: spendableRead(accountId), capLine: capLineRead(accountId, userId) }), ({ spendable, capLine }) => {
		const bound = capBoundAvailable(spendable.available, capLine);
		return { available: spendable.available, capBound: bound && capLine ? { tokens: bound.tokens, sub: bound.sub, line: capLine.text } : null };
	});
