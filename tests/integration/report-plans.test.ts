import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants } from '../helpers/ledger';
import { member } from '../helpers/api-fixture';
import type { Db } from '../../src/lib/server/db/client';
import { queryRows } from '../../src/lib/server/db/client';
import { consume, rollups } from '../../src/lib/server/ledger';
import { rollupQuery } from '../../src/lib/server/ledger/queries';

// Reports stay O(the account's days) on a site with many users: the member report finds each
// member by primary key. Comparing users.id::text read and sorted every user of the site.

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

describe(`reports by member on ${backend}`, () => {
	it('label each member’s use with their name and API use as “API”', async () => {
		const m = await member(db, 1000);
		await consume(db.orm, { accountId: m.accountId, feature: 'search_images', units: 2, actor: { userId: m.id }, idempotency: { scope: 'report', key: 'r1' } });
		await consume(db.orm, { accountId: m.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: { scope: 'report', key: 'r2' } });
		const report = await rollups(db.orm, m.accountId, { period: 'daily', windows: 1, by: 'member' });
		const byLabel = Object.fromEntries(report.rows.map((r) => [r.label, r]));
		expect(byLabel[m.name]).toMatchObject({ key: m.id, operations: 1 });
		expect(byLabel.API).toMatchObject({ key: '', operations: 1 });
		expect(byLabel[m.name]!.tokens).toBe(2 * byLabel.API!.tokens);
		await expectInvariants(db);
	});

	it('look members up by primary key, never by reading every user', async () => {
		const m = await member(db, 0);
		const plan = await db.orm.transaction(async (tx) => {
			// The test database is small enough that a sequential scan would win; the question is whether the index can serve.
			await tx.execute(sql`set local enable_seqscan = off`);
			const rows = await queryRows<Record<string, string>>(tx, sql`explain ${rollupQuery(m.accountId, { period: 'daily', windows: 90, by: 'member' })}`);
			return rows.map((r) => Object.values(r)[0]).join('\n');
		});
		// One lookup per report row (a nested loop probing the key), not a scan of every user.
		expect(plan, plan).toMatch(/Scan using users_pkey on users u[^\n]*\n\s*Index Cond: \(id = /);
	});
});
