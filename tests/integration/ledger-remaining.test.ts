/**
 * `remaining` on a feature that is off for the account is 0 wherever it is answered (quota_remaining,
 * the one definition): a feature disabled, or its module's limit 0 for the account, refuses every
 * spend (quota_spend_plan), so whatever the lots hold, nothing is spendable there. A hold opened
 * before the feature went off still settles and releases: its answer says 0, not the lots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { balances, check, grant, hold, release, setAllowanceRule, settle, upsertFeature, upsertModule } from '../../src/lib/server/ledger';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	await upsertModule(db.orm, { key: 'later', name: 'Later', limitMessage: 'Later is closed.', onExhausted: 'message' });
	await upsertFeature(db.orm, { key: 'later_op', name: 'Later op', module: 'later', unit: 'operation', tokensPerUnit: 10 });
});
afterAll(async () => db?.close());

const key = () => ({ scope: 'remaining', key: randomUUID() });
const setEnabled = (feature: string, enabled: boolean) => db.rows(sql`update features set enabled = ${enabled} where key = ${feature}`);

describe(`what is left on a feature that is off, on ${backend}`, () => {
	it('a hold opened before its feature was disabled settles and releases with 0 remaining; the lots keep what they hold', async () => {
		const m = await makeUser(db);
		await grant(db.orm, { accountId: m.accountId, tokens: 1000, source: 'purchase' });
		const a = await hold(db.orm, { accountId: m.accountId, feature: 'generate_texts', maxTokens: 300, ttlSeconds: 600, actor: {}, idempotency: key() });
		const b = await hold(db.orm, { accountId: m.accountId, feature: 'generate_texts', maxTokens: 200, ttlSeconds: 600, actor: {}, idempotency: key() });
		expect(a.remaining).toBe(700);
		await setEnabled('generate_texts', false);
		try {
			expect(await settle(db.orm, a.holdId, 120, key())).toMatchObject({ cost: 120, released: 180, remaining: 0 });
			expect(await release(db.orm, b.holdId, key())).toMatchObject({ cost: 0, released: 200, remaining: 0 });
			expect(await check(db.orm, { accountId: m.accountId, feature: 'generate_texts', units: 1 })).toMatchObject({ allowed: false, code: 'feature_disabled', remainingAfter: 0 });
			// The tokens are the account's still, for any other feature.
			expect((await balances(db.orm, m.accountId)).available).toBe(1000 - 120);
			expect(await check(db.orm, { accountId: m.accountId, feature: 'search_images', units: 1 })).toMatchObject({ allowed: true, remainingAfter: 880 - 10 });
		} finally {
			await setEnabled('generate_texts', true);
		}
		await expectInvariants(db);
	});

	it("a module whose limit became 0 for the account: its hold settles with 0 remaining, the account's other modules unchanged", async () => {
		const m = await makeUser(db, 'trial');
		await grant(db.orm, { accountId: m.accountId, tokens: 500, source: 'purchase' });
		const h = await hold(db.orm, { accountId: m.accountId, feature: 'later_op', maxTokens: 50, ttlSeconds: 600, actor: {}, idempotency: key() });
		expect(h.remaining).toBe(450);
		await setAllowanceRule(db.orm, { module: 'later', audience: 'role', role: 'trial', limitTokens: 0, period: 'daily' });
		expect(await settle(db.orm, h.holdId, 30, key())).toMatchObject({ cost: 30, released: 20, remaining: 0 });
		expect(await check(db.orm, { accountId: m.accountId, feature: 'later_op', units: 1 })).toMatchObject({ allowed: false, code: 'feature_disabled', remainingAfter: 0 });
		expect(await check(db.orm, { accountId: m.accountId, feature: 'search_images', units: 1 })).toMatchObject({ allowed: true, remainingAfter: 470 - 10 });
		await expectInvariants(db);
	});
});
