import { sql } from 'drizzle-orm';
import { getDb } from './db';
import pkg from '../../../package.json' with { type: 'json' };

export interface HealthReport {
	ok: boolean;
	version: string;
	database: { ok: boolean; kind?: string; latencyMs?: number; error?: string };
}

/** Whether the app can reach its database, with the app version. */
export async function health(): Promise<HealthReport> {
	const started = performance.now();
	try {
		const db = await getDb();
		await db.rows(sql`select 1`);
		return {
			ok: true,
			version: pkg.version,
			database: { ok: true, kind: db.kind, latencyMs: Math.round(performance.now() - started) }
		};
	} catch (error) {
		return {
			ok: false,
			version: pkg.version,
			database: { ok: false, error: error instanceof Error ? error.message.split('\n')[0] : String(error) }
		};
	}
}
