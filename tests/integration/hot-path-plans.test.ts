import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { freshDb, backend } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';
import { queryRows } from '../../src/lib/server/db/client';
import { spendableRead } from '../../src/lib/server/ledger';

// What the metering path asks PostgreSQL stays cheap at any size of site.
//
// A balance read costs the same on a site of 10 accounts or 10,000. The API sends it prepared, so after
// five runs PostgreSQL keeps a generic plan, made without the ids: it guesses 10 of them, and the module
// tables, too small to be analyzed, as large. The allowances' join once sorted every account of the site
// to merge them with the ids (14 ms a read at 10,000 accounts, 4× a consume's database time).

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await db.rows(sql`insert into accounts (kind, name) select 'user', 'Plan ' || n from generate_series(1, 5000) n`);
});
afterAll(async () => db?.close());

describe(`the balance read's plan on ${backend}`, () => {
	it('finds each account by its key, with the plan PostgreSQL keeps for a prepared read', async () => {
		const ids = (await db.rows<{ id: string }>(sql`select id from accounts order by random() limit 4`)).map((r) => r.id);
		const { sql: text, params } = new PgDialect().sqlToQuery(spendableRead(ids[0]!).query);
		// The batched read sends every id to each part of the statement, as a JSON array.
		const args = params.map((p) => (String(p).startsWith('[') ? JSON.stringify(ids) : String(p)));
		const plan = await db.orm.transaction(async (tx) => {
			await tx.execute(sql`set local plan_cache_mode = force_generic_plan`);
			await tx.execute(sql.raw(`prepare balance_plan as ${text}`));
			const list = args.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
			const rows = await queryRows<Record<string, string>>(tx, sql.raw(`explain execute balance_plan(${list})`));
			await tx.execute(sql`deallocate balance_plan`);
			return rows.map((r) => Object.values(r)[0]).join('\n');
		});
		expect(plan, plan).not.toMatch(/Seq Scan on accounts/);
		expect(plan, plan).toMatch(/Index (Only )?Scan using accounts_pkey on accounts/);
	});
});

describe(`the ledger's SQL functions on ${backend}`, () => {
	it('are planned once per connection: a SQL-language function is a single expression, which PostgreSQL inlines', async () => {
		// A SQL function whose body reads a table is not inlined, and PostgreSQL plans its body again on every
		// call; quota_tightest_cap was (about 120 µs of every check). PL/pgSQL keeps its plans.
		const fns = await db.rows<{ name: string; body: string }>(sql`
			select p.proname as name, p.prosrc as body from pg_proc p join pg_language l on l.oid = p.prolang
			 where l.lanname = 'sql' and p.pronamespace = 'public'::regnamespace and left(p.proname, 6) = 'quota_'`);
		expect(fns.length).toBeGreaterThan(0);
		const planned = fns.filter((f) => /\bfrom\b/i.test(f.body.replace(/--[^\n]*/g, ''))).map((f) => f.name);
		expect(planned).toEqual([]);
	});
});
