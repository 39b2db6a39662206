import { describe, expect, it } from 'vitest';
import { runWhileHeld } from '../../src/lib/server/db/roles';

/** A role that records when it runs. */
function recorded() {
	const log: string[] = [];
	return { log, role: { start: async () => (log.push('start'), async () => void log.push('stop')) } };
}

describe('a part run by one app process at a time (db/roles.ts)', () => {
	it('starts the part while its process holds the role, stops it when the hold is lost, and starts it again once retaken', async () => {
		const answers = [true, true, false, false, true];
		let checks = 0;
		const { log, role } = recorded();
		const stop = await runWhileHeld(role, async () => answers[Math.min(checks++, answers.length - 1)]!, async () => void log.push('released'), { beatMs: 5 });
		// The first check is done before it resolves: a process that took the role has started its part.
		expect(log).toEqual(['start']);
		await expect.poll(() => checks, { timeout: 2000 }).toBeGreaterThanOrEqual(answers.length + 1);
		await stop();
		expect(log).toEqual(['start', 'stop', 'start', 'stop', 'released']);
	});

	it('runs nothing where another process holds the role, and a failed check (the database unreachable) counts as not held', async () => {
		const { log, role } = recorded();
		let checks = 0;
		const stop = await runWhileHeld(role, async () => (checks++ === 0 ? false : Promise.reject(new Error('connection refused'))), async () => {}, { beatMs: 5 });
		await expect.poll(() => checks, { timeout: 2000 }).toBeGreaterThanOrEqual(3);
		await stop();
		expect(log).toEqual([]);
	});
});

describe('a part that fails to start', () => {
	it('is said and started again at the next beat, with no rejection left unawaited', async () => {
		let starts = 0;
		const role = { start: async () => (++starts === 1 ? Promise.reject(new Error('LISTEN refused')) : async () => {}) };
		const stop = await runWhileHeld(role, async () => true, async () => {}, { beatMs: 5 });
		await expect.poll(() => starts, { timeout: 2000 }).toBe(2);
		await stop();
	});
});
