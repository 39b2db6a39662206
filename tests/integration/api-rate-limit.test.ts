/**
 * The per-key rate limit of the metering endpoints, through the real hook and routes. The limiter's
 * clock (Date) stands still while the burst is used up, so no refill interferes with the count;
 * requests with an invalid body are metered like any other (the key is charged before validation)
 * and cost no ledger work, so the burst is reached quickly. The burst size itself is not assumed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { call, callJson, useDb } from '../helpers/http';
import { bearer, member } from '../helpers/api-fixture';
import { configureRates, expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	await useDb(db);
});
afterAll(async () => db?.close());
afterEach(() => void vi.useRealTimers());

let n = 0;
const idem = () => ({ 'idempotency-key': `rate-${backend}-${++n}` });
const operations = async (accountId: string) =>
	Number((await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${accountId}::uuid`))[0]!.n);

/** Sends metered requests with `key` until the first 429; returns it and how many were served before. */
async function exhaust(key: string) {
	for (let served = 0; served < 100_000; served++) {
		const res = await call('/api/v1/check', { headers: bearer(key), body: {} });
		if (res.status === 429) return { served, res };
		expect(res.status, 'an invalid body is refused for itself while the key has budget').toBe(400);
		await res.body?.cancel();
	}
	throw new Error('no 429 after 100,000 requests');
}

describe(`REST per-key rate limit on ${backend}`, () => {
	it('answers 429 rate_limited with Retry-After once a key used its burst, spends nothing, and leaves other keys alone', async () => {
		const a = await member(db, 1000);
		const b = await member(db, 1000);
		vi.useFakeTimers({ toFake: ['Date'] });
		const { served, res } = await exhaust(a.key);
		expect(served).toBeGreaterThan(0);
		expect(await res.json()).toMatchObject({ error: 'rate_limited', message: expect.any(String) });
		const retryAfter = res.headers.get('retry-after');
		expect(retryAfter).toMatch(/^[1-9]\d*$/);

		// Every metered route refuses the key now, and a refused consume spends nothing.
		const before = await operations(a.accountId);
		const consume = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: { feature: 'search_images', units: 1 } });
		expect(consume).toMatchObject({ status: 429, json: { error: 'rate_limited' } });
		expect(consume.headers.get('retry-after')).toBe(retryAfter);
		const holds = await callJson('/api/v1/holds', { headers: bearer(a.key, idem()), body: { feature: 'search_images', max_tokens: 5 } });
		expect(holds.status).toBe(429);
		expect(await operations(a.accountId)).toBe(before);
		expect((await callJson('/api/v1/balance', { headers: bearer(a.key) })).json).toMatchObject({ available: 1000 });

		// Another key has its own budget.
		const other = await callJson('/api/v1/consume', { headers: bearer(b.key, idem()), body: { feature: 'search_images', units: 1 } });
		expect(other.status).toBe(200);

		// After Retry-After seconds the key is served again.
		vi.setSystemTime(Date.now() + Number(retryAfter) * 1000);
		const later = await callJson('/api/v1/consume', { headers: bearer(a.key, idem()), body: { feature: 'search_images', units: 1 } });
		expect(later).toMatchObject({ status: 200, json: { cost: 10 } });
		await expectInvariants(db);
	});
});
