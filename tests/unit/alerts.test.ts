import { describe, expect, it } from 'vitest';
import { alertLevel } from '../../src/lib/server/alerts/level';
import { batchKeys } from '../../src/lib/server/alerts/watcher';

const lot = (remaining: number, amount: number, extra: { unlimited?: boolean; model?: string | null } = {}) => ({
	model: extra.model ?? null,
	name: 'All models',
	engine: null,
	remaining,
	amount,
	unlimited: extra.unlimited ?? false,
	expiresAt: null,
	parts: []
});

describe('the alert level of a balance', () => {
	it('is low strictly below the share of what the live lots were granted, empty at 0', () => {
		expect(alertLevel({ available: 200, allocations: [lot(200, 1000)] }, 20, true)).toBe('ok');
		expect(alertLevel({ available: 199, allocations: [lot(199, 1000)] }, 20, true)).toBe('low');
		expect(alertLevel({ available: 0, allocations: [] }, 20, true)).toBe('empty');
		// A spent lot drops out: 150 of a fresh 1,000 lot is low whatever was used before.
		expect(alertLevel({ available: 150, allocations: [lot(150, 1000)] }, 20, true)).toBe('low');
		expect(alertLevel({ available: 450, allocations: [lot(450, 1000)] }, 50, true)).toBe('low');
	});

	it('never alerts an account that never had tokens, or has unlimited general tokens', () => {
		expect(alertLevel({ available: 0, allocations: [] }, 20, false)).toBe('ok');
		expect(alertLevel({ available: 0, allocations: [lot(0, 0, { unlimited: true })] }, 20, true)).toBe('ok');
		// Unlimited tokens for one model do not make the general balance unlimited.
		expect(alertLevel({ available: 0, allocations: [lot(0, 0, { unlimited: true, model: 'claude' })] }, 20, true)).toBe('empty');
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
		await tick(30);
		expect(batches).toEqual([['a', 'b']]);
		// Changes while the first batch runs: one more batch after it, with each account once.
		q.poke('a');
		q.poke('c');
		q.poke('a');
		await tick(30);
		expect(batches).toHaveLength(1);
		release();
		await tick(30);
		expect(batches).toEqual([['a', 'b'], ['a', 'c']]);
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
		let finished = false;
		const q = batchKeys(async () => {
			await tick(30);
			finished = true;
		}, 1);
		q.poke('a');
		await tick(10);
		await q.stop();
		expect(finished).toBe(true);
	});
});
