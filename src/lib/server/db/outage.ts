/**
 * Telling "the database cannot be reached right now" apart from every other failure, so the
 * transports answer `503 unavailable` with `Retry-After` (the caller retries the same request,
 * with the same idempotency key) instead of a `500` that reads like a bug.
 */

/** What every transport sends as `Retry-After` while the database is unreachable (seconds). */
export const RETRY_AFTER_SECONDS = 2;

export const UNAVAILABLE_MESSAGE = 'Quota cannot reach its database at the moment. Try again in a few seconds.';

/** postgres.js's own connection errors (its src/errors.js `connection(...)`), and ours. */
const DRIVER_CODES = new Set(['CONNECT_TIMEOUT', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'DATABASE_UNREACHABLE']);

/** Thrown without asking the database while it is known to be unreachable (`Db.reachable()`). */
export class DatabaseUnreachableError extends Error {
	override name = 'DatabaseUnreachableError';
	readonly code = 'DATABASE_UNREACHABLE';
	constructor() {
		super('The database is unreachable.');
	}
}

/** Node's socket errors; they count only when postgres.js rejected a query with them (it sets `query`). */
const SOCKET_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN'
]);

/**
 * PostgreSQL SQLSTATEs of a server that is going away or not there yet: class 08 (connection
 * exception), 57P01 admin_shutdown (`pg_ctl stop -m fast/immediate`), 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up, crash recovery), 53300 too_many_connections.
 * Source: PostgreSQL 15 documentation, Appendix A "PostgreSQL Error Codes".
 */
function isUnavailableSqlState(code: string): boolean {
	return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/** The code that says why the database is unreachable (a driver code or SQLSTATE; never a host or a query), or null. */
export function unavailableCode(error: unknown): string | null {
	for (let e = error as { code?: unknown; cause?: unknown; severity?: unknown } | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as typeof e, depth++) {
		const code = e.code;
		if (typeof code !== 'string') continue;
		if (DRIVER_CODES.has(code) || (SOCKET_CODES.has(code) && 'query' in e)) return code;
		// A SQLSTATE comes with the server's severity (postgres.js's PostgresError, PGlite's DatabaseError).
		if (e.severity !== undefined && isUnavailableSqlState(code)) return code;
	}
	return null;
}

/** Whether `error` (or any error in its `cause` chain: drizzle wraps the driver's) means the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
	return unavailableCode(error) !== null;
}
