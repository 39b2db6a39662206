// What the app does when its database goes away: the errors it sees are told apart from bugs
// (and answered 503 with Retry-After), and the LISTEN behind live balances and key revocations
// comes back by itself. Runs on PGlite and PostgreSQL; the parts that need a server to lose are
// PostgreSQL only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../../src/lib/server/db/outage';
import { errorResponse } from '../../src/lib/server/http/refusals';
import { toTRPCError, formatError } from '../../src/lib/server/trpc/errors';
import { freePort } from '../e2e/server';
import { backend, freshDb } from '../helpers/db';

let db: Db & { url?: string };
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => {
	await db.close();
});

/** A database server that is not there: a port nothing listens on. */
async function unreachable(): Promise<unknown> {
	const gone = openPostgres(`postgres://postgres@127.0.0.1:${await freePort()}/postgres`, { max: 1 });
	try {
		await gone.rows(sql`select 1`);
		throw new Error('a closed port answered');
	} catch (e) {
		return e;
	} finally {
		await gone.close();
	}
}

describe('an unreachable database', () => {
	it('is told apart from every other database error', async () => {
		const refused = await unreachable();
		expect(isDatabaseUnavailable(refused)).toBe(true);
		// A constraint violation is a database error too, but not an outage: no 503 hides a bug.
		await db.rows(sql`create table outage_probe (id int primary key)`);
		await db.rows(sql`insert into outage_probe values (1)`);
		const duplicate = await db.rows(sql`insert into outage_probe values (1)`).catch((e: unknown) => e);
		expect(isDatabaseUnavailable(duplicate)).toBe(false);
		expect(isDatabaseUnavailable(new Error('ECONNREFUSED'))).toBe(false);
		expect(isDatabaseUnavailable(Object.assign(new Error('fetch failed'), { code: 'ECONNREFUSED' }))).toBe(false);
	});

	it('is answered 503 unavailable with Retry-After by REST, and marked for tRPC', async () => {
		const refused = await unreachable();
		const res = errorResponse(refused);
		expect(res.status).toBe(503);
		expect(res.headers.get('retry-after')).toBe(String(RETRY_AFTER_SECONDS));
		expect(await res.json()).toMatchObject({ error: 'unavailable' });
		const trpc = toTRPCError(refused);
		const shape = formatError({ shape: { message: trpc.message, code: -32603, data: { code: trpc.code, httpStatus: 500 } }, error: trpc });
		expect(shape.data.domainCode).toBe('unavailable');
	});

	// Only a real server ends sessions; registered there alone, so the PGlite run skips nothing (CI fails on a skip).
	if (backend === 'postgres') it('a server that ends a session (57P01) counts as unavailable', async () => {
		const victim = openPostgres(db.url!, { max: 1 });
		try {
			const [{ pid }] = (await victim.rows<{ pid: number }>(sql`select pg_backend_pid() as pid`)) as [{ pid: number }];
			const running = victim.rows(sql`select pg_sleep(5)`).catch((e: unknown) => e);
			await new Promise((r) => setTimeout(r, 200));
			await db.rows(sql`select pg_terminate_backend(${pid})`);
			expect(isDatabaseUnavailable(await running)).toBe(true);
			// The pool connects again by itself (a query sent before the close was seen fails with it).
			await expect.poll(() => victim.rows(sql`select 1 as one`).catch(() => []), { timeout: 5_000 }).toEqual([{ one: 1 }]);
		} finally {
			await victim.close();
		}
	});

	// A connection that fails as it starts (here its first statement cancelled by a 1 ms statement
	// timeout; in production, a server that restarts as the pool reconnects) fails the query sent on
	// it, nothing more. postgres.js's own array-type lookup on a new connection once ended the app with
	// an unhandled rejection there (porsager/postgres#1192): the outage e2e test's server died of it.
	if (backend === 'postgres') it('a connection that fails as it starts fails its query, and leaves no unhandled rejection', async () => {
		const unhandled: unknown[] = [];
		const onUnhandled = (e: unknown) => unhandled.push(e);
		process.on('unhandledRejection', onUnhandled);
		const url = new URL(db.url!);
		url.searchParams.set('statement_timeout', '1');
		const cut = openPostgres(url.toString(), { max: 1 });
		try {
			await expect(cut.rows(sql`select pg_sleep(0.05)`)).rejects.toMatchObject({ cause: { code: '57014' } });
			// A rejection is reported unhandled once the microtasks after it have run: give it a turn of the event loop.
			await new Promise((r) => setTimeout(r, 50));
			expect(unhandled).toEqual([]);
		} finally {
			process.off('unhandledRejection', onUnhandled);
			await cut.close();
		}
	});
});

// PGlite has no separate LISTEN connection to lose.
if (backend === 'postgres') describe('LISTEN after its connection is lost', () => {
	it('comes back by itself, says so, and hears notices again', async () => {
		const heard: string[] = [];
		let relistened = 0;
		const stop = await db.listen('outage_probe_channel', (p) => heard.push(p), () => relistened++);
		const terminateListener = () =>
			db.rows(sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'`);
		// Twice in a row: the first re-LISTEN may itself hit the lost connection.
		await terminateListener();
		await expect.poll(() => relistened, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
		await terminateListener();
		await expect.poll(() => relistened, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
		await expect
			.poll(
				async () => {
					await db.rows(sql`select pg_notify('outage_probe_channel', 'after')`);
					return heard.includes('after');
				},
				{ timeout: 10_000 }
			)
			.toBe(true);
		await stop();
	});
});
