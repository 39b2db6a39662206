import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Db } from '../../src/lib/server/db/client';
import type {} from './template-db'; // its ProvidedContext declaration

export const backend = (process.env.QUOTA_TEST_BACKEND ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A PGlite database in the directory `dir` (as an app process keeps it, to close and reopen), started
 * from the run's migrated template on its first opening: migrating an empty directory takes seconds.
 */
export async function pgliteDir(dir: string): Promise<Db> {
	const empty = !existsSync(dir) || readdirSync(dir).length === 0;
	return openPglite(dir, empty ? { loadDataDir: templateTar() } : {});
}

let loadedTemplate: { path: string; tar: ArrayBuffer } | undefined;

/**
 * The run's migrated template as PGlite's `loadDataDir` reads it (its `type` and `arrayBuffer()`), read
 * from disk once per worker. Not a Blob: Node 20's Blob.arrayBuffer() gathers the 43 MB tar in small
 * pieces, about half a second of CPU per test file in a profile (getSource, readNext, concat). One
 * buffer serves every opening: PGlite copies each file out of it into its in-memory file system (a
 * copy per opening cost another 130 ms).
 */
function templateTar(): Blob {
	const path = inject('templateDb');
	if (loadedTemplate?.path !== path) {
		const read = readFileSync(path);
		// readFileSync gives a buffer of its own for a file this size; sliced only if it ever shares one.
		const tar = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? read.buffer : read.buffer.slice(read.byteOffset, read.byteOffset + read.byteLength);
		loadedTemplate = { path, tar };
	}
	const { tar } = loadedTemplate;
	return { type: 'application/x-tar', size: tar.byteLength, arrayBuffer: async () => tar } as unknown as Blob;
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on
 * TEST_DATABASE_URL; both copied from the run's migrated template (tests/helpers/template-db.ts).
 */
export async function freshDb(opts: { poolSize?: number } = {}): Promise<Db & { url?: string }> {
	const template = inject('templateDb');
	if (backend === 'pglite') {
		return openPglite(undefined, { loadDataDir: templateTar() });
	}
	const adminUrl = process.env.TEST_DATABASE_URL;
	if (!adminUrl) throw new Error('QUOTA_TEST_BACKEND=postgres needs TEST_DATABASE_URL');
	const name = `quota_test_${randomBytes(6).toString('hex')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name} template ${template}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	const db = openPostgres(url.toString(), { max: opts.poolSize ?? 10 });
	return {
		...db,
		url: url.toString(),
		close: async () => {
			await db.close();
			const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
			await cleanup.unsafe(`drop database if exists ${name} with (force)`);
			await cleanup.end();
		}
	};
}

/**
 * Every table's state as a digest per table (`schema.table` → its row count and the newest row
 * version's writer, `count:max(xmin)`): the same before and after a call that changed nothing, and a
 * difference names the table that changed. Any insert, update or delete that commits shows: a new row
 * version carries its transaction's id, newer than every row already there, and a delete alone lowers
 * the count. A write rolled back leaves none. Stricter than comparing rows: an update that writes the
 * same values counts as a change. Reading two figures per table instead of hashing every row's text
 * makes the authorization matrix's 254 digests cost about 2.5 s of PGlite's time instead of 6.3 s.
 */
export async function tableDigests(db: Db): Promise<Record<string, string>> {
	const tables = await db.rows<{ ident: string; label: string }>(
		sql`select format('%I.%I', schemaname, tablename) as ident, quote_literal(schemaname || '.' || tablename) as label from pg_catalog.pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1`
	);
	const digests = await db.rows<{ name: string; digest: string }>(
		sql.raw(tables.map((t) => `select ${t.label} as name, count(*) || ':' || coalesce(max(r.xmin::text::bigint), 0) as digest from ${t.ident} r`).join(' union all '))
	);
	return Object.fromEntries(digests.map((d) => [d.name, d.digest]));
}
