import { config } from '../config';
import { describeError } from '../log';
import { getDb, type Db } from './index';

/** Node's socket errors a connection attempt fails with (postgres.js passes them on). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECT_TIMEOUT']);

type ErrorLike = { code?: unknown; message?: unknown; severity?: unknown; cause?: unknown };

/** Host, port and database of a postgres:// URL: never its user or password. */
function whereOf(databaseUrl: string): string {
	try {
		const url = new URL(databaseUrl);
		return `${url.hostname}:${url.port || '5432'}${url.pathname === '/' ? '' : url.pathname}`;
	} catch {
		return 'DATABASE_URL';
	}
}

/**
 * The one line an operator reads when the app cannot open its PostgreSQL database at start: where
 * (without the URL's password), why, and what to check. Before, the driver's error escaped the
 * start as an uncaught exception with its stack. A server's refusal at sign-in (SQLSTATE class 28,
 * 3D000: no such database) carries its own sentence, which names a user or a database, never a
 * query; any other failure (a migration's) is described without messages, as every logged failure is.
 */
export function openingFailure(error: unknown, databaseUrl: string): string {
	const where = `PostgreSQL at ${whereOf(databaseUrl)}`;
	for (let e = error as ErrorLike | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as ErrorLike, depth++) {
		const code = typeof e.code === 'string' ? e.code : '';
		if (SOCKET_CODES.has(code)) return `Quota: cannot reach ${where} (${code}). Is the server running, and are DATABASE_URL's host and port right?`;
		if (e.severity !== undefined && (code.startsWith('28') || code === '3D000') && typeof e.message === 'string')
			return `Quota: ${where} refused the connection: ${e.message} (${code}). Check DATABASE_URL.`;
	}
	return `Quota: opening ${where} failed: ${describeError(error)}`;
}

/**
 * The app's database for a start or a script (`npm run reconcile`, `admin:promote`): a PostgreSQL that
 * cannot be reached or refuses the sign-in ends the process with `openingFailure`'s line (an
 * orchestrator restarts it; the driver's stack helps nobody there). The embedded database's
 * failures already say what to do (dir-lock.ts) and are thrown as they are.
 */
export async function getDbOrExit(): Promise<Db> {
	try {
		return await getDb();
	} catch (e) {
		const url = config().DATABASE_URL;
		if (!url) throw e;
		console.error(openingFailure(e, url));
		process.exit(1);
	}
}
