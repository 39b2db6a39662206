import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql, type SQL } from 'drizzle-orm';
import postgres from 'postgres';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import * as schema from './schema';
import { flushNotices } from './notices';
import { openListener } from './listener';
import { sqlFunctionsScript } from './sql-functions';
import { preparing } from './prepared';
import { postgresHold, runWhileHeld, type Role } from './roles';
import { lockDataDir } from './dir-lock';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** The database or an open transaction: domain functions accept either. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'execute' | 'query'>;

/** Runs raw SQL on the database or inside a transaction and returns its rows. */
export async function queryRows<T = Record<string, unknown>>(exec: Executor, query: SQL): Promise<T[]> {
	return rowsOf<T>(await exec.execute(query));
}

export { isUuid } from '../../uuid';

/** A uuid[] of `ids` as one parameter (a JSON text): the same on PGlite and postgres.js, any length. */
export function uuidArray(ids: string[]): SQL {
	return sql`array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`;
}

export interface Db {
	readonly kind: 'pglite' | 'postgres';
	readonly orm: Database;
	/** Runs raw SQL and returns its rows, the same shape on both drivers. */
	rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
	/**
	 * Subscribes to a NOTIFY channel; resolves to an unsubscribe function. `onRelisten` runs when
	 * the subscription is back after the database was unreachable (notices sent meanwhile are lost).
	 */
	listen(channel: string, onPayload: (payload: string) => void, onRelisten?: () => void): Promise<() => Promise<void>>;
	/**
	 * False while the server is known to be unreachable (its LISTEN connection was lost and is not
	 * back yet), so a request can be refused at once instead of queueing for a connection.
	 */
	reachable(): boolean;
	/**
	 * Brings the schema up to date: the Drizzle migrations (tables, indexes, constraints), then every
	 * SQL function, trigger and view from `drizzle/functions/` (db/sql-functions.ts), in one
	 * transaction. Safe to run from several processes at once and again at every start.
	 */
	migrate(): Promise<void>;
	/**
	 * Runs `role` in one of the app processes on this database at a time (db/roles.ts): the one that
	 * holds role `id` (a number of its own per role). On PGlite, whose data one process owns, at
	 * once. Resolves once this process has looked (and started the part if it took the role).
	 */
	runInOneProcess(id: number, role: Role, opts?: { beatMs?: number }): Promise<() => Promise<void>>;
	close(): Promise<void>;
}

/** Migrations ship beside the app (not inside the bundle), in ./drizzle of the working directory. */
function migrationsFolder(folder?: string) {
	return resolve(folder ?? process.env.QUOTA_MIGRATIONS_DIR ?? 'drizzle');
}

/** Rows of a raw `execute`, the same shape on postgres.js (an array) and PGlite ({ rows }). */
export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Embedded Postgres (PGlite): `dir` persists to disk; omit it for an in-memory database.
 * `loadDataDir` starts from a tarball made by `dump()` (PGlite's `dumpDataDir`) instead of an
 * empty cluster: the tests start each file's database from one migrated template that way.
 */
export async function openPglite(
	dir?: string,
	opts: { migrationsDir?: string; loadDataDir?: Blob } = {}
): Promise<Db & { dump: () => Promise<Blob> }> {
	if (dir) mkdirSync(dir, { recursive: true });
	// One process at a time on a directory (db/dir-lock.ts); an in-memory database is this process's alone.
	const unlock = dir ? await lockDataDir(dir) : async () => {};
	// An in-memory database's files are in memory already, so Postgres' buffer pool over them (128 MB by
	// default) only costs its start, where it is zeroed: with 16 MB a test file's database opens in about
	// half the CPU (0.7 against 1.4 s). A database on disk keeps the default.
	const startParams = dir ? undefined : [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];
	// pg_trgm: the trigram indexes of the admin's searches (drizzle/0024_account_figures.sql).
	const client = await PGlite.create({ dataDir: dir, loadDataDir: opts.loadDataDir, extensions: { pg_trgm }, startParams }).catch(async (e) => {
		await unlock();
		throw e;
	});
	const orm = drizzlePglite({ client, schema }) as unknown as Database;
	return {
		kind: 'pglite',
		orm,
		rows: async (query) => rowsOf(await orm.execute(query)),
		listen: async (channel, onPayload) => {
			const unsub = await client.listen(channel, onPayload);
			return async () => unsub();
		},
		reachable: () => true,
		runInOneProcess: (_id, role) => runWhileHeld(role, async () => true, async () => {}),
		dump: () => client.dumpDataDir('none'),
		// One process owns a PGlite data directory, so nothing else migrates it meanwhile: no lock.
		migrate: async () => {
			const folder = migrationsFolder(opts.migrationsDir);
			await migratePglite(orm as never, { migrationsFolder: folder });
			await client.transaction((tx) => tx.exec(sqlFunctionsScript(folder)));
		},
		close: async () => {
			await flushNotices(orm);
			await client.close();
			await unlock();
		}
	};
}

/**
 * How postgres.js meets an unreachable server. A connection attempt gives up after
 * `connect_timeout` seconds (the default, 30, would hold a request that long), and a closed
 * connection is tried again after at most `MAX_BACKOFF_S` (the default backoff grows to 10–20 s
 * after a few failures, so the first success after a restart could wait that long).
 * See postgres.js's README, "Connection details" and "Connection timeout".
 */
const CONNECT_TIMEOUT_S = 2;
const MAX_BACKOFF_S = 0.25;
const reconnectOptions = {
	// No array-type lookup on each new connection: postgres.js runs it unawaited, so when the server
	// goes away during it (a restart, a failover) its rejection is unhandled and ends the app
	// (porsager/postgres#1192, open in 3.4.9). The app reads array columns through Drizzle, which
	// parses `{a,b}` itself, or as JSON (`to_jsonb`) in raw SQL, and sends arrays as one JSON text
	// (`uuidArray`), so it needs none of the types that lookup adds.
	fetch_types: false,
	connect_timeout: CONNECT_TIMEOUT_S,
	backoff: (attempt: number) => Math.min(MAX_BACKOFF_S, 0.02 * 2 ** attempt),
	onnotice: () => {}
};

/** A real Postgres server through postgres.js. */
export function openPostgres(url: string, opts: { max?: number; migrationsDir?: string } = {}): Db {
	const client = postgres(url, {
		...reconnectOptions,
		max: opts.max ?? 10,
		// The app's queries are short reads and writes: JIT compiling one whose estimate crosses
		// jit_above_cost (the admin's users list sorted by a figure on a large site) took ~55 ms
		// longer than running it (bench:dashboard's plans).
		connection: { jit: 'off' },
		// int8 comes back as a number, as on PGlite; token amounts are checked to stay below 2^53.
		types: {
			int8: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) }
		}
	});
	// Prepared statements: one round trip a query instead of two (db/prepared.ts).
	const orm = drizzlePostgres({ client: preparing(client), schema }) as unknown as Database;
	const listener = openListener(url, reconnectOptions);
	return {
		kind: 'postgres',
		orm,
		rows: async (query) => rowsOf(await orm.execute(query)),
		listen: (channel, onPayload, onRelisten) => listener.listen(channel, onPayload, onRelisten),
		reachable: () => listener.connected(),
		runInOneProcess: (id, role, opts) => {
			const hold = postgresHold(url, id, reconnectOptions);
			return runWhileHeld(role, hold.check, hold.release, opts);
		},
		migrate: async () => {
			// Several app processes may start at once: one migrates while the others wait on the lock.
			// One connection (max 1), so the session-level advisory lock covers the migrations and the
			// functions; the functions script runs as one simple query (many statements) in a transaction.
			const folder = migrationsFolder(opts.migrationsDir);
			const single = postgres(url, { ...reconnectOptions, max: 1 });
			try {
				await single`select pg_advisory_lock(7243001)`;
				await migratePostgres(drizzlePostgres({ client: single }), { migrationsFolder: folder });
				await single.begin((tx) => tx.unsafe(sqlFunctionsScript(folder)).simple());
			} finally {
				await single.end({ timeout: 5 });
			}
		},
		close: async () => {
			await flushNotices(orm);
			await Promise.all([listener.end(), client.end({ timeout: 3 })]);
		}
	};
}
