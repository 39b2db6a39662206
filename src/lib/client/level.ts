import type { Level } from '$lib/server/ledger/types';
import { levelOfLeft } from '$lib/share-level';

export type { Level };

/** Green / yellow / red in words (colour is never the only signal). */
export const levelLabel: Record<Level, string> = { ok: 'Enough tokens', low: 'Running low', empty: 'No tokens left' };

/** levelLabel, except that an account that was never granted tokens has none "yet", not none "left". */
export function balanceLabel(b: { level: Level; everGranted: boolean }): string {
	return b.level === 'empty' && !b.everGranted ? 'No tokens yet' : levelLabel[b.level];
}

const RANK: Record<Level, number> = { ok: 0, low: 1, empty: 2 };

/**
 * The badge of a balance under caps (a team's pool): the tighter of its tokens' level (balanceLabel) and
 * each cap's, what it leaves of its size against the low share (`lowSharePercent`, as its bar colours
 * it), said as the cap's ("Cap running low", "Cap reached", refusal-message.ts' words): a pool with
 * tokens to spare and its cap used up must not say "Enough tokens".
 */
export function cappedBadge(b: { level: Level; everGranted: boolean }, caps: readonly { left: number; limit: number }[], lowSharePercent: number): { level: Level; label: string } {
	let badge = { level: b.level, label: balanceLabel(b) };
	for (const c of caps) {
		const level = levelOfLeft(c.left, c.limit, lowSharePercent);
		if (RANK[level] > RANK[badge.level]) badge = { level, label: level === 'empty' ? 'Cap reached' : 'Cap running low' };
	}
	return badge;
}
