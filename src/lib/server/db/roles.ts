import postgres from 'postgres';
import { logFailure } from '../log';

/**
 * A part of the app that one process at a time runs among the app processes on a database: the
 * watchers of every balance change (alerts, auto top-ups) hear every process's changes through
 * LISTEN, so run in each process they made the same reads once per process (with two processes,
 * every change's figures were read twice).
 */
export interface Role {
	/** Starts the part; resolves to its stop function. */
	start(): Promise<() => Promise<void>>;
}

/** Whether this process holds the role now: takes it when it is free, keeps it while its session lasts. */
export type HoldCheck = () => Promise<boolean>;

/** Separates these session locks from other users of pg_advisory_lock(int, int) (7243001 is the migrations'). */
export const ROLE_LOCK_CLASS = 7243021;

/**
 * Runs `role` while `check` says this process holds it: checked now and then every `beatMs`. A
 * holder whose check fails (its session ended: a restart, a lost connection) stops the part; a
 * process that finds the role free takes it and starts it. So after its holder dies another
 * process starts the part within about `beatMs`; what changed in between is for the routine jobs
 * that catch up (the alerts' and top-ups' checks, every minute). Resolves once the first check is
 * done (the part started if this process took the role); returns the stop function, which also
 * gives the role up through `release`.
 */
export async function runWhileHeld(role: Role, check: HoldCheck, release: () => Promise<void>, opts: { beatMs?: number } = {}): Promise<() => Promise<void>> {
	let stopPart: (() => Promise<void>) | null = null;
	let ended = false;
	let timer: ReturnType<typeof setTimeout> | null = null;
	let beating: Promise<void> = Promise.resolve();
	const beat = async () => {
		const held = await check().catch(() => false);
		if (ended) return;
		// A part that fails to start or stop (the database gone meanwhile) is said and tried again next beat:
		// a later beat's rejection would have no one awaiting it and end the process.
		try {
			if (held && !stopPart) stopPart = await role.start();
			else if (!held && stopPart) {
				const stop = stopPart;
				stopPart = null;
				await stop();
			}
		} catch (e) {
			logFailure('db', held ? 'starting a role this process took failed' : 'stopping a role this process lost failed', e);
		}
	};
	const next = () => {
		if (!ended) timer = setTimeout(() => void (beating = beat().finally(next)), opts.beatMs ?? 2000);
	};
	await (beating = beat());
	next();
	return async () => {
		ended = true;
		if (timer) clearTimeout(timer);
		await beating;
		await stopPart?.();
		stopPart = null;
		await release();
	};
}

/**
 * The hold of role `id` on PostgreSQL: the session advisory lock (ROLE_LOCK_CLASS, id) on a
 * connection of its own, never recycled (a new session would not hold the lock). A check that finds
 * the session no longer holds it (postgres.js reconnected after a lost connection) takes it again
 * if it is free. `release` ends the connection, which releases the lock.
 */
export function postgresHold(url: string, id: number, options: Pick<postgres.Options<Record<string, never>>, 'connect_timeout' | 'backoff' | 'onnotice'>) {
	const session = postgres(url, { ...options, max: 1, idle_timeout: 0, max_lifetime: null, fetch_types: false });
	const check: HoldCheck = async () => {
		const [row] = await session<{ held: boolean }[]>`
			select case when exists (select 1 from pg_locks where locktype = 'advisory' and classid = ${ROLE_LOCK_CLASS} and objid = ${id}
			                                 and objsubid = 2 and pid = pg_backend_pid() and granted)
			            then true else pg_try_advisory_lock(${ROLE_LOCK_CLASS}, ${id}) end as held`;
		return row!.held;
	};
	return { check, release: () => session.end({ timeout: 3 }) };
}
