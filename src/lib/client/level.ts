import type { Level } from '$lib/server/ledger/types';

export type { Level };

/** Green / yellow / red in words (colour is never the only signal). */
export const levelLabel: Record<Level, string> = { ok: 'Enough tokens', low: 'Running low', empty: 'No tokens left' };

/** levelLabel, except that an account that was never granted tokens has none "yet", not none "left". */
export function balanceLabel(b: { level: Level; everGranted: boolean }): string {
	return b.level === 'empty' && !b.everGranted ? 'No tokens yet' : levelLabel[b.level];
}
