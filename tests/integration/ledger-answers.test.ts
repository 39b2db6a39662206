import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';
import { DomainError } from '../../src/lib/server/errors';
import { adjustAnswer, callLedger, consumeAnswer, grantAnswer } from '../../src/lib/server/ledger/sql-result';
import { adjustBalance, endLot, grant } from '../../src/lib/server/ledger';
import { makeUser } from '../helpers/ledger';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

// Each ledger SQL function's answer is parsed once, by its schema, where the ledger calls Postgres:
// what reaches the code above is typed, an error answer is a DomainError, and an answer the SQL
// should never give is a loud failure instead of a value with missing fields.
describe(`ledger SQL answers on ${backend}`, () => {
	it('an answer that does not fit its function’s schema fails, naming the field, not passing on half a value', async () => {
		const call = callLedger(db.orm, sql`select '{"ok": true, "created": true, "lot_id": "not-a-uuid"}'::jsonb as r`, grantAnswer);
		await expect(call).rejects.toThrow(/outside its schema: .*lot_id/);
		await expect(call).rejects.not.toBeInstanceOf(DomainError);
	});

	it('a refusal naming figures says them as the app writes them: 29,000 tokens, not 29000', async () => {
		const u = await makeUser(db);
		const lot = await grant(db.orm, { accountId: u.accountId, tokens: 29_000, source: 'bonus' });
		await expect(endLot(db.orm, { lotId: lot.lotId, actor: {} })).rejects.toMatchObject({
			code: 'conflict',
			message: 'This lot is not unlimited (it holds 29,000 tokens): only an unlimited lot ends this way.'
		});
		const take = (tokens: number) => adjustBalance(db.orm, { accountId: u.accountId, mode: 'delta', tokens: -tokens, reason: 'Test', actorUserId: u.userId, key: `k-${crypto.randomUUID()}` });
		await expect(take(30_000)).rejects.toMatchObject({ code: 'insufficient_tokens', message: 'Only 29,000 tokens are there to take back.' });
		await take(28_999);
		await expect(take(2)).rejects.toMatchObject({ code: 'insufficient_tokens', message: 'Only 1 token is there to take back.' });
	});

	it('an error answer is the DomainError of its code and message; a refusal is an answer only where it is one', async () => {
		const refusal = sql`select '{"ok": false, "code": "insufficient_tokens", "message": "Only 3 tokens are there to take back."}'::jsonb as r`;
		// quota_adjust refuses: for an adjustment that is an error (nothing is stored under a key).
		await expect(callLedger(db.orm, refusal, adjustAnswer)).rejects.toMatchObject({
			code: 'insufficient_tokens',
			message: 'Only 3 tokens are there to take back.'
		});
		// A consume's refusal carries the figures of a check, so it is that function's answer.
		const refused = await callLedger(
			db.orm,
			sql`select jsonb_build_object('ok', false, 'code', 'insufficient_tokens', 'message', null,
				'details', jsonb_build_object('cost', 5, 'available', 3), 'cost', 5, 'paid_by', '[]'::jsonb,
				'remaining', 3, 'level', 'empty', 'active', true, 'allowance', null) as r`,
			consumeAnswer
		);
		expect(refused).toMatchObject({ ok: false, code: 'insufficient_tokens', details: { cost: 5, available: 3 } });
		await expect(
			callLedger(db.orm, sql`select '{"ok": false, "code": "unknown_feature", "message": "Unknown feature ''x''."}'::jsonb as r`, consumeAnswer)
		).rejects.toMatchObject({ code: 'unknown_feature', message: "Unknown feature 'x'." });
	});
});
