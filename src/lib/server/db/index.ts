import { config } from '../config';
import { openPglite, openPostgres, type Db } from './client';

export type { Db, Database, Executor } from './client';
export { queryRows, uuidArray } from './client';

let current: Promise<Db> | undefined;

/**
 * The app's database, opened and migrated once per process. A failed opening (the server was
 * unreachable) is not kept: the next call tries again instead of failing for the process's life.
 */
export function getDb(): Promise<Db> {
	if (current) return current;
	const opening = (async () => {
		const cfg = config();
		const db = cfg.DATABASE_URL
			? openPostgres(cfg.DATABASE_URL, { max: cfg.DATABASE_POOL_SIZE })
			: await openPglite(cfg.PGLITE_DIR);
		try {
			await db.migrate();
		} catch (e) {
			await db.close().catch(() => {});
			throw e;
		}
		return db;
	})();
	current = opening;
	opening.catch(() => {
		if (current === opening) current = undefined;
	});
	return opening;
}

/** Closes the app's database (the pool and its LISTEN connection; PGlite flushes to disk). */
export async function closeDb(): Promise<void> {
	const db = current;
	current = undefined;
	if (db) await (await db).close();
}

/** For tests and scripts that bring their own database. */
export function setDb(db: Db) {
	current = Promise.resolve(db);
}
