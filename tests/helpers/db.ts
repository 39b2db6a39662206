import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { openPglite, openPostgres, type Db } from '../../src/lib/server/db/client';
import { seedDemo } from '../../src/lib/server/demo/seed';
import { demoTemplate } from './template-db';

export const backend = (process.env.QUOTA_TEST_BACKEND ?? 'pglite') as 'pglite' | 'postgres';

/**
 * A PGlite database in the directory `dir` (as an app process keeps it, to close and reopen), started
 * from the run's migrated template on its first opening: migrating an empty directory takes seconds.
 */
export async function pgliteDir(dir: string): Promise<Db> {
	const empty = !existsSync(dir) || readdirSync(dir).length === 0;
	return openPglite(dir, empty ? { loadDataDir: templateTar() } : {});
}

/** The templates' tars read so far in this worker, by path (the migrated one, and the demo's). */
const loadedTemplates = new Map<string, ArrayBuffer>();

/**
 * The run's migrated template as PGlite's `loadDataDir` reads it (its `type` and `arrayBuffer()`), read
 * from disk once per worker. Not a Blob: Node 20's Blob.arrayBuffer() gathers the 43 MB tar in small
 * pieces, about half a second of CPU per test file in a profile (getSource, readNext, concat). One
 * buffer serves every opening: PGlite copies each file out of it into its in-memory file system (a
 * copy per opening cost another 130 ms).
 */
function templateTar(path = inject('templateDb')): Blob {
	let tar = loadedTemplates.get(path);
	if (!tar) {
		const read = readFileSync(path);
		// readFileSync gives a buffer of its own for a file this size; sliced only if it ever shares one.
		tar = read.byteOffset === 0 && read.byteLength === read.buffer.byteLength ? read.buffer : read.buffer.slice(read.byteOffset, read.byteOffset + read.byteLength);
		loadedTemplates.set(path, tar);
	}
	const bytes = tar;
	return { type: 'application/x-tar', size: bytes.byteLength, arrayBuffer: async () => bytes } as unknown as Blob;
}

/**
 * The run's demo template (template-db.ts's demoTemplate: a tar, or a database), the migrated template
 * with seedDemo's data. The first file to ask seeds it, holding a lock file; the others wait for it and
 * copy it: a seed costs about 2 s of CPU on PGlite and 1.5 s on PostgreSQL, and four files start from
 * the demo. Its dates are relative to its seeding, at most the run's few minutes before a file starts.
 */
async function demoTemplateName(): Promise<string> {
	const template = inject('templateDb');
	const demo = demoTemplate(template);
	const waitUntil = Date.now() + 180_000;
	while (!existsSync(demo.built)) {
		try {
			closeSync(openSync(demo.lock, 'wx'));
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
			if (Date.now() > waitUntil) throw new Error(`The demo template took over 3 minutes: is ${demo.lock} left from a run that stopped?`);
			await sleep(100);
			continue;
		}
		try {
			if (backend === 'pglite') {
				const db = await openPglite(undefined, { loadDataDir: templateTar(template) });
				await seedDemo(db);
				writeFileSync(`${demo.name}.part`, Buffer.from(await (await db.dump()).arrayBuffer()));
				await db.close();
				renameSync(`${demo.name}.part`, demo.name);
			} else {
				const db = await databaseFrom(template, demo.name, 4);
				await seedDemo(db);
				await db.close();
			}
			writeFileSync(demo.built, '');
		} finally {
			rmSync(demo.lock, { force: true });
		}
	}
	return demo.name;
}

/** A new database `name` on TEST_DATABASE_URL, copied from the database `template`. */
async function databaseFrom(template: string, name: string, poolSize: number): Promise<Db & { url: string }> {
	const adminUrl = process.env.TEST_DATABASE_URL;
	if (!adminUrl) throw new Error('QUOTA_TEST_BACKEND=postgres needs TEST_DATABASE_URL');
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name} template ${template}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	return { ...openPostgres(url.toString(), { max: poolSize }), url: url.toString() };
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on
 * TEST_DATABASE_URL; both copied from the run's migrated template (tests/helpers/template-db.ts), or
 * with `demo`, from the run's demo template: the demo as seedDemo loads it.
 */
export async function freshDb(opts: { poolSize?: number; demo?: boolean } = {}): Promise<Db & { url?: string }> {
	const template = opts.demo ? await demoTemplateName() : inject('templateDb');
	if (backend === 'pglite') {
		return openPglite(undefined, { loadDataDir: templateTar(template) });
	}
	const name = `quota_test_${randomBytes(6).toString('hex')}`;
	const db = await databaseFrom(template, name, opts.poolSize ?? 10);
	return {
		...db,
		close: async () => {
			await db.close();
			const cleanup = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
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
