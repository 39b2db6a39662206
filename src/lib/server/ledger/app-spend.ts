import { mapRead, together, type Read } from '../db/reads';
import { capBoundAvailable, type CapBound } from '../../available-words';
import { spendableRead } from './queries';
import { capLineRead } from './rates';

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
