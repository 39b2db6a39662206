// A check's `level` (POST /api/v1/check, the playground's) and a consume's (its answer as the ledger stores and
// replays it) measure what the dashboard's level measures (ledger/share.ts): the tokens left, those running jobs
// hold included, against what the lots with tokens in them, or a running hold emptied, were granted. So the
// light shown after a use is the dashboard's light.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { balances, consume, grant, hold, release, upsertFeature } from '../../src/lib/server/ledger';

let db: Db;
beforeAll(async () => {
	({ db } = await openRestApi());
	// One token a unit keeps the arithmetic readable; its module has no free allowance.
	await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
}, 120_000);
afterAll(async () => db?.close());

const key = () => ({ scope: 'spend-level', key: randomUUID() });
const inMonth = () => new Date(Date.now() + 30 * 86_400_000);

/** A consume of `units` tokens: what is left after it and its level, as its stored answer says them. */
async function spend(accountId: string, units: number) {
	const { operationId } = await consume(db.orm, { accountId, feature: 'plain', units, actor: {}, idempotency: key() });
	const [op] = await db.rows<{ remaining: number; level: string }>(sql`select (response->>'remaining')::int as remaining, response->>'level' as level from operations where id = ${operationId}::uuid`);
	return op;
}

/** 900 never expiring and a 100 bonus that expires, spent first. */
async function memberWithBonus() {
	const m = await member(db, 900);
	await grant(db.orm, { accountId: m.accountId, tokens: 100, source: 'bonus', expiresAt: inMonth() });
	return m;
}

describe(`a spend's level is the dashboard's, on ${backend}`, () => {
	it("while a running job's hold holds a lot it emptied: the check, the consume and the dashboard say ok", async () => {
		const m = await memberWithBonus();
		const job = await hold(db.orm, { accountId: m.accountId, feature: 'plain', maxTokens: 100, ttlSeconds: 600, actor: {}, idempotency: key() });
		// The hold emptied the bonus. After 710 more: 190 spendable + 100 held = 290 of the 1,000 granted (29%).
		const check = (await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'plain', units: 710 } })).json;
		expect(check).toMatchObject({ allowed: true, remaining_after: 190, level: 'ok' });
		const used = await spend(m.accountId, 710);
		expect(used).toMatchObject({ remaining: 190, level: 'ok' });
		expect(await balances(db.orm, m.accountId)).toMatchObject({ available: 190, held: 100, level: 'ok' });
		// 60 more: 230 of 1,000 (23%); then 40: 190 of 1,000 (19%), below the site's 20%, for all three.
		expect(await spend(m.accountId, 60)).toMatchObject({ remaining: 130, level: 'ok' });
		const low = await spend(m.accountId, 40);
		expect(low).toMatchObject({ remaining: 90, level: 'low' });
		expect(await balances(db.orm, m.accountId)).toMatchObject({ available: 90, held: 100, level: 'low' });
		await release(db.orm, job.holdId, key());
		await expectInvariants(db);
	});

	it('once a use spent a lot to nothing: it leaves the allocation for the check, the consume and the dashboard alike', async () => {
		const m = await memberWithBonus();
		await spend(m.accountId, 100);
		// The bonus is spent: 190 of the 900 still granted after 710 more (21%), not of 1,000 (19%).
		const check = (await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'plain', units: 710 } })).json;
		expect(check).toMatchObject({ allowed: true, remaining_after: 190, level: 'ok' });
		const used = await spend(m.accountId, 710);
		expect(used).toMatchObject({ remaining: 190, level: 'ok' });
		expect(await balances(db.orm, m.accountId)).toMatchObject({ available: 190, level: 'ok' });
		await expectInvariants(db);
	});
});
