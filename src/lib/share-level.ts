import type { Level } from './server/ledger/types';

/**
 * Green / yellow / red for `left` of `max` tokens: 'empty' when none is left, 'low' below
 * `sharePercent` % of `max`, 'ok' otherwise. The one rule of a balance's level (ledger/share.ts)
 * and of every meter, a cap's included, so a bar turns yellow where the alerts and the badges do.
 */
export const levelOfLeft = (left: number, max: number, sharePercent: number): Level => (left <= 0 ? 'empty' : left * 100 < max * sharePercent ? 'low' : 'ok');
