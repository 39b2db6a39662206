import { describe, expect, it } from 'vitest';
import { levelOfLeft } from '../../src/lib/share-level';
import { levelOf } from '../../src/lib/server/ledger/share';

// Every bar (a balance's allocations and allowances, a cap's line on the dashboard, a team pool's and
// a member's daily cap) and a balance's badge turn yellow and red at the same points.
describe('the level of what is left', () => {
	it('is red with nothing left (or less: a cap lowered after use), yellow below the share, green from it', () => {
		expect(levelOfLeft(0, 12_200, 20)).toBe('empty');
		expect(levelOfLeft(-5, 100, 20)).toBe('empty');
		expect(levelOfLeft(160, 12_200, 20)).toBe('low');
		expect(levelOfLeft(2_439, 12_200, 20)).toBe('low');
		expect(levelOfLeft(2_440, 12_200, 20)).toBe('ok');
		expect(levelOfLeft(500, 1_000, 50)).toBe('ok');
		expect(levelOfLeft(499, 1_000, 50)).toBe('low');
	});

	it('is a balance’s level for the same figures', () => {
		for (const left of [0, 1, 39, 40, 41, 200]) {
			const b = { allocations: [], allowances: [{ module: 'text', name: 'Text', period: 'daily' as const, limit: 200, used: 200 - left, resetsAt: null, message: '', features: [] }], held: 0, heldLots: 0 };
			expect(levelOf(b, 20)).toBe(levelOfLeft(left, 200, 20));
		}
	});
});
