import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, openRestApi } from '../helpers/api-fixture';
import { makeWorld, type World } from '../helpers/world';
import { expectInvariants, makeTeam, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';
import { auditLog } from '../../src/lib/server/db/schema';
import { appRouter } from '../../src/lib/server/trpc/router';
import { createContext } from '../../src/lib/server/trpc/init';
import { grant, MAX_TOKENS } from '../../src/lib/server/ledger';

let db: Db;
let site: string;
let w: World;
let admin: ReturnType<typeof appRouter.createCaller>;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	w = await makeWorld(db);
	admin = appRouter.createCaller(await createContext({ locals: { auth: w.auth.siteAdmin, guestId: null }, getClientAddress: () => '10.9.0.2' }));
});
afterAll(async () => db?.close());

/** The refusal's tRPC code and its message. */
async function refusal(p: Promise<unknown>) {
	try {
		await p;
	} catch (e) {
		if (e instanceof TRPCError) return { code: e.code, message: e.message };
		throw e;
	}
	throw new Error('expected a refusal');
}

/** What an account holds, lot by lot, and its audit entries: a refusal leaves every figure as it was. */
const records = async (accountId: string) => ({
	lots: await db.rows<{ model: string | null; remaining: string }>(sql`select model, remaining::text from lots where account_id = ${accountId}::uuid order by created_at, id`),
	audit: (await db.orm.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.accountId, accountId))).length,
	operations: (await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${accountId}::uuid`))[0]!.n
});
const general = async (accountId: string) =>
	Number((await db.rows<{ n: string }>(sql`select coalesce(sum(remaining), 0)::text as n from lots where account_id = ${accountId}::uuid and model is null`))[0]!.n);

const ROOM_LEFT = 'The general balance holds 1,000 of at most 1,000,000,000,000 tokens: at most 999,999,999,000 more can be added.';

describe(`the balance maximum on admin and site grants, on ${backend}`, () => {
	it('a bonus that would take an allocation past 1,000,000,000,000 tokens is refused, naming the room left; one that fills it exactly is granted', async () => {
		const u = await makeUser(db);
		const bonus = (tokens: number, model: string | null = null) => ({ accountId: u.accountId, tokens, model, note: 'Goodwill', key: `b-${randomUUID()}` });
		await admin.admin.users.grantBonus(bonus(1_000));
		const before = await records(u.accountId);
		// The newcomer's case: 1,000 then 1,000,000,000,000.
		expect(await refusal(admin.admin.users.grantBonus(bonus(MAX_TOKENS)))).toEqual({ code: 'BAD_REQUEST', message: ROOM_LEFT });
		expect(await records(u.accountId)).toEqual(before);
		// What is left of the room fits, to the token; then nothing more does.
		expect(await admin.admin.users.grantBonus(bonus(MAX_TOKENS - 1_000))).toMatchObject({ before: 1_000, after: MAX_TOKENS, replayed: false });
		expect(await refusal(admin.admin.users.grantBonus(bonus(1)))).toEqual({
			code: 'BAD_REQUEST',
			message: 'The general balance is at its maximum of 1,000,000,000,000 tokens (it holds 1,000,000,000,000): no more can be added.'
		});
		// Each model's tokens are an allocation of their own, with room of their own.
		await admin.admin.users.grantBonus(bonus(MAX_TOKENS, 'gpt-5-nano'));
		expect(await refusal(admin.admin.users.grantBonus(bonus(1, 'gpt-5-nano')))).toMatchObject({ message: expect.stringMatching(/^The gpt-5-nano balance is at its maximum/) });
		await expectInvariants(db);
	});

	it("a team's pool has the same maximum for a bonus, and a replayed bonus still answers its first grant once the pool is full", async () => {
		const t = await makeTeam(db);
		const first = { accountId: t.accountId, tokens: MAX_TOKENS, note: 'Launch', key: `b-${randomUUID()}` };
		const granted = await admin.admin.users.grantBonus(first);
		expect(await admin.admin.users.grantBonus(first)).toMatchObject({ lotId: granted.lotId, replayed: true });
		expect(await refusal(admin.admin.users.grantBonus({ ...first, tokens: 5, key: `b-${randomUUID()}` }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await general(t.accountId)).toBe(MAX_TOKENS);
		await expectInvariants(db);
	});

	it('adding to the general balance is refused past the maximum; setting it to the maximum is not', async () => {
		const u = await makeUser(db);
		const change = (mode: 'delta' | 'set', tokens: number) => ({ accountId: u.accountId, mode, tokens, reason: 'Support', key: `k-${randomUUID()}` });
		await admin.admin.users.adjustBalance(change('delta', 1_000));
		const before = await records(u.accountId);
		expect(await refusal(admin.admin.users.adjustBalance(change('delta', MAX_TOKENS)))).toEqual({ code: 'BAD_REQUEST', message: ROOM_LEFT });
		expect(await records(u.accountId)).toEqual(before);
		expect(await admin.admin.users.adjustBalance(change('set', MAX_TOKENS))).toMatchObject({ before: 1_000, after: MAX_TOKENS });
		expect(await refusal(admin.admin.users.adjustBalance(change('delta', 1)))).toMatchObject({ code: 'BAD_REQUEST' });
		// Taking tokens away is always possible.
		expect(await admin.admin.users.adjustBalance(change('delta', -10))).toMatchObject({ after: MAX_TOKENS - 10 });
		const adjusted = await db.orm.select().from(auditLog).where(and(eq(auditLog.accountId, u.accountId), eq(auditLog.action, 'balance.adjusted')));
		expect(adjusted).toHaveLength(3);
		await expectInvariants(db);
	});

	it('POST /api/v1/grants past the maximum is refused (422, the room left named) for a user or a team, and grants nothing', async () => {
		const u = await makeUser(db);
		const t = await makeTeam(db);
		for (const target of [{ user: u.userId }, { team: t.teamId }]) {
			const accountId = 'user' in target ? u.accountId : t.accountId;
			const post = (tokens: number) => callJson('/api/v1/grants', { headers: bearer(site, { 'idempotency-key': randomUUID() }), body: { ...target, tokens, source: 'bonus' } });
			expect((await post(1_000)).status).toBe(201);
			const before = await records(accountId);
			const refused = await post(MAX_TOKENS);
			expect(refused.status).toBe(422);
			expect(refused.json).toMatchObject({ error: 'invalid_input', message: ROOM_LEFT });
			expect(await records(accountId)).toEqual(before);
			expect((await post(MAX_TOKENS - 1_000)).status).toBe(201);
			expect(await general(accountId)).toBe(MAX_TOKENS);
		}
		await expectInvariants(db);
	});

	it('a paid grant (a purchase) is never refused by the maximum: what was paid for is always granted', async () => {
		const u = await makeUser(db);
		await admin.admin.users.grantBonus({ accountId: u.accountId, tokens: MAX_TOKENS, note: 'Full', key: `b-${randomUUID()}` });
		const paid = await grant(db.orm, { accountId: u.accountId, tokens: 5_000, source: 'purchase', grantKey: `paddle:txn_${randomUUID()}` });
		expect(paid.created).toBe(true);
		expect(await general(u.accountId)).toBe(MAX_TOKENS + 5_000);
		// The admin may still bring it back down.
		expect(await admin.admin.users.adjustBalance({ accountId: u.accountId, mode: 'set', tokens: MAX_TOKENS, reason: 'Back to the maximum', key: `k-${randomUUID()}` })).toMatchObject({ delta: -5_000, after: MAX_TOKENS });
		await expectInvariants(db);
	});
});
