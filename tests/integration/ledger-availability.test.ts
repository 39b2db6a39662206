/**
 * Whether a module is there for an account: the one rule check, consume and the balance all follow
 * (quota_spend_plan; seeds 000/001: a guest limit left blank is unlimited, 0 disables the module for
 * guests; seed 002: with nothing left, a module set to show as inactive is not shown).
 * - Off (`feature_disabled`, active false, in the balance with limit 0): the account's rule gives 0,
 *   or the account is a guest and no guest rule names the module (a guest gets nothing).
 * - On, nothing left to pay with (no free tokens left, no balance): refused, and active follows the
 *   module's "when the free tokens run out" (inactive → false), whether or not a rule exists.
 * - Otherwise on: active true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, lotRemaining, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { guestAccountFor } from '../../src/lib/server/accounts';
import { check, consume, grant, setAllowanceRule, spendable, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import { storableItem } from '../../src/lib/server/ledger/group-commit';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	const x = db.orm;
	// One module per setting, each with a feature of 10 tokens an operation.
	for (const [key, onExhausted] of [['off', 'message'], ['unset', 'message'], ['unsetinactive', 'inactive'], ['free', 'message'], ['ration', 'inactive']] as const) {
		await upsertModule(x, { key, name: `Module ${key}`, limitMessage: `${key} is not for you.`, onExhausted });
		await upsertFeature(x, { key: `${key}_op`, name: `Op ${key}`, module: key, unit: 'operation', tokensPerUnit: 10 });
	}
	await setAllowanceRule(x, { module: 'off', audience: 'guest', limitTokens: 0, period: 'daily' });
	await setAllowanceRule(x, { module: 'free', audience: 'guest', limitTokens: 100, period: 'daily' });
	// Members get 10 free tokens a day of "ration", which shows as inactive once they are gone.
	await setAllowanceRule(x, { module: 'ration', audience: 'user', limitTokens: 10, period: 'daily' });
});
afterAll(async () => db?.close());

const guest = () => guestAccountFor(db, `visitor-${randomUUID().slice(0, 8)}`);
const use = (accountId: string, module: string) =>
	consume(db.orm, { accountId, feature: `${module}_op`, units: 1, actor: {}, idempotency: { scope: 'availability', key: randomUUID() } }).then(
		() => 'ok',
		(e: { code?: string }) => e.code ?? String(e)
	);
/** What check says, what a consume of the same request then does, and the module's line in the balance. */
async function answers(accountId: string, module: string) {
	const c = await check(db.orm, { accountId, feature: `${module}_op`, units: 1 });
	const consumed = await use(accountId, module);
	const line = (await spendable(db.orm, accountId)).allowances.find((a) => a.module === module);
	return { check: { allowed: c.allowed, code: c.code, active: c.active }, consume: consumed, balance: line ? { limit: line.limit, used: line.used } : null };
}

describe(`whether a module is there for an account, on ${backend}`, () => {
	it('a guest with a guest limit of 0, and a guest whom no guest rule names, are both refused feature_disabled: hidden, limit 0', async () => {
		const g = await guest();
		const off = { check: { allowed: false, code: 'feature_disabled', active: false }, consume: 'feature_disabled', balance: { limit: 0, used: 0 } };
		expect(await answers(g, 'off')).toEqual(off);
		expect(await answers(g, 'unset')).toEqual(off);
		// Whatever the module does when tokens run out: it is not there for guests at all.
		expect(await answers(g, 'unsetinactive')).toEqual(off);
		await expectInvariants(db);
	});

	it('tells a guest refused a module no guest rule names, or a guest limit of 0, that it needs an account, in check, consume and the balance alike; a member refused by 0 that it is not available to them, never the limit message', async () => {
		const g = await guest();
		const words = async (module: string) => {
			const c = await check(db.orm, { accountId: g, feature: `${module}_op`, units: 1 });
			const refused = await consume(db.orm, { accountId: g, feature: `${module}_op`, units: 1, actor: {}, idempotency: { scope: 'availability', key: randomUUID() } }).catch((e: { message: string }) => e.message);
			const line = (await spendable(db.orm, g)).allowances.find((a) => a.module === module);
			return { check: c.message, consume: refused, balance: line?.message };
		};
		const needsAccount = 'Module unset needs an account: sign in or sign up to use it.';
		expect(await words('unset')).toEqual({ check: needsAccount, consume: needsAccount, balance: needsAccount });
		// The site said 0 for guests: not available to them, whose free tokens never were used up.
		const offNeedsAccount = 'Module off needs an account: sign in or sign up to use it.';
		expect(await words('off')).toEqual({ check: offNeedsAccount, consume: offNeedsAccount, balance: offNeedsAccount });
		// A member refused by a limit of 0 is told it is not available to them.
		const m = await makeUser(db);
		await setAllowanceRule(db.orm, { module: 'unset', audience: 'user', limitTokens: 0, period: 'daily' });
		try {
			expect((await check(db.orm, { accountId: m.accountId, feature: 'unset_op', units: 1 })).message).toBe('Module unset: not available to your account.');
		} finally {
			await db.rows(sql`delete from allowance_rules where module = 'unset' and audience = 'user'`);
		}
		// A guest limit spends as a member's does.
		expect(await answers(g, 'free')).toEqual({ check: { allowed: true, code: null, active: true }, consume: 'ok', balance: { limit: 100, used: 10 } });
		await expectInvariants(db);
	});

	it('a guest holding tokens is still refused a module no guest rule names, also in a group-committed batch', async () => {
		const g = await guest();
		const { lotId } = await grant(db.orm, { accountId: g, tokens: 500, source: 'admin' });
		expect(await answers(g, 'unset')).toMatchObject({ check: { code: 'feature_disabled', active: false }, consume: 'feature_disabled' });
		// Nothing is spendable on it, whatever the lots hold.
		expect(await check(db.orm, { accountId: g, feature: 'unset_op', units: 1 })).toMatchObject({ remainingAfter: 0, level: 'empty' });
		// Four at once: the batch's plain spends (quota_spend_plain) must not pay what quota_spend refuses.
		const items = [0, 1, 2, 3].map((i) =>
			storableItem({ mode: 'consume', account: g, actor_user: null, actor_key: null, feature: 'unset_op', units: 1, model: null, hold_tokens: null, hold_ttl_seconds: null,
				scope: 'availability', key: `batch-${g}-${i}`, hash: `h${i}`, metadata: null, now: null })
		);
		const [row] = await db.rows<{ r: unknown }>(sql`select quota_spend_batch(${`[${items.join(',')}]`}::jsonb) as r`);
		const results = (typeof row!.r === 'string' ? JSON.parse(row!.r) : row!.r) as { ok: boolean; code: string | null; message: string | null }[];
		expect(results.map((r) => r.code)).toEqual(['feature_disabled', 'feature_disabled', 'feature_disabled', 'feature_disabled']);
		expect(new Set(results.map((r) => r.message))).toEqual(new Set(['Module unset needs an account: sign in or sign up to use it.']));
		expect(await lotRemaining(db, lotId)).toBe(500);
		await expectInvariants(db);
	});

	it('a module set to show as inactive: once nothing is left to pay with, check and consume refuse it and it is hidden, with or without a free allowance', async () => {
		const m = await makeUser(db);
		// The free 10 a day, then nothing: allowance_exhausted, hidden.
		expect(await answers(m.accountId, 'ration')).toEqual({ check: { allowed: true, code: null, active: true }, consume: 'ok', balance: { limit: 10, used: 10 } });
		expect(await answers(m.accountId, 'ration')).toEqual({ check: { allowed: false, code: 'allowance_exhausted', active: false }, consume: 'allowance_exhausted', balance: { limit: 10, used: 10 } });
		// No free allowance and no balance: insufficient_tokens, hidden as the module says; a module
		// showing its message stays shown. Members have no rule here: the balance lists none.
		expect(await answers(m.accountId, 'unsetinactive')).toEqual({ check: { allowed: false, code: 'insufficient_tokens', active: false }, consume: 'insufficient_tokens', balance: null });
		expect(await answers(m.accountId, 'unset')).toEqual({ check: { allowed: false, code: 'insufficient_tokens', active: true }, consume: 'insufficient_tokens', balance: null });
		// Some balance left, short of the cost: still shown (a cheaper use would pass).
		await grant(db.orm, { accountId: m.accountId, tokens: 5, source: 'bonus' });
		expect(await answers(m.accountId, 'unsetinactive')).toEqual({ check: { allowed: false, code: 'insufficient_tokens', active: true }, consume: 'insufficient_tokens', balance: null });
		expect(await answers(m.accountId, 'ration')).toEqual({ check: { allowed: false, code: 'insufficient_tokens', active: true }, consume: 'insufficient_tokens', balance: { limit: 10, used: 10 } });
		await expectInvariants(db);
	});

	it('a member with tokens uses a module no rule names, shown; a guest with its guest limit 0 is refused what the member may use', async () => {
		const m = await makeUser(db);
		await grant(db.orm, { accountId: m.accountId, tokens: 100, source: 'purchase' });
		for (const module of ['unset', 'unsetinactive', 'off']) {
			expect(await answers(m.accountId, module)).toEqual({ check: { allowed: true, code: null, active: true }, consume: 'ok', balance: null });
		}
		expect((await spendable(db.orm, m.accountId)).available).toBe(70 + 10); // 100 − 3 × 10, and ration's free 10
		await expectInvariants(db);
	});
});
