import { sql } from 'drizzle-orm';
import { getDb } from './db';
import { unavailableCode } from './db/outage';
import pkg from '../../../package.json' with { type: 'json' };

export interface HealthReport {
	ok: boolean;
	version: string;
	/**
	 * `up`: a query answered (with its round trip in ms); `unreachable`: the server cannot be
	 * reached or is going down or starting up; `failing`: it answered with another error. `error`
	 * is a driver code or SQLSTATE, never a message (those name hosts and queries).
	 */
	database: { ok: boolean; state: 'up' | 'unreachable' | 'failing'; kind?: string; latencyMs?: number; error?: string };
}

/**
 * How long /healthz waits for its `select 1` (ms): the driver's connect timeout. A new connection
 * gives up by then on its own; a pooled one to a server that stopped answering (frozen, or its
 * network dropping packets) would wait for TCP, minutes, and the probe with it.
 */
const ANSWER_WITHIN_MS = 2000;

/** Whether the app can reach its database, with the app version, within `withinMs`. */
export async function health(withinMs = ANSWER_WITHIN_MS): Promise<HealthReport> {
	const started = performance.now();
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(Object.assign(new Error('The database did not answer in time.'), { code: 'CONNECT_TIMEOUT' })), withinMs);
	});
	try {
		const query = getDb().then((db) => db.rows(sql`select 1`));
		// The query left behind ends on its own (answered, or failed with its connection).
		query.catch(() => {});
		await Promise.race([query, late]).finally(() => clearTimeout(timer));
		const db = await getDb();
		return {
			ok: true,
			version: pkg.version,
			database: { ok: true, state: 'up', kind: db.kind, latencyMs: Math.round(performance.now() - started) }
		};
	} catch (error) {
		const code = unavailableCode(error);
		const other = (error as { code?: unknown } | null)?.code;
		return {
			ok: false,
			version: pkg.version,
			database: { ok: false, state: code ? 'unreachable' : 'failing', error: code ?? (typeof other === 'string' ? other : 'unknown') }
		};
	}
}
