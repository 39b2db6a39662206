import { sql } from 'drizzle-orm';
import type { Db, Executor } from '../db';
import { queryRows } from '../db/client';
import { isTransaction, notifyAfterCommit } from '../db/notices';
import { DomainError } from '../errors';

/** The NOTIFY channel that wakes every process's runner when a one-off job is queued (payload: its name). */
export const JOBS_CHANNEL = 'quota_jobs';

/** What a job's handler gets. */
export interface JobContext {
	db: Db;
	/** A one-off job's payload; a recurring job's state as it last saved it (null at first). */
	payload: unknown;
	/** Keeps a recurring job's state (a cursor) for its next run, while this run still holds the job. */
	saveState(state: unknown): Promise<void>;
	/** 1 for the first try; a job re-run after its lease expired counts that try too. */
	attempt: number;
	/** Aborted when the process shuts down: stop early, the job runs again after its lease. */
	signal: AbortSignal;
}

/**
 * One kind of scheduled work. Handlers run at least once per due time and must be idempotent: a
 * process that dies mid-job leaves its lease to expire, and another process runs the job again.
 */
export interface JobDefinition {
	/** Unique, dotted by domain: `ledger.sweep`, `webhooks.deliver`. */
	name: string;
	/** Recurring: seconds between the end of one run and the start of the next. Omit for one-off jobs. */
	everySeconds?: number;
	/** How long a run may take before another process may take it over (seconds); renewed while it runs. Default 60. */
	leaseSeconds?: number;
	run(ctx: JobContext): Promise<unknown>;
}

/**
 * Makes sure every recurring job has its row (due at once when new); an existing row keeps its
 * next run and takes the definition's interval. Safe when several processes start together.
 */
export async function ensureRecurring(exec: Executor, jobs: JobDefinition[]): Promise<void> {
	for (const j of jobs) {
		if (!j.everySeconds) continue;
		await exec.execute(sql`
			insert into scheduled_jobs (name, key, every_seconds, max_attempts) values (${j.name}, '', ${j.everySeconds}, 1)
			on conflict (name, key) do update set every_seconds = excluded.every_seconds`);
	}
}

export interface EnqueueOptions {
	/** At most one job per name and key: enqueueing the same key again changes nothing. Default: a random key. */
	key?: string;
	/** When it is due (default now). */
	runAt?: Date;
	/** Tries before the job is marked failed (default 5: over about 15 minutes, see retryDelaySeconds). */
	maxAttempts?: number;
}

/**
 * Schedules a one-off job. Pass the transaction that makes the job necessary, so the job exists
 * exactly when that change committed. Returns false when a job with this name and key existed.
 * A job due now wakes the runners at its commit (NOTIFY is delivered only then), so a mail or a
 * push goes out within milliseconds, not at the next poll.
 */
export async function enqueue(exec: Executor, name: string, payload: unknown, opts: EnqueueOptions = {}): Promise<boolean> {
	const rows = await queryRows(
		exec,
		sql`insert into scheduled_jobs (name, key, payload, run_at, max_attempts)
			values (${name}, ${opts.key ?? sql`gen_random_uuid()::text`}, ${JSON.stringify(payload ?? null)}::jsonb,
			        coalesce(${opts.runAt?.toISOString() ?? null}::timestamptz, now()), ${opts.maxAttempts ?? 5})
			on conflict (name, key) do nothing returning id`
	);
	if (rows.length && !opts.runAt) await wake(exec, name);
	return rows.length > 0;
}

/**
 * `enqueue` of many jobs of one name due now, in one statement: each `key` at most once (a key that
 * exists is passed over), `maxAttempts` as enqueue's (default 5). Returns how many were scheduled;
 * wakes the runners once, at the caller's commit, when any was.
 */
export async function enqueueMany(exec: Executor, name: string, jobs: { key: string; payload: unknown; maxAttempts?: number }[]): Promise<number> {
	if (!jobs.length) return 0;
	const rows = jobs.map((j) => ({ key: j.key, payload: j.payload ?? null, max_attempts: j.maxAttempts ?? 5 }));
	const added = await queryRows(
		exec,
		sql`insert into scheduled_jobs (name, key, payload, run_at, max_attempts)
			select ${name}, j.key, j.payload, now(), j.max_attempts
			  from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as j(key text, payload jsonb, max_attempts int)
			on conflict (name, key) do nothing returning id`
	);
	if (added.length) await wake(exec, name);
	return added.length;
}

/** NOTIFYs the runners: inside the caller's transaction (heard at its commit), else right after this commit, batched. */
async function wake(exec: Executor, name: string): Promise<void> {
	if (isTransaction(exec)) await exec.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${name})`);
	else notifyAfterCommit(exec, JOBS_CHANNEL, name);
}

/** Removes a one-off job that has not started yet; returns its payload, or null when there was none waiting (run, running or never queued). */
export async function withdraw(exec: Executor, name: string, key: string): Promise<unknown> {
	const [row] = await queryRows<{ payload: unknown }>(
		exec,
		sql`delete from scheduled_jobs where name = ${name} and key = ${key} and status = 'scheduled' and attempts = 0 and lease_until is null returning payload`
	);
	return row ? row.payload : null;
}

/**
 * Removes the one-off jobs of `name` that wait for a later time (enqueued with a `runAt` still ahead)
 * and have not started; returns their payloads. A job due now is left to run.
 */
export async function withdrawWaiting(exec: Executor, name: string): Promise<unknown[]> {
	const rows = await queryRows<{ payload: unknown }>(
		exec,
		sql`delete from scheduled_jobs where name = ${name} and every_seconds is null and status = 'scheduled' and attempts = 0 and lease_until is null and run_at > now() returning payload`
	);
	return rows.map((r) => r.payload);
}

/**
 * Makes a job due now and wakes the runners at the caller's commit, so a runner starts it within
 * moments: a recurring job runs once at once, then keeps its interval from the end of that run; a
 * one-off job waiting to try again after a failed try tries now. Locks the job's row: pass the
 * transaction that records who asked. Returns the job's name.
 * Errors: `not_found` (no such job); `conflict` while a run holds the job, for a one-off job that is
 * not due yet (it is due when its work is: a hold's expiry) or has ended (done, or gave up: its
 * payload is dropped then, so there is nothing left to run).
 */
export async function makeDue(exec: Executor, jobId: number): Promise<{ name: string; key: string }> {
	const [job] = await queryRows<{ name: string; key: string; recurring: boolean; status: string; failures: number; running: boolean }>(
		exec,
		sql`select name, key, every_seconds is not null as recurring, status, failures, coalesce(lease_until > now(), false) as running
		      from scheduled_jobs where id = ${jobId} for update`
	);
	if (!job) throw new DomainError('not_found', 'No such job.');
	if (job.running) throw new DomainError('conflict', 'This job is running now. Ask again once this run has ended.');
	if (!job.recurring && job.status !== 'scheduled') {
		throw new DomainError('conflict', job.status === 'done' ? 'This job has run: there is nothing left to run.' : 'This job gave up after its tries, and what it had to do is not kept after that, so it cannot run again.');
	}
	if (!job.recurring && Number(job.failures) === 0) throw new DomainError('conflict', 'This job is not due yet: it runs when its work is due.');
	await exec.execute(sql`update scheduled_jobs set run_at = now() where id = ${jobId}`);
	await wake(exec, job.name);
	return { name: job.name, key: job.key };
}
