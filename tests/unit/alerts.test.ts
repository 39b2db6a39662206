import { describe, expect, it, vi } from 'vitest';
import { compareDepth, decide, measuredShare, stageOf, DEFAULT_STEPS, type Recorded } from '../../src/lib/server/alerts/level';
import { allocationShare, levelOf, type AllocationShare } from '../../src/lib/server/ledger/share';
import { batchKeys } from '../../src/lib/server/alerts/watcher';

const lot = (remaining: number, amount: number, extra: { unlimited?: boolean; model?: string | null } = {}) => ({
	model: extra.model ?? null,
	name: 'General balance',
	engine: null,
	remaining,
	amount,
	unlimited: extra.unlimited ?? false,
	expiresAt: null,
	expiringTokens: null,
	parts: []
});

const allowance = (used: number, limit: number | null) => ({
	module: 'chat',
	name: 'Chatbot',
	used,
	limit,
	period: 'daily' as const,
	resetsAt: null,
	message: '',
	features: ['Chatbot reply']
});
const steps = DEFAULT_STEPS;
const at = (left: number, base: number, extra: Partial<AllocationShare> = {}): AllocationShare => ({ left, base, unlimited: false, allowanceBase: 0, ...extra });
/** The stage an evaluation finds after a change, as evaluate.ts works it out: the share measured by the base before it. */
const stage = (recorded: Recorded | null, s: AllocationShare) => stageOf(measuredShare(recorded, s), steps, true);

describe('the allocation a share is of', () => {
	it('is what the live lots were granted plus the allowance limits; left counts lots, allowances and held tokens', () => {
		expect(allocationShare({ allocations: [lot(300, 1000), lot(50, 200, { model: 'gpt-5-nano' })], allowances: [allowance(400, 1000)], held: 25, heldLots: 0 })).toEqual({
			base: 2200,
			left: 300 + 50 + 600 + 25,
			unlimited: false,
			allowanceBase: 1000
		});
		// An unlimited allowance or model lot adds nothing countable; unlimited general tokens pass no step.
		expect(allocationShare({ allocations: [lot(0, 0, { unlimited: true, model: 'claude' })], allowances: [allowance(10, null)], held: 0, heldLots: 0 })).toEqual({ base: 0, left: 0, unlimited: false, allowanceBase: 0 });
		expect(allocationShare({ allocations: [lot(0, 0, { unlimited: true })], allowances: [], held: 0, heldLots: 0 }).unlimited).toBe(true);
	});

	it('gives the dashboard its colour: yellow strictly below the share, red when nothing is left', () => {
		const b = (remaining: number, used: number) => ({ allocations: [lot(remaining, 800)], allowances: [allowance(used, 200)], held: 0, heldLots: 0 });
		expect(levelOf(b(200, 200), 20)).toBe('ok');
		expect(levelOf(b(199, 200), 20)).toBe('low');
		// No purchased tokens left but a quarter of the free allowance still there: not "no tokens left".
		expect(levelOf({ allocations: [], allowances: [allowance(150, 200)], held: 0, heldLots: 0 }, 20)).toBe('ok');
		expect(levelOf({ allocations: [], allowances: [allowance(200, 200)], held: 0, heldLots: 0 }, 20)).toBe('empty');
	});
});

describe('the alert stage of an allocation', () => {
	it('is the deepest step strictly passed: 20%, 10%, 5%, then depleted', () => {
		expect(stageOf(at(200, 1000), steps, true)).toBe('ok');
		expect(stageOf(at(199, 1000), steps, true)).toBe('share:20');
		expect(stageOf(at(100, 1000), steps, true)).toBe('share:20');
		expect(stageOf(at(99, 1000), steps, true)).toBe('share:10');
		expect(stageOf(at(49, 1000), steps, true)).toBe('share:5');
		expect(stageOf(at(0, 1000), steps, true)).toBe('depleted');
		// Nothing left is past every share step, also with "depleted" turned off.
		expect(stageOf(at(0, 0), { shares: [30, 15], tokens: [], depleted: false }, true)).toBe('share:15');
		expect(stageOf(at(0, 0), { shares: [], tokens: [], depleted: false }, true)).toBe('ok');
	});

	it('never tells an account that never had tokens nor an allowance, or has unlimited general tokens', () => {
		expect(stageOf(at(0, 0), steps, false)).toBe('ok');
		expect(stageOf(at(0, 500, { unlimited: true }), steps, true)).toBe('ok');
		// A used-up allowance is an allocation run out, even without a lot ever.
		expect(stageOf(at(0, 500), steps, false)).toBe('depleted');
	});

	it('alerts a deeper stage once, the deepest when several steps pass at once', () => {
		expect(decide(null, 'share:20', at(150, 1000))).toEqual({ stage: 'share:20', tokensLeft: 150, base: 1000, lastBase: 1000, lastAllowanceBase: 0, alert: true, rearm: false });
		expect(decide({ stage: 'share:20', tokensLeft: 150, base: 1000, lastBase: 1000 }, 'share:20', at(120, 1000))).toBeNull();
		expect(decide({ stage: 'share:20', tokensLeft: 150, base: 1000, lastBase: 1000 }, 'depleted', at(0, 1000))).toMatchObject({ stage: 'depleted', alert: true });
		expect(compareDepth('share:5', 'share:10', 1000)).toBe(1);
	});

	it('re-arms only when more tokens are left than at the crossing (a top-up), not when a spent lot leaves the base', () => {
		// 90 of 1,000 left (below 10%), then the spent lot drops out: measured by the 1,000 before, still below 10%; the base now is kept.
		const crossed: Recorded = { stage: 'share:10', tokensLeft: 90, base: 1000, lastBase: 1000 };
		expect(decide(crossed, stage(crossed, at(90, 0)), at(90, 0))).toEqual({ stage: 'share:10', tokensLeft: 90, base: 1000, lastBase: 0, lastAllowanceBase: 0, alert: false, rearm: false });
		// The next spend is measured by what is left of the base (0): the share looks healthy; keep the stage, lower the mark.
		const gone: Recorded = { stage: 'share:10', tokensLeft: 90, base: 1000, lastBase: 0 };
		expect(decide(gone, stage(gone, at(80, 0)), at(80, 0))).toEqual({ stage: 'share:10', tokensLeft: 80, base: 1000, lastBase: 0, lastAllowanceBase: 0, alert: false, rearm: false });
		expect(decide({ ...gone, tokensLeft: 80 }, 'ok', at(80, 0))).toBeNull();
		// A top-up: back above the steps, re-armed.
		expect(decide({ ...gone, tokensLeft: 80 }, 'ok', at(5080, 6000))).toEqual({ stage: 'ok', tokensLeft: 5080, base: 6000, lastBase: 6000, lastAllowanceBase: 0, alert: false, rearm: true });
		expect(decide({ stage: 'depleted', tokensLeft: 0, base: null, lastBase: null }, 'share:10', at(60, 1000))).toMatchObject({ stage: 'share:10', rearm: true });
	});

	it('measures a spend that uses up a lot by the base before it: 34,405 of 60,000 to 5,405 of the 20,000 left passes 20% and 10%', () => {
		const before: Recorded = { stage: 'ok', tokensLeft: 34_405, base: 60_000, lastBase: 60_000 };
		const after = at(5_405, 20_000);
		expect(measuredShare(before, after)).toEqual(at(5_405, 60_000));
		expect(stage(before, after)).toBe('share:10');
		// One alert, for the lowest step passed; the base now is the one the next change is measured by.
		expect(decide(before, stage(before, after), after)).toEqual({ stage: 'share:10', tokensLeft: 5_405, base: 60_000, lastBase: 20_000, lastAllowanceBase: 0, alert: true, rearm: false });
		const crossed: Recorded = { stage: 'share:10', tokensLeft: 5_405, base: 60_000, lastBase: 20_000 };
		expect(decide(crossed, stage(crossed, at(4_405, 20_000)), at(4_405, 20_000))).toMatchObject({ stage: 'share:10', tokensLeft: 4_405, alert: false, rearm: false });
		expect(decide(crossed, stage(crossed, at(999, 20_000)), at(999, 20_000))).toMatchObject({ stage: 'share:5', alert: true });
		// A grant grows the base: the base now measures it, and a record without one kept measures by its stage's.
		expect(measuredShare(before, at(94_405, 100_000)).base).toBe(100_000);
		expect(measuredShare({ ...before, lastBase: null }, after).base).toBe(60_000);
		expect(measuredShare(null, after).base).toBe(20_000);
	});
});

describe('fixed-number steps beside shares', () => {
	const mixed = { shares: [20], tokens: [500, 100], depleted: true };

	it('pass strictly below the number of tokens: exactly at the step is not below it', () => {
		const t = { shares: [], tokens: [500], depleted: true };
		expect(stageOf(at(500, 10_000), t, true)).toBe('ok');
		expect(stageOf(at(499, 10_000), t, true)).toBe('tokens:500');
		// With no allocation at all (only lots spent and gone), a token step still passes.
		expect(stageOf(at(1, 0), t, true)).toBe('tokens:500');
		expect(stageOf(at(0, 10_000), t, true)).toBe('depleted');
	});

	it('order with shares by the tokens they stand for in the current allocation', () => {
		// 20% of 10,000 is 2,000: the share is passed first, then 500, then 100 tokens.
		expect(stageOf(at(2_000, 10_000), mixed, true)).toBe('ok');
		expect(stageOf(at(1_999, 10_000), mixed, true)).toBe('share:20');
		expect(stageOf(at(499, 10_000), mixed, true)).toBe('tokens:500');
		expect(stageOf(at(99, 10_000), mixed, true)).toBe('tokens:100');
		// 20% of 1,000 is 200: now 500 tokens comes first and the share lies between 500 and 100.
		expect(stageOf(at(499, 1_000), mixed, true)).toBe('tokens:500');
		expect(stageOf(at(199, 1_000), mixed, true)).toBe('share:20');
		expect(compareDepth('tokens:100', 'share:20', 1_000)).toBe(1);
		expect(compareDepth('share:10', 'tokens:100', 1_000)).toBe(0 - compareDepth('tokens:100', 'share:10', 1_000));
	});

	it('alert a token step once per crossing and re-arm it with a top-up', () => {
		expect(decide({ stage: 'ok', tokensLeft: 600, base: null, lastBase: null }, 'tokens:500', at(499, 10_000))).toMatchObject({ stage: 'tokens:500', alert: true });
		expect(decide({ stage: 'tokens:500', tokensLeft: 499, base: 10_000, lastBase: 10_000 }, 'tokens:500', at(300, 10_000))).toBeNull();
		expect(decide({ stage: 'tokens:500', tokensLeft: 300, base: 10_000, lastBase: 10_000 }, 'ok', at(5_300, 15_000))).toMatchObject({ stage: 'ok', rearm: true });
	});

	it('compare a share passed in a larger allocation by the tokens it stood for then, not after spent lots left it', () => {
		// Below 25% of 1,100 (275 tokens) with 199 left; the 1,000-token lot is then spent and leaves:
		// 25% of the remaining 100 would be 25 tokens, yet dropping below 100 tokens is the next step down.
		const recorded: Recorded = { stage: 'share:25', tokensLeft: 199, base: 1_100, lastBase: 100 };
		expect(decide(recorded, 'tokens:100', at(99, 100))).toMatchObject({ stage: 'tokens:100', alert: true, lastBase: 100 });
		// Two shares compare by percent whatever the allocation: no second "below 25%".
		expect(decide(recorded, 'share:25', at(20, 100))).toBeNull();
	});
	it('measure a lowered free allowance by its new limit: a role change is no use of tokens; a spent lot still is', () => {
		// 5,100 tokens in lots and a 77,777-token allowance of the role, unused; moved to a role with 10,000.
		const before: Recorded = { stage: 'ok', tokensLeft: 82_877, base: 82_877, lastBase: 82_877, lastAllowanceBase: 77_777 };
		const after = at(15_100, 15_100, { allowanceBase: 10_000 });
		expect(measuredShare(before, after).base).toBe(15_100);
		expect(stage(before, after)).toBe('ok');
		expect(decide(before, stage(before, after), after)).toEqual({ stage: 'ok', tokensLeft: 82_877, base: 82_877, lastBase: 15_100, lastAllowanceBase: 10_000, alert: false, rearm: false });
		// Kept before the allowance's part was (null): the whole base before counts, as it did.
		expect(measuredShare({ ...before, lastAllowanceBase: null }, after).base).toBe(82_877);
		// A 30,000-token lot used up beside a 10,000-token allowance: the lots' part before still measures the drop.
		const spent: Recorded = { stage: 'ok', tokensLeft: 44_405, base: 60_000, lastBase: 60_000, lastAllowanceBase: 10_000 };
		expect(measuredShare(spent, at(15_405, 30_000, { allowanceBase: 10_000 })).base).toBe(60_000);
		expect(stage(spent, at(15_405, 30_000, { allowanceBase: 10_000 }))).toBe('ok');
		expect(stage(spent, at(5_405, 30_000, { allowanceBase: 10_000 }))).toBe('share:10');
	});
});

describe('batching evaluations of changed accounts', () => {
	const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

	it('checks a burst once, each account once, and what changes during a batch in exactly one more', async () => {
		const batches: string[][] = [];
		let release: () => void = () => {};
		const q = batchKeys(async (keys) => {
			batches.push(keys.sort());
			if (batches.length === 1) await new Promise<void>((r) => (release = r));
		}, 5);
		for (let i = 0; i < 10; i++) q.poke('a');
		q.poke('b');
		// Waited for, not slept on: a busy machine runs the 5 ms timer late.
		await vi.waitFor(() => expect(batches).toEqual([['a', 'b']]));
		// Changes while the first batch runs: one more batch after it, with each account once.
		q.poke('a');
		q.poke('c');
		q.poke('a');
		await tick(30);
		expect(batches).toHaveLength(1);
		release();
		await vi.waitFor(() => expect(batches).toEqual([['a', 'b'], ['a', 'c']]));
		await q.stop();
	});

	it('drops waiting changes when stopped', async () => {
		const batches: string[][] = [];
		const q = batchKeys(async (keys) => void batches.push(keys), 20);
		q.poke('a');
		await q.stop();
		q.poke('b');
		await tick(40);
		expect(batches).toEqual([]);
	});

	it('lets a batch under way finish before stop resolves (shutdown closes the database after it)', async () => {
		let started = false;
		let finished = false;
		const q = batchKeys(async () => {
			started = true;
			await tick(30);
			finished = true;
		}, 1);
		q.poke('a');
		await vi.waitFor(() => expect(started).toBe(true));
		await q.stop();
		expect(finished).toBe(true);
	});
});
