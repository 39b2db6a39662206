import { sql } from 'drizzle-orm';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db';
import { unavailableCode } from '../db/outage';
import { isDomainError } from '../errors';
import { describeError, logFailure } from '../log';
import { ensureRecurring, JOBS_CHANNEL, type JobDefinition } from './jobs';

interface Claimed {
	id: number;
	name: string;
	payload: unknown;
	every_seconds: number | null;
	attempts: number;
	max_attempts: number;
}

export interface ScheduleOptions {
	/** How often this process looks for due jobs (ms). Default 1000; a one-off job queued for now wakes it at once. */
	pollMs?: number;
	/** Jobs this process runs at once. Default 4. */
	concurrency?: number;
	/** This runner's name in `leased_by` (default host:pid:random). */
	id?: string;
}

export interface Schedule {
	/** Claims and runs what is due now, and resolves when those runs have ended (tests, scripts). */
	runDue(): Promise<void>;
	/** Stops claiming; aborts and awaits the runs under way (a run cut short runs again after its lease). */
	stop(): Promise<void>;
}

/** The backoff of a failed one-off job before try `attempt + 1` (seconds): 10 s, 40 s, 160 s, … up to an hour. */
export function retryDelaySeconds(attempt: number): number {
	return Math.min(3600, 10 * 4 ** (attempt - 1));
}

/**
 * Runs the app's scheduled work in this process. Every process of the app runs one; a job is
 * claimed by exactly one of them (`FOR UPDATE SKIP LOCKED`, then a lease renewed while it runs),
 * so recurring work happens once per interval however many processes there are, and a process
 * that dies mid-job leaves a lease that expires, after which another process runs the job again.
 * On PGlite (one process) the same SQL holds. No library: the maintained Postgres job queues
 * (pg-boss 12, graphile-worker 0.18) need Node 22 and a node-postgres pool, not PGlite.
 */
export async function startSchedule(db: Db, jobs: JobDefinition[], opts: ScheduleOptions = {}): Promise<Schedule> {
	const byName = new Map(jobs.map((j) => [j.name, j]));
	const names = JSON.stringify([...byName.keys()]);
	const me = opts.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
	const concurrency = opts.concurrency ?? 4;
	const abort = new AbortController();
	const running = new Set<Promise<void>>();
	let ticking: Promise<void> | null = null;
	let again = false;
	let stopped = false;
	/** Why the last claim could not reach the database (a driver code), while it cannot. */
	let outage: string | null = null;

	await ensureRecurring(db.orm, jobs);

	async function claim(): Promise<Claimed | null> {
		const [row] = await db.rows<Claimed>(sql`
			update scheduled_jobs j
			   set lease_until = now() + make_interval(secs => coalesce(
			         (select (d->>'lease')::int from jsonb_array_elements(${leases(jobs)}::jsonb) d where d->>'name' = j.name), 60)),
			       leased_by = ${me}, attempts = j.attempts + 1, last_started_at = now()
			 where j.id = (select id from scheduled_jobs
			                where status = 'scheduled' and run_at <= now() and (lease_until is null or lease_until < now())
			                  and name in (select jsonb_array_elements_text(${names}::jsonb))
			                order by run_at limit 1 for update skip locked)
			returning j.id, j.name, j.payload, j.every_seconds, j.attempts, j.max_attempts`);
		return row ?? null;
	}

	async function run(job: Claimed, def: JobDefinition): Promise<void> {
		const started = Date.now();
		const leaseMs = (def.leaseSeconds ?? 60) * 1000;
		const renew = setInterval(() => {
			db.rows(sql`update scheduled_jobs set lease_until = now() + make_interval(secs => ${leaseMs / 1000})
			            where id = ${job.id} and leased_by = ${me}`).catch((e) => logFailure('schedule', `renewing the lease of ${job.name}`, e));
		}, leaseMs / 3);
		renew.unref();
		let error: unknown = null;
		try {
			const saveState = async (state: unknown) => {
				await db.rows(sql`update scheduled_jobs set payload = ${JSON.stringify(state ?? null)}::jsonb where id = ${job.id} and leased_by = ${me}`);
			};
			await def.run({ db, payload: job.payload, attempt: job.attempts, signal: abort.signal, saveState });
		} catch (e) {
			error = e;
			logFailure('schedule', `${job.name} failed (try ${job.attempts})`, e);
		} finally {
			clearInterval(renew);
		}
		// Cut short by the shutdown: leave the lease to expire, so another process (or this one after a restart) runs it.
		if (abort.signal.aborted && error) return;
		await finish(job, Date.now() - started, error).catch((e) => logFailure('schedule', `recording the end of ${job.name}`, e));
	}

	function finish(job: Claimed, ms: number, error: unknown) {
		const failed = error !== null;
		const message = failed ? errorLine(error) : null;
		const recurring = job.every_seconds !== null;
		const givesUp = failed && !recurring && job.attempts >= job.max_attempts;
		const next = recurring
			? sql`now() + make_interval(secs => ${job.every_seconds})`
			: failed
				? sql`now() + make_interval(secs => ${retryDelaySeconds(job.attempts)})`
				: sql`run_at`;
		const status = recurring || (failed && !givesUp) ? 'scheduled' : givesUp ? 'failed' : 'done';
		// Only while the lease is still ours: a run that outlived its lease was taken over and is not ours to record.
		// A one-off job that ended forgets its payload: a queued mail's link (a reset token) must not outlive its sending.
		return db.rows(sql`
			update scheduled_jobs set run_at = ${next}, status = ${status}, lease_until = null, leased_by = null,
			       payload = ${status === 'scheduled' ? sql`payload` : sql`null`},
			       attempts = ${recurring ? 0 : job.attempts}, last_finished_at = now(), last_duration_ms = ${ms},
			       last_error = ${message}, failures = ${failed ? sql`failures + 1` : 0}
			 where id = ${job.id} and leased_by = ${me}`);
	}

	async function tick(): Promise<void> {
		while (!stopped && running.size < concurrency) {
			const job = await claim();
			if (!job) return;
			const def = byName.get(job.name)!;
			// A run ending frees a slot: what waited for it is claimed now rather than at the next poll.
			const p: Promise<void> = run(job, def).finally(() => {
				running.delete(p);
				if (!stopped) void poke();
			});
			running.add(p);
		}
	}

	/** Claims what is due; a poke during a claim round makes another round (a job queued meanwhile is not left to the poll). */
	function poke(): Promise<void> {
		if (ticking) {
			again = true;
			return ticking;
		}
		ticking = (async () => {
			do {
				again = false;
				await tick();
			} while (again && !stopped);
			if (outage) console.log('[schedule] the database answers again: due jobs run');
			outage = null;
		})()
			.catch((e) => {
				// While the database is down every poll (each second) fails the same way: one line when it
				// goes and one when it is back, not a failure with its stack each second in every process.
				const code = unavailableCode(e);
				if (!code) return void logFailure('schedule', 'claiming due jobs failed', e);
				if (!outage) console.warn(`[schedule] the database is unreachable (${code}): due jobs wait until it answers`);
				outage = code;
			})
			.finally(() => (ticking = null));
		return ticking;
	}

	const timer = setInterval(poke, opts.pollMs ?? 1000);
	timer.unref();
	// A job queued anywhere wakes every runner that runs it (one claims it); a lost LISTEN falls back on the poll.
	const unlisten = await db
		.listen(JOBS_CHANNEL, (name) => void (byName.has(name) && poke()), () => void poke())
		.catch((e) => (logFailure('schedule', 'listening for queued jobs failed; polling only', e), null));
	return {
		async runDue() {
			await poke();
			await Promise.all(running);
		},
		async stop() {
			stopped = true;
			clearInterval(timer);
			await unlisten?.().catch(() => {});
			abort.abort();
			await ticking;
			await Promise.all(running);
		}
	};
}

/** Each job's lease as one JSON parameter, so the claim is one statement whatever the job. */
function leases(jobs: JobDefinition[]): string {
	return JSON.stringify(jobs.map((j) => ({ name: j.name, lease: j.leaseSeconds ?? 60 })));
}

/** What the admin sees of a failure: a domain refusal's words, else the error's class and codes (never values). */
function errorLine(error: unknown): string {
	if (isDomainError(error)) return `${error.code}: ${error.message}`.slice(0, 500);
	return describeError(error).split('\n')[0]!.slice(0, 500);
}
