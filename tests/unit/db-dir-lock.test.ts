import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from '../../src/lib/server/db/dir-lock';

// The lock alone, on plain directories: opening a PGlite cluster per case cost 15 s a project. That
// openPglite takes it, and a second server on the same data is refused, is the first-run browser test's.
const root = mkdtempSync(join(tmpdir(), 'quota-dir-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('one process at a time on an embedded database directory (db/dir-lock.ts)', () => {
	it('refuses a second hold while the first is held, saying what to do, and holds again once released', async () => {
		const dir = join(root, 'pglite');
		mkdirSync(dir);
		const release = await lockDataDir(dir);
		await expect(lockDataDir(dir)).rejects.toThrow(`The embedded database in ${dir} is in use by another process (is Quota already running?`);
		await release();
		const again = await lockDataDir(dir);
		await again();
	});

	it('takes over the lock of a process that died (not renewed for longer than 10 s)', async () => {
		const dir = join(root, 'pglite-crashed');
		mkdirSync(`${dir}.lock`, { recursive: true });
		const old = new Date(Date.now() - 60_000);
		utimesSync(`${dir}.lock`, old, old);
		const release = await lockDataDir(dir);
		await release();
	});
});
