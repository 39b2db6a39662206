import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/lib/server/db';
import { startSchedule } from '../../src/lib/server/schedule';

/** postgres.js's refusal as drizzle passes it on: a query error whose cause is the socket's ECONNREFUSED. */
function refused() {
	const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', query: 'update scheduled_jobs …' });
	return new Error('Failed query: update scheduled_jobs …', { cause: socket });
}

afterEach(() => vi.restoreAllMocks());

describe('the schedule while its database is unreachable', () => {
	it('says so once, and once again when it answers, instead of a failure with its stack at each poll', async () => {
		let down = true;
		const db = {
			orm: { execute: async () => [] },
			rows: async () => {
				if (down) throw refused();
				return [];
			},
			listen: async () => async () => {}
		} as unknown as Db;
		const log = vi.spyOn(console, 'log').mockImplementation(() => {});
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const error = vi.spyOn(console, 'error').mockImplementation(() => {});
		const schedule = await startSchedule(db, [], { pollMs: 60_000 });
		for (let i = 0; i < 5; i++) await schedule.runDue();
		expect(error).not.toHaveBeenCalled();
		expect(warn.mock.calls).toEqual([['[schedule] the database is unreachable (ECONNREFUSED): due jobs wait until it answers']]);
		down = false;
		await schedule.runDue();
		await schedule.runDue();
		expect(log.mock.calls).toEqual([['[schedule] the database answers again: due jobs run']]);
		await schedule.stop();
	});

	it('still logs any other failure to claim, with its reference', async () => {
		const db = {
			orm: { execute: async () => [] },
			rows: async () => {
				throw Object.assign(new Error('permission denied for table scheduled_jobs'), { code: '42501', severity: 'ERROR' });
			},
			listen: async () => async () => {}
		} as unknown as Db;
		const error = vi.spyOn(console, 'error').mockImplementation(() => {});
		const schedule = await startSchedule(db, [], { pollMs: 60_000 });
		await schedule.runDue();
		expect(error.mock.calls[0]![0]).toMatch(/^\[schedule\] claiming due jobs failed \(ref [0-9a-f]{8}\): Error 42501\n/);
		await schedule.stop();
	});
});
