import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

describe(`migrations on ${backend}`, () => {
	it('create the schema, and applying them again at the next start changes nothing', async () => {
		const tables = async () =>
			(await db.rows<{ n: number }>(sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`))[0]!.n;
		const before = await tables();
		expect(before).toBeGreaterThanOrEqual(20);
		await db.migrate();
		expect(await tables()).toBe(before);
	});

	it('reads token amounts back as numbers on this driver', async () => {
		const [row] = await db.rows<{ n: number }>(sql`select 9007199254740991::int8 as n`);
		expect(row!.n).toBe(Number.MAX_SAFE_INTEGER);
	});
});
