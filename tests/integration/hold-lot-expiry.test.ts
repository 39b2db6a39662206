// A lot that expires while a running job holds some of its tokens. What the job gives back at its
// settle (or its hold's expiry) cannot go back into the spent-out lot for good: it expires there at
// once, as the rest of the lot did, so the statement's balance stays the dashboard's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { freshDb } from '../helpers/db';
import { configureRates, expectInvariants, lotRemaining, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { balances, consume, grant, hold, lotsOf, release, settle, statement, sweepExpired } from '../../src/lib/server/ledger';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db); // search_images: no free allowance, so a hold takes from the lots
});
afterAll(async () => db?.close());

const key = () => ({ scope: 'hold-lot-expiry', key: randomUUID() });

/** A member with 1,000 bought tokens and a bonus of 100 that expires in `ms`, 80 of it held by a running job. */
async function heldBonus(ms: number) {
	const u = await makeUser(db);
	await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase' });
	const bonus = await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'bonus', expiresAt: new Date(Date.now() + ms) });
	const h = await hold(db.orm, { accountId: u.accountId, feature: 'search_images', maxTokens: 80, ttlSeconds: 600, actor: {}, idempotency: key() });
	// The soonest-expiring lot pays first: the job's tokens are the bonus's.
	expect(h.paidBy).toEqual([expect.objectContaining({ id: bonus.lotId, tokens: 80 })]);
	await new Promise((r) => setTimeout(r, ms + 100));
	expect(await sweepExpired(db)).toBeGreaterThan(0); // the bonus's 20 free tokens expire; the 80 held stay the job's
	return { accountId: u.accountId, lotId: bonus.lotId, holdId: h.holdId };
}

/** The statement's balance against the dashboard's (available + held), and the lot's remaining. */
async function figures(accountId: string, lotId: string) {
	const [b, s] = [await balances(db.orm, accountId), await statement(db.orm, accountId)];
	return { dashboard: b.available + b.held, statement: s.balance, lot: await lotRemaining(db, lotId), lines: s.rows.slice(0, 3).map((r) => [r.kind, r.tokens]) };
}

describe('tokens a job gives back to a lot that expired while it ran', () => {
	it('expire at the settle, each in an expiry of its own: the statement and the dashboard say 1,000', async () => {
		const { accountId, lotId, holdId } = await heldBonus(1000);
		await settle(db.orm, holdId, 30, key());
		expect(await figures(accountId, lotId)).toEqual({
			dashboard: 1000,
			statement: 1000,
			lot: 0,
			// Newest first: the 50 the job gave back expired, after its 30 were spent.
			lines: [['expiry', -50], ['spend', -30], ['expiry', -20]]
		});
		await expectInvariants(db);
	});

	it('expire at a release too, all 80', async () => {
		const { accountId, lotId, holdId } = await heldBonus(1000);
		await release(db.orm, holdId, key());
		expect(await figures(accountId, lotId)).toMatchObject({ dashboard: 1000, statement: 1000, lot: 0, lines: [['expiry', -80], ['expiry', -20], ['grant', 100]] });
		await expectInvariants(db);
	});

	it('leave a lot that has not expired as it was: the tokens come back to be spent', async () => {
		const u = await makeUser(db);
		const lot = await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'bonus', expiresAt: new Date(Date.now() + 3_600_000) });
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'search_images', maxTokens: 80, ttlSeconds: 600, actor: {}, idempotency: key() });
		await settle(db.orm, h.holdId, 30, key());
		expect(await figures(u.accountId, lot.lotId)).toMatchObject({ dashboard: 70, statement: 70, lot: 70 });
		const [{ n }] = (await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${u.accountId}::uuid and kind = 'expire'`)) as [{ n: number }];
		expect(n).toBe(0);
		await expectInvariants(db);
	});

	it('that an earlier version left in the lot expire at the upgrade (migration 0058)', async () => {
		// quota_close_hold as it was before it expired them (drizzle/functions/holds.sql without that step).
		const fixed = /CREATE OR REPLACE FUNCTION quota_close_hold[\s\S]*?\nEND \$\$;/.exec(readFileSync('drizzle/functions/holds.sql', 'utf8'))![0];
		const earlier = fixed.replace(/\n {6}IF v_lot_expired THEN[\s\S]*?\n {6}END IF;/, '');
		expect(earlier).not.toBe(fixed);
		const { accountId, lotId, holdId } = await heldBonus(1000);
		await db.rows(sql.raw(earlier));
		try {
			await settle(db.orm, holdId, 30, key());
		} finally {
			await db.rows(sql.raw(fixed));
		}
		expect(await figures(accountId, lotId)).toMatchObject({ dashboard: 1000, statement: 1050, lot: 50 });
		await db.rows(sql.raw(readFileSync('drizzle/0058_held_tokens_back_in_expired_lots.sql', 'utf8')));
		expect(await figures(accountId, lotId)).toEqual({ dashboard: 1000, statement: 1000, lot: 0, lines: [['expiry', -50], ['spend', -30], ['expiry', -20]] });
		await expectInvariants(db);
	});

	it("leave the lot one the console's Lots table calls expired, where a lot spent out before its expiry is not", async () => {
		const { accountId, lotId, holdId } = await heldBonus(1000);
		await settle(db.orm, holdId, 30, key());
		const spentOut = await grant(db.orm, { accountId, tokens: 10, source: 'bonus', expiresAt: new Date(Date.now() + 1000) });
		await consume(db.orm, { accountId, feature: 'search_images', units: 1, actor: {}, idempotency: key() }); // 10 tokens, the soonest expiry's
		await new Promise((r) => setTimeout(r, 1100));
		await sweepExpired(db);
		const lots = await lotsOf(db.orm, accountId, 10);
		const of = (id: string) => lots.find((l) => l.id === id)!;
		// Both now hold 0 and are past their expiry: only the expiry of the first took tokens.
		expect([of(lotId), of(spentOut.lotId)].map((l) => [l.remaining, l.active, l.expired, l.ended])).toEqual([
			[0, false, true, false],
			[0, false, false, false]
		]);
		await expectInvariants(db);
	});
});
