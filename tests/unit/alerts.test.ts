import { describe, expect, it } from 'vitest';
import { alertLevel } from '../../src/lib/server/alerts/level';
import { coalescePerKey } from '../../src/lib/server/alerts/watcher';

const lot = (remaining: number, amount: number, extra: { unlimited?: boolean; model?: string | null } = {}) => ({
	model: extra.model ?? null,
	name: 'All models',
	engine: null,
	remaining,
	amount,
	unlimited: extra.unlimited ?? false,
	expiresAt: null
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

describe('coalescing evaluations per account', () => {
	const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

	it('runs once for a burst, once more for pokes during a run, and keeps keys apart', async () => {
		const runs: string[] = [];
		let release: () => void = () => {};
		const q = coalescePerKey(async (key) => {
			runs.push(key);
			if (key === 'a' && runs.filter((k) => k === 'a').length === 1) await new Promise<void>((r) => (release = r));
		}, 5);
		for (let i = 0; i < 10; i++) q.poke('a');
		q.poke('b');
		await tick(30);
		expect(runs.sort()).toEqual(['a', 'b']);
		// Pokes while "a" runs: exactly one more run after it.
		q.poke('a');
		q.poke('a');
		release();
		await tick(30);
		expect(runs.filter((k) => k === 'a')).toHaveLength(2);
		q.stop();
	});

	it('drops waiting runs when stopped', async () => {
		const runs: string[] = [];
		const q = coalescePerKey(async (key) => void runs.push(key), 20);
		q.poke('a');
		await q.stop();
		q.poke('b');
		await new Promise((r) => setTimeout(r, 40));
		expect(runs).toEqual([]);
	});

	it('lets a run under way finish before stop resolves (shutdown closes the database after it)', async () => {
		let finished = false;
		const q = coalescePerKey(async () => {
			await new Promise((r) => setTimeout(r, 30));
			finished = true;
		}, 1);
		q.poke('a');
		await new Promise((r) => setTimeout(r, 10));
		await q.stop();
		expect(finished).toBe(true);
	});
});
