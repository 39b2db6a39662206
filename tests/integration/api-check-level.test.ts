// `level` on POST /api/v1/check is the light for the request asked about: a refused request is red
// (`empty`) even when tokens are left for a smaller one, so a traffic light built on it never shows
// green or yellow for a request that consume would refuse. Checks change nothing.
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
});
