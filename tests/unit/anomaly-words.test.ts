import { describe, expect, it } from 'vitest';
import { anomalyWords } from '../../src/lib/server/anomalies/words';
import { episodeOf, findings } from '../../src/lib/server/anomalies/rules';
import type { UsePace } from '../../src/lib/server/ledger/use-pace';

const pace = (lastHour: number, baseline: number): UsePace => ({ accountId: 'a', keyId: null, lastHour, baseline, hasHistory: true, refusals: 0, operations: 0, modules: [] });

describe('an unusual-use flag in words', () => {
	it('says how long the tokens left last at the pace, an hour, in minutes under an hour', () => {
		const fast = anomalyWords('depletion', { lastHour: 13_797, baseline: 0, left: 2_000, hoursLeft: 0.1 }, { teamName: null, keyName: null });
		expect(fast).toEqual({
			title: 'Your tokens are going fast',
			body: "At the last hour's pace (13,797 tokens an hour) the 2,000 tokens left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 9 minutes; usually nothing at this time."
		});
		expect(anomalyWords('depletion', { lastHour: 600, baseline: 10, left: 1_500, hoursLeft: 2.5 }, { teamName: 'Acme Studio', keyName: null }).body).toBe(
			"At the last hour's pace (600 tokens an hour) the 1,500 tokens left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 2.5 hours; usually 10 an hour at this time."
		);
		expect(anomalyWords('depletion', { lastHour: 600, baseline: 10, left: 600, hoursLeft: 1 }, { teamName: null, keyName: null }).body).toContain('last about 1 hour;');
	});

	it('still says of a first burst flagged before such bursts stopped being flagged that there was no earlier use to compare it with', () => {
		const first = anomalyWords('depletion', { lastHour: 13_797, baseline: 0, firstUse: true, left: 2_000, hoursLeft: 0.1 }, { teamName: null, keyName: null });
		expect(first.body).toBe("At the last hour's pace (13,797 tokens an hour) the 2,000 tokens left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 9 minutes. There is no earlier use of this account to compare it with.");
	});

	it('says one token as one: "1 token an hour", "the 1 token left"', () => {
		expect(anomalyWords('depletion', { lastHour: 1, baseline: 0, left: 1, hoursLeft: 1 }, { teamName: null, keyName: null }).body).toBe(
			"At the last hour's pace (1 token an hour) the 1 token left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 1 hour; usually nothing at this time."
		);
		// Leo's 1 token left at 21,796 an hour: "about 1 minutes" said it wrong.
		expect(anomalyWords('spike', { lastHour: 21_796, baseline: 0, left: 1, hoursLeft: 0 }, { teamName: null, keyName: null }).body).toBe(
			'21,796 tokens in the last hour; usually nothing at this hour. At this pace the 1 token left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 1 minute.'
		);
		expect(anomalyWords('new_key', { lastHour: 1, baseline: 0, keyCreatedAt: '2026-12-01T22:09:41.000Z' }, { teamName: null, keyName: 'laptop' }).body).toContain('used 1 token in the last hour.');
	});

	it('says, in one notice of unusual use, how long the tokens left last when they are going fast too', () => {
		const burst = anomalyWords('spike', { lastHour: 2_000, baseline: 100, left: 300, hoursLeft: 0.2 }, { teamName: 'Acme Studio', keyName: null });
		expect(burst).toEqual({
			title: "Unusual use of Acme Studio's tokens",
			body: '2,000 tokens in the last hour; usually 100 at this hour. At this pace the 300 tokens left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 9 minutes.'
		});
		expect(anomalyWords('spike', { lastHour: 2_000, baseline: 100 }, { teamName: null, keyName: null }).body).toBe('2,000 tokens in the last hour; usually 100 at this hour.');
	});

	it('writes when a new key was made as the app writes a moment, in UTC', () => {
		const words = anomalyWords('new_key', { lastHour: 1_200, baseline: 0, keyCreatedAt: '2026-12-01T22:09:41.000Z' }, { teamName: 'Maya Patel', keyName: 'laptop' });
		expect(words.title).toBe("A new key is spending Maya Patel's tokens");
		expect(words.body).toBe('The key “laptop”, made Dec 1, 2026, 22:09 UTC, used 1,200 tokens in the last hour. If you did not make it, pause it.');
	});
});

describe('the tokens-going-fast rule', () => {
	it('flags tokens that last under 6 hours at a pace above the usual, but not an account with nothing left', () => {
		expect(findings(pace(600, 10), { left: 330 }).map((f) => f.kind)).toEqual(['depletion']);
		// Run out: the balance alerts (ran out) say so; "the 0 tokens left then for this use (Available on the dashboard, counting only the free allowances of the features it used) would last about 0 hours" said nothing.
		expect(findings(pace(13_797, 0), { left: 0 }).map((f) => f.kind)).not.toContain('depletion');
		expect(findings(pace(600, 10), { left: 10_000 }).map((f) => f.kind)).not.toContain('depletion');
	});
});

describe('an account with no use before the last 24 hours (no usual pace to compare with)', () => {
	const first = (lastHour: number) => ({ ...pace(lastHour, 0), hasHistory: false });

	it('is not told its tokens go fast: a member who just bought a pack and spends it in their first session is no anomaly', () => {
		// 5,000 bought, 1,500 spent in the first hour: gone in about 3 hours at that pace, and no flag.
		expect(findings(first(1_500), { left: 3_500 })).toEqual([]);
		// Nor at any pace, nor with a single token left: pace alone, without history, flags nothing.
		expect(findings(first(13_797), { left: 2_000 })).toEqual([]);
		expect(findings(first(600), { left: 1 })).toEqual([]);
	});

	it('is held to the same rule as a spike, which needs that history too; with it, the same figures are flagged', () => {
		expect(findings(first(5_000), { left: 100_000 })).toEqual([]);
		expect(findings(pace(1_500, 0), { left: 3_500 })).toEqual([{ kind: 'spike', figures: { lastHour: 1_500, baseline: 0, left: 3_500, hoursLeft: 2.3 } }]);
		expect(findings(pace(600, 0), { left: 1_000 })).toEqual([{ kind: 'depletion', figures: { lastHour: 600, baseline: 0, left: 1_000, hoursLeft: 1.7 } }]);
	});

	it('is still told of a burst of refusals, which needs no usual pace', () => {
		expect(findings({ ...first(0), refusals: 20, operations: 25 }, { left: 0 }).map((f) => f.kind)).toEqual(['refusals']);
	});
});

describe('one event, one finding', () => {
	it('a spike of an account whose tokens are going fast is one finding, the spike, with the tokens left and how long they last', () => {
		expect(findings(pace(2_000, 100), { left: 300 })).toEqual([{ kind: 'spike', figures: { lastHour: 2_000, baseline: 100, left: 300, hoursLeft: 0.2 } }]);
		expect(findings(pace(2_000, 100), { left: 1_000_000 })).toEqual([{ kind: 'spike', figures: { lastHour: 2_000, baseline: 100 } }]);
		expect(findings(pace(600, 10), { left: 330 })).toEqual([{ kind: 'depletion', figures: { lastHour: 600, baseline: 10, left: 330, hoursLeft: 0.6 } }]);
	});

	it('counts a spike and tokens going fast as episodes of one event, fast use; the others as their own', () => {
		expect(['spike', 'depletion', 'new_key', 'refusals'].map((k) => episodeOf(k as Parameters<typeof episodeOf>[0]))).toEqual(['fast_use', 'fast_use', 'new_key', 'refusals']);
	});
});
