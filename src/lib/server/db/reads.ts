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
 * Runs one read: one statement, one round trip (on PostgreSQL every query is a prepared statement,
 * db/prepared.ts). PGlite runs it as any query.
 */
export async function readOne<T>(exec: Executor, r: Read<T>): Promise<T> {
	return r.answer(rowsOf<never>(await exec.execute(r.query)));
}
