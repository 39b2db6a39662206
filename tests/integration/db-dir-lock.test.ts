import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openPglite } from '../../src/lib/server/db/client';

const root = mkdtempSync(join(tmpdir(), 'quota-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('one process at a time on an embedded database directory (db/dir-lock.ts)', () => {
	it('refuses a second opening while the first is open, saying what to do, and opens again once it is closed', async () => {
		const dir = join(root, 'pglite');
		const first = await openPglite(dir);
		await expect(openPglite(dir)).rejects.toThrow(`The embedded database in ${dir} is in use by another process (is Quota already running?`);
		await first.close();
		const again = await openPglite(dir);
		await expect(again.rows<{ one: number }>(sql`select 1 as one`)).resolves.toEqual([{ one: 1 }]);
		await again.close();
	});

	it('takes over the lock of a process that died (not renewed for longer than 10 s)', async () => {
		const dir = join(root, 'pglite-crashed');
		mkdirSync(`${dir}.lock`, { recursive: true });
		const old = new Date(Date.now() - 60_000);
		utimesSync(`${dir}.lock`, old, old);
		const db = await openPglite(dir);
		await db.close();
	});
});
