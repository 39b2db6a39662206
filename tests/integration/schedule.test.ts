// The one schedule: work is done once however many app processes run it, a process that stops
// mid-job leaves it to another after its lease, failed one-off jobs retry with backoff, and the
// admin sees last run, next run and failures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { enqueue, listJobs, retryDelaySeconds, startSchedule, type JobDefinition } from '../../src/lib/server/schedule';
import { backend, freshDb } from '../helpers/db';
import { createUser } from '../../src/lib/server/accounts';
import { runJobNow } from '../../src/lib/server/admin';
import { DomainError } from '../../src/lib/server/errors';

let db: Db & { url?: string };
/** A second "process": its own connection pool on the same database (PGlite has one process). */
let other: Db;
beforeAll(async () => {
	db = await freshDb();
	other = backend === 'postgres' ? openPostgres(db.url!) : db;
});
afterAll(async () => {
	if (other !== db) await other.close();
	await db.close();
});
beforeEach(async () => {
	await db.rows(sql`delete from scheduled_jobs`);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('schedule', () => {
	it('two runners at once: every one-off job and each recurring run happens exactly once', async () => {
		const ran: string[] = [];
		const jobs: JobDefinition[] = [
			{ name: 'test.once', run: async ({ payload }) => void ran.push(`once:${(payload as { n: number }).n}`) },
			{ name: 'test.hourly', everySeconds: 3600, run: async () => void ran.push('hourly') }
		];
		for (let n = 0; n < 40; n++) await enqueue(db.orm, 'test.once', { n });
		const a = await startSchedule(db, jobs, { id: 'a', pollMs: 60_000, concurrency: 3 });
		const b = await startSchedule(other, jobs, { id: 'b', pollMs: 60_000, concurrency: 3 });
		for (let round = 0; round < 6; round++) await Promise.all([a.runDue(), b.runDue()]);
		await Promise.all([a.stop(), b.stop()]);

		expect(ran.filter((r) => r === 'hourly')).toHaveLength(1);
		expect(ran.filter((r) => r.startsWith('once:')).sort()).toEqual(Array.from({ length: 40 }, (_, n) => `once:${n}`).sort());
		const [counts] = await db.rows<{ done: number; attempts: number }>(
			sql`select count(*) filter (where status = 'done')::int as done, sum(attempts)::int as attempts from scheduled_jobs where name = 'test.once'`
		);
		expect(counts).toEqual({ done: 40, attempts: 40 });
		const [hourly] = await listJobs(db.orm);
		expect(hourly).toMatchObject({ name: 'test.hourly', everySeconds: 3600, status: 'scheduled', failures: 0, lastError: null });
		expect(new Date(hourly!.nextRunAt!).getTime() - new Date(hourly!.lastFinishedAt!).getTime()).toBeGreaterThanOrEqual(3_599_000);
	});

	it('a job queued in a transaction runs right after the commit, without waiting for the poll, and never for a rollback', async () => {
		const ran: string[] = [];
		const s = await startSchedule(other, [{ name: 'test.prompt', run: async ({ payload }) => void ran.push(payload as string) }], { pollMs: 3_600_000 });
		try {
			await db.orm.transaction(async (tx) => {
				await enqueue(tx, 'test.prompt', 'rolled back');
				tx.rollback();
			}).catch(() => {});
			await db.orm.transaction(async (tx) => {
				await enqueue(tx, 'test.prompt', 'committed');
				await sleep(300);
				expect(ran).toEqual([]); // not before the commit
			});
			await expect.poll(() => ran, { timeout: 3000 }).toEqual(['committed']);
		} finally {
			await s.stop();
		}
	});

	it('the same key is scheduled once', async () => {
		expect(await enqueue(db.orm, 'test.once', { n: 1 }, { key: 'k1' })).toBe(true);
		expect(await enqueue(db.orm, 'test.once', { n: 2 }, { key: 'k1' })).toBe(false);
		const rows = await db.rows<{ payload: unknown }>(sql`select payload from scheduled_jobs where key = 'k1'`);
		expect(rows).toEqual([{ payload: { n: 1 } }]);
	});

	it('a job cut short by a stopping process runs again elsewhere once its lease has expired', async () => {
		const runs: { by: string; attempt: number; finished: boolean }[] = [];
		const job = (by: string): JobDefinition => ({
			name: 'test.slow',
			leaseSeconds: 1,
			run: async ({ attempt, signal }) => {
				const entry = { by, attempt, finished: false };
				runs.push(entry);
				// The first process is stopped during its run; the second finishes at once.
				if (by === 'a') await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));
				entry.finished = true;
			}
		});
		await enqueue(db.orm, 'test.slow', null, { key: 'restart' });
		const a = await startSchedule(db, [job('a')], { id: 'a', pollMs: 60_000 });
		void a.runDue();
		await expect.poll(() => runs.length).toBe(1);
		await a.stop();

		const b = await startSchedule(other, [job('b')], { id: 'b', pollMs: 60_000 });
		await b.runDue();
		expect(runs).toHaveLength(1); // a's lease still holds
		await sleep(1200);
		await b.runDue();
		await b.stop();
		expect(runs).toEqual([
			{ by: 'a', attempt: 1, finished: false },
			{ by: 'b', attempt: 2, finished: true }
		]);
		const [row] = await db.rows<{ status: string }>(sql`select status from scheduled_jobs where key = 'restart'`);
		expect(row!.status).toBe('done');
	});

	it('a long run keeps its lease: another process does not take it over while it runs', async () => {
		let runs = 0;
		let release!: () => void;
		const job: JobDefinition = { name: 'test.long', leaseSeconds: 1, run: () => (runs++, new Promise<void>((r) => (release = r))) };
		await enqueue(db.orm, 'test.long', null);
		const a = await startSchedule(db, [job], { id: 'a', pollMs: 60_000 });
		const first = a.runDue();
		await expect.poll(() => runs).toBe(1);
		await sleep(1600);
		const b = await startSchedule(other, [job], { id: 'b', pollMs: 60_000 });
		await b.runDue();
		expect(runs).toBe(1);
		release();
		await first;
		await Promise.all([a.stop(), b.stop()]);
		const [row] = await db.rows<{ status: string; attempts: number }>(sql`select status, attempts from scheduled_jobs where name = 'test.long'`);
		expect(row).toEqual({ status: 'done', attempts: 1 });
	});

	it('a failing one-off job backs off, retries, and is marked failed after its last try; the admin sees why', async () => {
		let tries = 0;
		const job: JobDefinition = {
			name: 'test.flaky',
			run: async () => {
				tries++;
				throw new TypeError('receiver unreachable');
			}
		};
		await enqueue(db.orm, 'test.flaky', null, { key: 'f', maxAttempts: 2 });
		const s = await startSchedule(db, [job], { pollMs: 60_000 });
		await s.runDue();
		const [after1] = await db.rows<{ status: string; delay: number; failures: number }>(
			sql`select status, extract(epoch from run_at - last_finished_at)::int as delay, failures from scheduled_jobs where key = 'f'`
		);
		expect(after1).toEqual({ status: 'scheduled', delay: retryDelaySeconds(1), failures: 1 });
		await s.runDue();
		expect(tries).toBe(1); // not due yet
		await db.rows(sql`update scheduled_jobs set run_at = now() where key = 'f'`);
		await s.runDue();
		await s.stop();
		expect(tries).toBe(2);
		const failed = (await listJobs(db.orm)).find((j) => j.key === 'f');
		expect(failed).toMatchObject({ status: 'failed', failures: 2, attempts: 2, nextRunAt: null, lastError: 'TypeError' });
	});

	it('a failing recurring job keeps its interval and counts failures in a row until it succeeds', async () => {
		let fail = true;
		const job: JobDefinition = {
			name: 'test.minutely',
			everySeconds: 60,
			run: async () => {
				if (fail) throw new Error('down');
			}
		};
		const s = await startSchedule(db, [job], { pollMs: 60_000 });
		await s.runDue();
		await db.rows(sql`update scheduled_jobs set run_at = now() where name = 'test.minutely'`);
		await s.runDue();
		expect((await listJobs(db.orm))[0]).toMatchObject({ failures: 2, lastError: 'Error', status: 'scheduled' });
		fail = false;
		await db.rows(sql`update scheduled_jobs set run_at = now() where name = 'test.minutely'`);
		await s.runDue();
		await s.stop();
		expect((await listJobs(db.orm))[0]).toMatchObject({ failures: 0, lastError: null, running: false });
	});

	it("a site admin's Run now: a recurring job runs at once in another process and keeps its interval, a one-off job waiting to retry tries now; the rest are refused, unchanged; each run asked is in the audit log", async () => {
		const admin = await createUser(db.orm, { email: `jobs-${crypto.randomUUID().slice(0, 8)}@example.test`, name: 'Jobs Admin', siteRole: 'admin' });
		const actor = { userId: admin.id, ip: null };
		const ran: string[] = [];
		let down = true;
		const jobs: JobDefinition[] = [
			{ name: 'test.hourly', everySeconds: 3600, run: async () => void ran.push('hourly') },
			{
				name: 'test.retry',
				run: async () => {
					ran.push('retry');
					if (down) throw new Error('down');
				}
			},
			{ name: 'test.once', run: async () => void ran.push('once') },
			{ name: 'test.later', run: async () => void ran.push('later') }
		];
		await enqueue(db.orm, 'test.retry', null, { key: 'r' });
		await enqueue(db.orm, 'test.once', null, { key: 'o' });
		await enqueue(db.orm, 'test.later', null, { key: 'l', runAt: new Date(Date.now() + 3_600_000) });
		// Another process's runner that never polls: only a wake starts what Run now makes due.
		const s = await startSchedule(other, jobs, { pollMs: 3_600_000 });
		try {
			await s.runDue();
			expect(ran.sort()).toEqual(['hourly', 'once', 'retry']);
			const idOf = async (name: string) => (await db.rows<{ id: number }>(sql`select id from scheduled_jobs where name = ${name}`))[0]!.id;
			const state = () => db.rows(sql`select name, key, run_at, status, attempts, failures from scheduled_jobs order by name`);

			// Refused, and nothing changes: a one-off job that has run, one not due yet, one that is running, one that is not there.
			await db.rows(sql`update scheduled_jobs set lease_until = now() + interval '1 minute' where name = 'test.hourly'`);
			const before = await state();
			const refusal = (id: number) => runJobNow(db, actor, id).then(() => null, (e: DomainError) => [e.code, e.message]);
			expect(await refusal(Number(await idOf('test.once')))).toEqual(['conflict', 'This job has run: there is nothing left to run.']);
			expect(await refusal(Number(await idOf('test.later')))).toEqual(['conflict', 'This job is not due yet: it runs when its work is due.']);
			expect(await refusal(Number(await idOf('test.hourly')))).toEqual(['conflict', 'This job is running now. Ask again once this run has ended.']);
			expect(await refusal(987_654_321)).toEqual(['not_found', 'No such job.']);
			expect(await state()).toEqual(before);
			await db.rows(sql`update scheduled_jobs set lease_until = null where name = 'test.hourly'`);

			// The hourly job, not due for an hour, runs within moments, woken at the commit; its next run is an hour after this one.
			expect(await runJobNow(db, actor, Number(await idOf('test.hourly')))).toEqual({ name: 'test.hourly' });
			await expect.poll(() => ran.filter((r) => r === 'hourly').length, { timeout: 5_000 }).toBe(2);
			await expect.poll(async () => (await listJobs(db.orm)).find((j) => j.name === 'test.hourly')?.running, { timeout: 5_000 }).toBe(false);
			const hourly = (await listJobs(db.orm)).find((j) => j.name === 'test.hourly')!;
			expect(new Date(hourly.nextRunAt!).getTime() - new Date(hourly.lastFinishedAt!).getTime()).toBeGreaterThanOrEqual(3_599_000);

			// The one-off job waiting 10 s to try again tries now, and is done.
			down = false;
			await runJobNow(db, actor, Number(await idOf('test.retry')));
			await expect.poll(() => ran.filter((r) => r === 'retry').length, { timeout: 5_000 }).toBe(2);
			await expect.poll(async () => (await db.rows<{ status: string }>(sql`select status from scheduled_jobs where name = 'test.retry'`))[0]!.status, { timeout: 5_000 }).toBe('done');
			expect(ran.filter((r) => r === 'later')).toEqual([]);

			const audited = await db.rows<{ actor_user_id: string; target_id: string; detail: { name: string } }>(
				sql`select actor_user_id, target_id, detail from audit_log where action = 'job.run_now' order by id`
			);
			expect(audited.map((a) => [a.actor_user_id, a.detail.name])).toEqual([
				[admin.id, 'test.hourly'],
				[admin.id, 'test.retry']
			]);
		} finally {
			await s.stop();
		}
	});
});
