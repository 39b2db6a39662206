import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import { queryRows, type Db } from '../../src/lib/server/db/client';
import { grant, lotsOf } from '../../src/lib/server/ledger';
import { lotRowsSql } from '../../src/lib/server/ledger/account-figures';

// A user's Lots (the console's user page, the REST grants) say of each lot whether its expiry took tokens
// and whether someone ended it: both are in its expiry entries. The lot a heavy user's purchase made may
// have paid for a million uses; reading them all to find its one expiry entry took 0.9 s a page
// (bench:dashboard, a user's detail), and grows with every use.

const USES = 1_200;
let db: Db;
let accountId: string;

beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	const u = await makeUser(db);
	accountId = u.accountId;
	await grant(db.orm, { accountId, tokens: 20_000, source: 'bonus', expiresAt: new Date(Date.now() + 60_000) });
	await db.rows(sql`
		select quota_spend(p_mode => 'consume', p_account => ${accountId}::uuid, p_actor_user => ${u.userId}::uuid,
			p_feature => 'search_images', p_units => 1, p_scope => 'lot-reads', p_key => 'use-' || n, p_hash => 'h', p_notify => false)
		  from generate_series(1, ${USES}::int) n order by n`);
	// Past its expiry: the sweep takes the 8,000 tokens left (an expiry entry on the lot).
	await db.rows(sql`select quota_sweep(p_limit => 500, p_now => now() + interval '2 minutes')`);
});
afterAll(async () => db?.close());

interface PlanNode {
	'Relation Name'?: string;
	'Actual Rows'?: number;
	'Actual Loops'?: number;
	'Rows Removed by Filter'?: number;
	Plans?: PlanNode[];
}

/** Every row the plan's scans of `entries` read: those it returned and those its filter dropped. */
function entriesRead(node: PlanNode): number {
	const own = node['Relation Name'] === 'entries' ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1) : 0;
	return own + (node.Plans ?? []).reduce((sum, p) => sum + entriesRead(p), 0);
}

describe(`a user's lots on ${backend}`, () => {
	it(`say a lot that paid ${USES} uses expired, reading its expiry entry and none of its uses`, async () => {
		const [lot] = await lotsOf(db.orm, accountId, 50);
		expect(lot).toMatchObject({ amount: 20_000, remaining: 0, expired: true, ended: false, active: false });
		const [row] = await queryRows<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(db.orm, sql`explain (analyze, format json) ${lotRowsSql(accountId, sql``, 50)}`);
		const plan = row!['QUERY PLAN'];
		const [{ Plan }] = typeof plan === 'string' ? JSON.parse(plan) : plan;
		expect(entriesRead(Plan), JSON.stringify(Plan)).toBeLessThanOrEqual(2);
		await expectInvariants(db);
	});
});
