import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { type World, type Caller, adminWorld } from '../helpers/world';
import { expectInvariants } from '../helpers/ledger';
import { trpcRefusal as refusal } from '../helpers/refusal';
import type { Db } from '../../src/lib/server/db';
import { auditLog } from '../../src/lib/server/db/schema';
import { createUser } from '../../src/lib/server/accounts';
import { adjustBalance, balances, grant } from '../../src/lib/server/ledger';
import { MAX_TOKENS } from '../../src/lib/token-range';

// MAX_TOKENS bounds a change, not a balance: a balance is the sum of its lots, each up to MAX_TOKENS.
// The console's set-balance form opens on the current balance; these are its sends through the
// router, the admin domain (with its audit entry) and the ledger, for an account past MAX_TOKENS.

let db: Db;
let w: World;
let admin: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.2'));
});
afterAll(async () => db?.close());

const BIG = 1_500_000_000_000;
/** A user whose general balance is BIG: the largest grant and half of it, two lots. */
async function bigAccount() {
	const u = await createUser(db.orm, { email: `big-${randomUUID().slice(0, 8)}@example.com`, name: 'Big Balance' });
	await grant(db.orm, { accountId: u.accountId, tokens: MAX_TOKENS, source: 'bonus' });
	await grant(db.orm, { accountId: u.accountId, tokens: BIG - MAX_TOKENS, source: 'purchase' });
	return u.accountId;
}
const setTo = (accountId: string, tokens: number) =>
	admin.admin.users.adjustBalance({ accountId, mode: 'set', tokens, reason: 'Console set-balance', key: `k-${randomUUID()}` });
const general = async (accountId: string) => (await balances(db.orm, accountId)).allocations.filter((a) => a.model === null).reduce((s, a) => s + a.remaining, 0);
const adjustments = (accountId: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.accountId, accountId), eq(auditLog.action, 'balance.adjusted')));

describe(`setting a balance past MAX_TOKENS on ${backend}`, () => {
	it('takes its own figure as no change, and itself − 5 as a debit of 5', async () => {
		const accountId = await bigAccount();
		expect(await setTo(accountId, BIG)).toEqual({ delta: 0, before: BIG, after: BIG, replayed: false });
		expect(await general(accountId)).toBe(BIG);
		await expectInvariants(db);

		expect(await setTo(accountId, BIG - 5)).toEqual({ delta: -5, before: BIG, after: BIG - 5, replayed: false });
		expect(await general(accountId)).toBe(BIG - 5);
		await expectInvariants(db);
	});

	it('empties it with one set to 0, however large: one change of the admin, its debits across the lots', async () => {
		const accountId = await bigAccount();
		expect(await setTo(accountId, 0)).toEqual({ delta: -BIG, before: BIG, after: 0, replayed: false });
		expect(await general(accountId)).toBe(0);
		expect((await adjustments(accountId)).map((a) => [a.before, a.after])).toEqual([[{ balance: BIG }, { balance: 0 }]]);
		await expectInvariants(db);
	});

	it('sets within MAX_TOKENS of the balance either way; one token past it is refused in words, changing nothing', async () => {
		const accountId = await bigAccount();
		expect(await setTo(accountId, BIG + MAX_TOKENS)).toMatchObject({ delta: MAX_TOKENS, after: BIG + MAX_TOKENS });
		await expectInvariants(db);
		const now = BIG + MAX_TOKENS;
		expect(await refusal(setTo(accountId, now + MAX_TOKENS + 1))).toEqual({
			code: 'BAD_REQUEST',
			domain: 'invalid_input',
			message: 'Setting the general balance to 3,500,000,000,001 is a change of +1,000,000,000,001 tokens from 2,500,000,000,000; one change is at most 1,000,000,000,000 tokens either way. Change it in steps, or set it to 0 to empty the account.'
		});
		expect(await refusal(setTo(accountId, 1))).toMatchObject({
			domain: 'invalid_input',
			message: 'Setting the general balance to 1 is a change of −2,499,999,999,999 tokens from 2,500,000,000,000; one change is at most 1,000,000,000,000 tokens either way. Change it in steps, or set it to 0 to empty the account.'
		});
		expect(await general(accountId)).toBe(now);
		expect(await adjustments(accountId)).toHaveLength(1);
		expect(await setTo(accountId, now - MAX_TOKENS)).toMatchObject({ delta: -MAX_TOKENS, after: BIG });
		await expectInvariants(db);
	});

	it('checks the change against the balance under the account’s lock: of two sets sent together, the second is measured from the first', async () => {
		const accountId = await bigAccount();
		// Each is 600,000,000,000 from BIG, but 1,200,000,000,000 from the other: whichever runs second is refused.
		const sent = await Promise.allSettled([setTo(accountId, BIG + 600_000_000_000), setTo(accountId, BIG - 600_000_000_000)]);
		const made = sent.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
		expect(made).toHaveLength(1);
		expect(await refusal(Promise.reject((sent.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason))).toMatchObject({
			domain: 'invalid_input',
			message: expect.stringMatching(/is a change of [+−]1,200,000,000,000 tokens from /)
		});
		expect(await general(accountId)).toBe(made[0]!.after);
		await expectInvariants(db);
	});

	it('keeps a delta within ±MAX_TOKENS, and a set at or above 0 and within what JS counts exactly', async () => {
		const accountId = await bigAccount();
		const delta = (tokens: number) => admin.admin.users.adjustBalance({ accountId, mode: 'delta', tokens, reason: 'Console change-by', key: `k-${randomUUID()}` });
		expect(await refusal(delta(MAX_TOKENS + 1))).toMatchObject({ domain: 'invalid_input' });
		expect(await refusal(delta(-MAX_TOKENS - 1))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refusal(setTo(accountId, -1))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refusal(setTo(accountId, Number.MAX_SAFE_INTEGER + 2))).toMatchObject({ code: 'BAD_REQUEST' });
		// The ledger's own bound, for callers other than the router.
		await expect(adjustBalance(db.orm, { accountId, mode: 'set', tokens: Number.MAX_SAFE_INTEGER + 2, reason: 'x', actorUserId: w.users.siteAdmin.id, key: 'unsafe' })).rejects.toMatchObject({ code: 'invalid_input' });
		expect(await general(accountId)).toBe(BIG);
		await expectInvariants(db);
	});
});
