import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { check, consume, getFeature, grant, listFeatures, upsertFeature } from '../../src/lib/server/ledger';
import { costOf } from '../../src/lib/cost';

// The ledger prices an operation in SQL (quota_spend_price: ceil(units * tokens_per_unit) in numeric);
// every page that shows a cost computes it with lib/cost.ts. They must agree to the token.
let db: Db;
let accountId: string;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	accountId = (await makeUser(db)).accountId;
});
afterAll(async () => db?.close());

const feature = (key: string, tokensPerUnit: number) =>
	upsertFeature(db.orm, { key, name: key, module: 'chat', unit: 'character', tokensPerUnit });

describe(`a cost is the same in the browser and in the ledger, on ${backend}`, () => {
	it('100 characters at 0.07 tokens each cost 7 tokens, charged and estimated', async () => {
		await feature('summary', 0.07);
		await grant(db.orm, { accountId, tokens: 100, source: 'bonus' });
		const rate = (await getFeature(db.orm, 'summary')).tokensPerUnit;
		expect(costOf(100, rate)).toBe(7);
		const charged = await consume(db.orm, { accountId, feature: 'summary', units: 100, actor: {}, idempotency: { scope: 'cost', key: 'seven' } });
		expect(charged.cost).toBe(7);
		await expectInvariants(db);
	});

	it('for any rate (up to 4 decimal places) and any units, the estimate equals what the ledger prices', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 10_000_000_000 }), // the rate in 1/10,000 tokens: 0.0001 … 1,000,000
				fc.integer({ min: 1, max: 1_000_000_000 }),
				async (tenThousandths, units) => {
					await feature('priced', tenThousandths / 10_000);
					// The rate as the pages get it (a JSON number read back from numeric(14, 4)).
					const listed = (await listFeatures(db.orm)).find((f) => f.key === 'priced')!.tokensPerUnit;
					const priced = await check(db.orm, { accountId, feature: 'priced', units });
					expect(costOf(units, listed)).toBe(priced.cost);
				}
			),
			{ numRuns: 60 }
		);
	});

	it('refuses a rate with more decimal places than the ledger keeps, instead of rounding it', async () => {
		await feature('kept', 0.5);
		expect(await outcome(feature('kept', 0.12345))).toBe('invalid_input');
		expect(await outcome(feature('kept', 0))).toBe('invalid_input');
		expect(await outcome(feature('kept', 1_000_000.5))).toBe('invalid_input');
		expect((await getFeature(db.orm, 'kept')).tokensPerUnit).toBe(0.5);
	});
});
