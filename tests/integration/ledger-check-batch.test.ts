import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { check, grant, setCap, type CheckRequest, type CheckResult } from '../../src/lib/server/ledger';

// Checks asked at the same time share one statement (ledger/spend.ts checkBatch). Each keeps its own
// answer or refusal: the same as when it is asked alone, inside a transaction (where it is never batched).

let db: Db;
beforeAll(async () => {
	db = await freshDb({ poolSize: 4 });
	await configureRates(db);
});
afterAll(async () => db?.close());

/** A check's answer, or the code it was refused with. */
const answerOf = (p: Promise<CheckResult>): Promise<CheckResult | string> => p.then((a) => a, () => outcome(p));

describe('checks asked together', () => {
	it('answer each request as if it were asked alone, and change nothing', async () => {
		const rich = await makeUser(db);
		const poor = await makeUser(db);
		const capped = await makeUser(db);
		await grant(db.orm, { accountId: rich.accountId, tokens: 5_000, source: 'purchase' });
		await grant(db.orm, { accountId: poor.accountId, tokens: 30, source: 'purchase' });
		await grant(db.orm, { accountId: capped.accountId, tokens: 5_000, source: 'purchase' });
		await setCap(db.orm, { accountId: capped.accountId, period: 'daily', limitTokens: 100 });
		const requests: CheckRequest[] = [
			{ accountId: rich.accountId, feature: 'generate_texts', units: 3 },
			{ accountId: poor.accountId, feature: 'generate_texts', units: 1 },
			{ accountId: capped.accountId, feature: 'search_images', units: 4 },
			{ accountId: capped.accountId, feature: 'search_images', units: 20 },
			{ accountId: rich.accountId, feature: 'ai_bots', units: 10, model: 'gpt-5-nano' },
			{ accountId: rich.accountId, feature: 'no_such_feature', units: 1 },
			{ accountId: randomUUID(), feature: 'generate_texts', units: 1 },
			{ accountId: 'not-a-uuid', feature: 'generate_texts', units: 1 },
			{ accountId: rich.accountId, feature: 'generate_texts', units: 0 }
		];
		const together = await Promise.all(requests.map((r) => answerOf(check(db.orm, r))));
		const alone = [];
		for (const r of requests) alone.push(await answerOf(db.orm.transaction((tx) => check(tx, r))));
		expect(together).toEqual(alone);
		// What each was told, so that equal answers cannot both be wrong.
		expect(together.map((a) => (typeof a === 'string' ? a : a.allowed ? 'allowed' : a.code))).toEqual([
			'allowed',
			'insufficient_tokens',
			'allowed',
			'cap_reached',
			'allowed',
			'unknown_feature',
			'not_found',
			'invalid_input',
			'invalid_input'
		]);
		await expectInvariants(db);
	});
});
