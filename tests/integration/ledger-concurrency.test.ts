import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { balances, consume, grant, hold, release, settle, upsertFeature } from '../../src/lib/server/ledger';

// On real Postgres these run on many connections at once; on PGlite they interleave in one process.
let db: Db;
beforeAll(async () => {
	db = await freshDb({ poolSize: 32 });
	await configureRates(db);
	await upsertFeature(db.orm, { key: 'ping', name: 'Ping', module: 'product', unit: 'operation', tokensPerUnit: 1 });
});
afterAll(async () => db?.close());


function tally(results: string[]) {
	return results.reduce<Record<string, number>>((t, r) => ({ ...t, [r]: (t[r] ?? 0) + 1 }), {});
}

describe(`concurrency on ${backend}`, () => {
	it('3,200 concurrent 1-token consumes on 1,000 tokens: exactly 1,000 succeed, the rest are refused', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
		const results = await Promise.all(
			Array.from({ length: 3200 }, (_, i) =>
				outcome(consume(db.orm, { accountId: a.accountId, feature: 'ping', units: 1, actor: {}, idempotency: { scope: 'c1', key: `k${i}` } }))
			)
		);
		expect(tally(results)).toEqual({ ok: 1000, insufficient_tokens: 2200 });
		expect((await balances(db.orm, a.accountId)).available).toBe(0);
		await expectInvariants(db);
	});

	it('3,200 concurrent requests over 300 idempotency keys have exactly 300 effects', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 10_000, source: 'purchase' });
		const results = await Promise.all(
			Array.from({ length: 3200 }, (_, i) =>
				outcome(consume(db.orm, { accountId: a.accountId, feature: 'ping', units: 1, actor: {}, idempotency: { scope: 'c2', key: `k${i % 300}` } }))
			)
		);
		// A retry either replays the stored answer or, while the first is still running, is told so.
		expect(results.every((r) => r === 'ok' || r === 'idempotency_key_in_flight')).toBe(true);
		const [ops] = await db.rows<{ n: number }>(
			sql`select count(*)::int as n from operations where account_id = ${a.accountId}::uuid and kind = 'consume'`
		);
		expect(ops!.n).toBe(300);
		expect((await balances(db.orm, a.accountId)).available).toBe(10_000 - 300);
		await expectInvariants(db);
	});

	it('concurrent settles and releases of one hold: exactly one wins', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
		for (let round = 0; round < 5; round++) {
			const h = await hold(db.orm, { accountId: a.accountId, feature: 'ping', maxTokens: 100, ttlSeconds: 60, actor: {}, idempotency: { scope: 'c3', key: `h${round}` } });
			const results = await Promise.all(
				Array.from({ length: 20 }, (_, i) =>
					outcome(
						i % 2
							? settle(db.orm, h.holdId, 40, { scope: 'c3', key: `s${round}-${i}` })
							: release(db.orm, h.holdId, { scope: 'c3', key: `r${round}-${i}` })
					)
				)
			);
			expect(results.filter((r) => r === 'ok')).toHaveLength(1);
			expect(results.filter((r) => r !== 'ok').every((r) => r === 'hold_already_settled')).toBe(true);
		}
		const b = await balances(db.orm, a.accountId);
		expect(b.held).toBe(0);
		await expectInvariants(db);
	});
});
