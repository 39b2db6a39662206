import { describe, expect, it } from 'vitest';
import { cappedBadge } from '../../src/lib/client/level';

// A team's pool on its Team page: the badge beside its tokens says what holds its use, the tokens or a cap.
describe('cappedBadge', () => {
	const pool = { level: 'ok' as const, everGranted: true };

	it('says the tokens while no cap leaves less than its low share', () => {
		expect(cappedBadge(pool, [], 20)).toEqual({ level: 'ok', label: 'Enough tokens' });
		expect(cappedBadge(pool, [{ left: 2_000, limit: 10_000 }], 20)).toEqual({ level: 'ok', label: 'Enough tokens' });
	});

	it('says the cap once it leaves less, as its bar colours it: running low under the low share, reached at none', () => {
		expect(cappedBadge(pool, [{ left: 1_999, limit: 10_000 }], 20)).toEqual({ level: 'low', label: 'Cap running low' });
		expect(cappedBadge(pool, [{ left: 5, limit: 10_000 }, { left: 0, limit: 500 }], 20)).toEqual({ level: 'empty', label: 'Cap reached' });
	});

	it('keeps the tokens’ words when they are as tight or tighter', () => {
		expect(cappedBadge({ level: 'empty', everGranted: true }, [{ left: 0, limit: 500 }], 20)).toEqual({ level: 'empty', label: 'No tokens left' });
		expect(cappedBadge({ level: 'low', everGranted: true }, [{ left: 5, limit: 10_000 }], 20)).toEqual({ level: 'low', label: 'Running low' });
		expect(cappedBadge({ level: 'empty', everGranted: false }, [], 20)).toEqual({ level: 'empty', label: 'No tokens yet' });
	});
});
