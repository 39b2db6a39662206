// `level` on POST /api/v1/check is the light for the request asked about: a refused request is red
// (`empty`) even when tokens are left for a smaller one, so a traffic light built on it never shows
// green or yellow for a request that consume would refuse. Checks change nothing. A consume's and a
// hold's answers carry the same light for what they spent or held, and a replay says it again.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { setAllowanceRule } from '../../src/lib/server/ledger';

let db: Db;
beforeAll(async () => {
	({ db } = await openRestApi());
	// 100 free chat tokens a day; ai_bots costs 2.5 tokens a word; the site's low share is 20%.
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 100, period: 'daily' });
}, 120_000);
afterAll(async () => db?.close());

describe(`check's level is this request's light, on ${backend}`, () => {
	it('ok, low, empty when it leaves nothing, and empty when refused with tokens left', async () => {
		const m = await member(db, 0);
		const check = async (units: number) => (await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'ai_bots', units } })).json;
		expect(await check(10)).toMatchObject({ allowed: true, cost: 25, remaining_after: 75, level: 'ok' });
		expect(await check(36)).toMatchObject({ allowed: true, cost: 90, remaining_after: 10, level: 'low' });
		expect(await check(40)).toMatchObject({ allowed: true, cost: 100, remaining_after: 0, level: 'empty' });
		// More than the allowance holds: refused, nothing spent, all 100 still spendable by a smaller request.
		expect(await check(60)).toMatchObject({ allowed: false, reason: 'allowance_exhausted', cost: 150, remaining_after: 100, level: 'empty' });
		expect(await check(10)).toMatchObject({ allowed: true, remaining_after: 75, level: 'ok' });
		await expectInvariants(db);
	});

	it("consume and holds answer the light of what they spent or held, as check says it before, and a replay says it again", async () => {
		const m = await member(db, 0);
		const post = async (path: string, body: object, key = randomUUID()) =>
			(await callJson(path, { headers: bearer(m.key, { 'idempotency-key': key }), body })).json;
		expect(await post('/api/v1/consume', { feature: 'ai_bots', units: 10 })).toMatchObject({ cost: 25, remaining: 75, level: 'ok' });
		// 60 of the 75 left held: 15 spendable, with the hold's own 60 counted as the account's (75 of 100): ok.
		const held = await post('/api/v1/holds', { feature: 'ai_bots', max_tokens: 60, ttl_seconds: 600 });
		expect(held).toMatchObject({ held: 60, remaining: 15, level: 'ok' });
		expect((await callJson(`/api/v1/holds/${held.hold_id}/release`, { method: 'POST', headers: bearer(m.key) })).status).toBe(200);
		const again = randomUUID();
		expect(await post('/api/v1/consume', { feature: 'ai_bots', units: 24 }, again)).toMatchObject({ cost: 60, remaining: 15, level: 'low' });
		expect(await post('/api/v1/consume', { feature: 'ai_bots', units: 24 }, again)).toMatchObject({ cost: 60, remaining: 15, level: 'low' });
		expect(await post('/api/v1/holds', { feature: 'ai_bots', max_tokens: 15, ttl_seconds: 600 })).toMatchObject({ held: 15, remaining: 0, level: 'empty' });
		await expectInvariants(db);
	});
});
