import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { openPostgres, type Db } from '../../src/lib/server/db/client';

// On PostgreSQL every query runs as a prepared statement (db/prepared.ts): one round trip instead of
// two. What that must not cost: a statement prepared before another process changed a table still
// answers, with the table as it is now.

let db: Db & { url?: string };
beforeAll(async () => {
	db = await freshDb({ poolSize: 1 });
});
afterAll(async () => db?.close());

describe(`queries on ${backend}`, () => {
	it('answers again, with the new column, after another process added one to the table it reads (a deploy migrating under a running app)', async () => {
		await db.rows(sql`create table deploy_probe (id int primary key)`);
		await db.rows(sql`insert into deploy_probe values (1), (2)`);
		const read = () => db.rows<Record<string, unknown>>(sql`select * from deploy_probe where id = ${1}`);
		// Past the five runs after which the server may keep a generic plan.
		for (let i = 0; i < 7; i++) expect(await read()).toEqual([{ id: 1 }]);
		const other = backend === 'postgres' ? openPostgres(db.url!, { max: 1 }) : db;
		try {
			await other.rows(sql`alter table deploy_probe add column note text not null default 'kept'`);
		} finally {
			if (other !== db) await other.close();
		}
		expect(await read()).toEqual([{ id: 1, note: 'kept' }]);
	});

	if (backend === 'postgres')
		it('runs each query as a prepared statement of its connection, inside transactions too', async () => {
			await db.rows(sql`select ${1}::int as alone`);
			await db.orm.transaction(async (tx) => {
				await tx.execute(sql`select ${2}::int as in_transaction`);
			});
			const kept = await db.rows<{ statement: string }>(sql`select statement from pg_prepared_statements`);
			expect(kept.map((k) => k.statement)).toEqual(expect.arrayContaining(['select $1::int as alone', 'select $1::int as in_transaction']));
		});
});
