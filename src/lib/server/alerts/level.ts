import type { Balances, Level } from '../ledger';

/** Worse levels rank higher: a move up is a crossing to alert, a move down re-arms. */
export const levelRank: Record<Level, number> = { ok: 0, low: 1, empty: 2 };

/**
 * The level one recipient is alerted at. The allocation is what the account's live lots were
 * granted (a lot drops out once spent), so free allowances never make a balance look low, and an
 * account that never had tokens is never "out of tokens".
 */
export function alertLevel(b: Pick<Balances, 'available' | 'allocations'>, sharePercent: number, hadTokens: boolean): Level {
	if (!hadTokens || b.allocations.some((a) => a.unlimited && a.model === null)) return 'ok';
	if (b.available <= 0) return 'empty';
	const allocation = b.allocations.reduce((n, a) => n + (a.unlimited ? 0 : a.amount), 0);
	return b.available * 100 < allocation * sharePercent ? 'low' : 'ok';
}
