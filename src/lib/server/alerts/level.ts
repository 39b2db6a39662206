import { levelOf, type Balances, type Level } from '../ledger';

/** Worse levels rank higher: a move up is a crossing to alert, a move down re-arms. */
export const levelRank: Record<Level, number> = { ok: 0, low: 1, empty: 2 };

/**
 * The level one recipient is alerted at: the dashboard's level at their own threshold, except that
 * an account that never had tokens is never told it is "out of tokens".
 */
export function alertLevel(b: Pick<Balances, 'available' | 'allocations'>, sharePercent: number, hadTokens: boolean): Level {
	return hadTokens ? levelOf(b, sharePercent) : 'ok';
}
