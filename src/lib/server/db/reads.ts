import { sql, type SQL } from 'drizzle-orm';
import { rowsOf, type Executor } from './client';

/**
 * A read: one SQL query and what its rows mean. A reader that several screens ask together
 * (the dashboard's first answer: balances, recent use, purchases, …) is written once as a
 * `Read`; `readOne` runs it alone and `together` joins several into one statement, so a page's
 * figures cost one round trip and each figure keeps one definition (its query and its answer).
 *
 * The rows an answer gets are the driver's when the read runs alone and JSON's when it runs
 * inside `together` (int8 and numeric as numbers, timestamptz as ISO 8601 text, date as
 * YYYY-MM-DD): answers convert with Number(…), new Date(…) and to_char'd text, which read both
 * alike. Column names must be unique within one read (they become JSON keys).
 */
export interface Read<T> {
	readonly query: SQL;
	readonly answer: (rows: never[]) => T;
}

/** The answer type of a read. */
export type Answer<R> = R extends Read<infer T> ? T : never;

/** A read of `query` whose rows (`Row`, as the SQL names them) `answer` turns into a T. */
export function read<Row, T>(query: SQL, answer: (rows: Row[]) => T): Read<T> {
	return { query, answer: answer as (rows: never[]) => T };
}

/** The same read with its answer carried on by `then` (no further query). */
export function mapRead<T, U>(r: Read<T>, then: (answer: T) => U): Read<U> {
	return { query: r.query, answer: (rows) => then(r.answer(rows)) };
}

/**
 * Several reads as one statement: one row holding each read's rows as a JSON array (in the
 * read's own order: json_agg over an ordered subquery without joins keeps it), answered by each
 * read's `answer`. Nests: a `together` is a read like any other.
 */
export function together<R extends Record<string, Read<unknown>>>(reads: R): Read<{ [K in keyof R]: Answer<R[K]> }> {
	const names = Object.keys(reads);
	const columns = names.map((name) => sql`(select coalesce(json_agg(r), '[]'::json) from (${reads[name]!.query}) r) as ${sql.identifier(name)}`);
	return read(sql`select ${sql.join(columns, sql`, `)}`, (rows: Record<string, never[]>[]) => {
		const row = rows[0]!;
		return Object.fromEntries(names.map((name) => [name, reads[name]!.answer(row[name]!)])) as { [K in keyof R]: Answer<R[K]> };
	});
}

/**
 * Runs one read: one statement, one round trip, as a prepared statement. postgres.js sends an
 * unprepared query with parameters in two round trips (Parse + Describe to learn the parameters'
 * types, then Bind + Execute); a prepared one is described once per connection and then costs one,
 * and the server keeps its parse (and, after five runs, may keep a generic plan). Reads are a
 * fixed set of statements (no values in their text), so each connection prepares a few dozen.
 * PGlite runs it as any query.
 */
export async function readOne<T>(exec: Executor, r: Read<T>): Promise<T> {
	// Drizzle's `execute` never prepares raw SQL; its session does when the query has a name.
	const session = (exec as unknown as { session: PreparingSession }).session;
	return r.answer(rowsOf<never>(await session.prepareQuery(session.dialect.sqlToQuery(r.query), undefined, 'read', false).execute()));
}

/** The part of Drizzle's (internal) PgSession that `readOne` uses, the same on postgres.js and PGlite. */
interface PreparingSession {
	dialect: { sqlToQuery(query: SQL): { sql: string; params: unknown[] } };
	prepareQuery(query: { sql: string; params: unknown[] }, fields: undefined, name: string, arrayMode: false): { execute(): Promise<unknown> };
}
