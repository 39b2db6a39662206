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

/** Whether the app can reach its database, with the app version. Bounded by the driver's connect timeout. */
export async function health(): Promise<HealthReport> {
	const started = performance.now();
	try {
		const db = await getDb();
		await db.rows(sql`select 1`);
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
