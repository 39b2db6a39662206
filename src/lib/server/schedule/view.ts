import { sql } from 'drizzle-orm';
import type { Executor } from '../db';
import { queryRows } from '../db/client';

/** One row of the admin's jobs view. Times are ISO strings; `running` while a lease is held. */
export interface JobView {
	id: number;
	name: string;
	key: string;
	everySeconds: number | null;
	status: 'scheduled' | 'done' | 'failed';
	running: boolean;
	nextRunAt: string | null;
	lastStartedAt: string | null;
	lastFinishedAt: string | null;
	lastDurationMs: number | null;
	lastError: string | null;
	/** Failures in a row (recurring) or tries that failed (one-off). */
	failures: number;
	attempts: number;
}

/**
 * The schedule as the admin sees it: every recurring job, then the one-off jobs that failed or are
 * still waiting (newest first, at most `limit`). An extra run of a recurring job asked for ahead
 * of its time (the ledger's sweep at a hold's expiry) is part of that job's line unless it failed.
 */
export async function listJobs(exec: Executor, limit = 50): Promise<JobView[]> {
	const rows = await queryRows<Record<string, unknown>>(
		exec,
		sql`(select *, 0 as part from scheduled_jobs where every_seconds is not null)
		    union all
		    (select *, 1 as part from scheduled_jobs j where every_seconds is null and (status <> 'done' or failures > 0)
		        and (failures > 0 or not exists (select 1 from scheduled_jobs r where r.name = j.name and r.every_seconds is not null))
		      order by created_at desc limit ${limit})
		    order by part, name, created_at desc`
	);
	const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
	return rows.map((r) => ({
		id: Number(r.id),
		name: r.name as string,
		key: r.key as string,
		everySeconds: r.every_seconds == null ? null : Number(r.every_seconds),
		status: r.status as JobView['status'],
		running: r.lease_until != null && new Date(r.lease_until as string).getTime() > Date.now(),
		nextRunAt: r.status === 'scheduled' ? iso(r.run_at) : null,
		lastStartedAt: iso(r.last_started_at),
		lastFinishedAt: iso(r.last_finished_at),
		lastDurationMs: r.last_duration_ms == null ? null : Number(r.last_duration_ms),
		lastError: (r.last_error as string | null) ?? null,
		failures: Number(r.failures),
		attempts: Number(r.attempts)
	}));
}

/** Forgets one-off jobs that ended more than `days` ago (done or failed); returns how many. */
export async function pruneJobs(exec: Executor, days = 14): Promise<number> {
	const rows = await queryRows(
		exec,
		sql`delete from scheduled_jobs where every_seconds is null and status <> 'scheduled'
		    and last_finished_at < now() - make_interval(days => ${days}) returning id`
	);
	return rows.length;
}
