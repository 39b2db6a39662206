import lockfile from 'proper-lockfile';
import { logFailure } from '../log';

/**
 * Holds the embedded database's directory for this process: two processes on one PGlite directory
 * (a second `npm start` beside the first) would each write the same files and corrupt them. The lock
 * is `<dir>.lock` (proper-lockfile: an atomic mkdir, its time renewed every 2.5 s, taken over once 10 s
 * old, so a process that died holds it no longer than that). Throws an Error that says what to do when another
 * process holds it; resolves to the release function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
	try {
		return await lockfile.lock(dir, {
			realpath: false,
			lockfilePath: `${dir}.lock`,
			stale: 10_000,
			update: 2_500,
			// The lock's renewal failed (its directory removed, a disk full): said, and the database kept open.
			onCompromised: (e) => logFailure('db', `the lock of the embedded database in ${dir} was lost`, e)
		});
	} catch (e) {
		if ((e as { code?: string }).code !== 'ELOCKED') throw e;
		throw new Error(
			`The embedded database in ${dir} is in use by another process (is Quota already running? ` +
				'Stop it first, or set PGLITE_DIR to another folder for a second copy; one that stopped abruptly frees it within 10 s).'
		);
	}
}
