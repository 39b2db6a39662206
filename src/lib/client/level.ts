import type { Level } from '$lib/server/ledger/types';

export type { Level };

/** Green / yellow / red in words (colour is never the only signal). */
export const levelLabel: Record<Level, string> = { ok: 'Enough tokens', low: 'Running low', empty: 'No tokens left' };
