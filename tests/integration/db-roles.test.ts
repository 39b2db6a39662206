import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { ROLE_LOCK_CLASS } from '../../src/lib/server/db/roles';

let db: Db & { url?: string };
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => {
	await db.close();
});

/** An app process's part (a watcher) that records whether it runs, and how often it started. */
function part() {
	const state = { running: false, starts: 0 };
	const role = {
		start: async () => {
			state.running = true;
			state.starts++;
			return async () => void (state.running = false);
		}
	};
	return { state, role };
}

describe('one app process at a time runs a role (alerts and top-ups watch every change: db/roles.ts)', () => {
	// Each backend has its own case (CI fails a skip, so no runIf).
	if (backend === 'pglite') it('runs it at once on the embedded database, which one process owns, until stopped', async () => {
		const p = part();
		const stop = await db.runInOneProcess(11, p.role);
		expect(p.state).toEqual({ running: true, starts: 1 });
		await stop();
		expect(p.state.running).toBe(false);
	});

	if (backend === 'postgres') it('runs it in one of two processes; the other takes over when it stops or loses its session', async () => {
		// A second app process: its own connections to the same database.
		const other = openPostgres(db.url!, { max: 2 });
		const a = part();
		const b = part();
		const stopA = await db.runInOneProcess(12, a.role, { beatMs: 50 });
		let stopB = await other.runInOneProcess(12, b.role, { beatMs: 50 });
		try {
			expect([a.state.running, b.state.running]).toEqual([true, false]);
			await new Promise((r) => setTimeout(r, 300));
			expect([a.state.running, b.state.running]).toEqual([true, false]);
			// The holder stops (a shutdown): the other starts its part within a few beats.
			await stopA();
			await expect.poll(() => b.state.running, { timeout: 3000 }).toBe(true);
			expect(a.state.running).toBe(false);
			// The holder's session ends (a lost connection, the server restarted it): its part stops, and the
			// role, free again, is taken by whoever looks first; one part runs in the end.
			const again = part();
			const stopAgain = await db.runInOneProcess(12, again.role, { beatMs: 50 });
			expect(again.state.running).toBe(false);
			const ended = await db.rows<{ ended: boolean }>(
				sql`select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and classid = ${ROLE_LOCK_CLASS} and objid = 12 and granted`
			);
			expect(ended).toEqual([{ ended: true }]);
			await expect.poll(() => b.state.starts + again.state.starts, { timeout: 5000 }).toBe(2);
			await new Promise((r) => setTimeout(r, 300));
			expect([b.state.running, again.state.running].filter(Boolean)).toHaveLength(1);
			await stopAgain();
		} finally {
			await stopB();
			await other.close();
		}
	});
});
