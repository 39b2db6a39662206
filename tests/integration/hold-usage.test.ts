// A settled hold in the usage history and in the settle's answer: what it cost is the tokens settled
// (777 of a hold of 2,000), paid by what the hold's sources kept after the rest went back (the free
// allowance 777, not 2,000), with no units or rate (a settle is not units × rate). A hold released
// with nothing settled, or left to expire, paid nothing and records so. drizzle/0041 writes the same
// for the closes recorded before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { callJson } from '../helpers/http';
import { expectInvariants, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { balances, grant, history, hold, release, rollups, setAllowanceRule, settle, siteUsageTotals, statement, sweepExpired } from '../../src/lib/server/ledger';
import { usedWords } from '../../src/lib/client/paid-by';
import { heldWords } from '../../src/lib/held-words';
import { balanceOf } from '../../src/lib/balance-figures';
import { operationsCsv } from '../../src/lib/server/admin';

let db: Db;
beforeAll(async () => {
	({ db } = await openRestApi());
});
afterAll(async () => db?.close());

let n = 0;
const idem = () => ({ scope: 'hold-usage-test', key: `k-${++n}` });

/** A user whose role gets `allowance` free chat tokens a day, with a purchased lot of `tokens`. */
async function chatUser(allowance: number, tokens: number) {
	const role = `hold-usage-${++n}`;
	const u = await makeUser(db, role);
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'role', role, limitTokens: allowance, period: 'daily' });
	const lot = await grant(db.orm, { accountId: u.accountId, tokens, source: 'purchase' });
	return { ...u, lotId: lot.lotId };
}

/** The recorded operation of a hold's close (settle, release or expiry): its units and its answer's paid_by. */
async function closeOf(holdId: string) {
	const [row] = await db.rows<{ kind: string; units: string | null; paid_by: unknown }>(sql`
		select kind, units::text as units, response->'paid_by' as paid_by from operations where hold_id = ${holdId}::uuid and kind <> 'hold'`);
	return row;
}

describe(`a settled hold's use on ${backend}`, () => {
	it('a hold of 2,000 settled at 777 is a use of 777, paid by the free allowance 777, from a hold of 2,000 with 1,223 released', async () => {
		const u = await chatUser(5000, 1000);
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 2000, ttlSeconds: 60, actor: { userId: u.userId }, idempotency: idem() });
		expect(h.paidBy).toEqual([expect.objectContaining({ type: 'allowance', label: 'chat', tokens: 2000 })]);
		const key = idem();
		const s = await settle(db.orm, h.holdId, 777, key);
		const paid = [expect.objectContaining({ type: 'allowance', label: 'chat', model: null, tokens: 777, unlimited: false })];
		expect(s).toMatchObject({ cost: 777, released: 1223, status: 'settled', paidBy: paid });
		// The same key replays the same answer, paid_by included.
		expect(await settle(db.orm, h.holdId, 777, key)).toMatchObject({ cost: 777, released: 1223, paidBy: paid, replayed: true });

		const [row] = (await history(db.orm, u.accountId, { balances: true })).rows;
		expect(row).toMatchObject({ tokensUsed: 777, units: null, rate: null, hold: { held: 2000, released: 1223 }, paidBy: paid, balanceAfter: 1000 });
		// The dashboard's figures agree: 777 of the allowance used, the lot untouched.
		const b = await balances(db.orm, u.accountId);
		expect(b.allowances.find((a) => a.module === 'chat')).toMatchObject({ used: 777 });
		expect(b.held).toBe(0);
		expect(await closeOf(h.holdId)).toMatchObject({ kind: 'settle', units: null });
		// The console's operations export: the hold and its settle with their tokens and no units.
		const exported: Record<string, string>[] = parse(await new Response((await operationsCsv(db.orm, { from: '2000-01-01', to: '2100-01-01' })).body).text(), { columns: true });
		expect(exported.filter((r) => r.account_id === u.accountId && r.feature === 'ai_bots').map((r) => [r.kind, r.units, r.cost_tokens])).toEqual([['hold', '', '2000'], ['settle', '', '777']]);
		await expectInvariants(db);
	});

	it('a hold that took the allowance and a lot gives the lot back first: the settle is paid by what each kept, adding up to its cost', async () => {
		const u = await chatUser(100, 1000);
		const h = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 500, ttlSeconds: 60, actor: {}, idempotency: idem() });
		expect(h.paidBy.map((p) => [p.type, p.tokens])).toEqual([['allowance', 100], ['lot', 400]]);
		const s = await settle(db.orm, h.holdId, 250, idem());
		expect(s.paidBy.map((p) => [p.type, p.id === u.lotId || p.type === 'allowance', p.tokens])).toEqual([['allowance', true, 100], ['lot', true, 150]]);
		const [row] = (await history(db.orm, u.accountId)).rows;
		expect(row!.paidBy).toEqual(s.paidBy);
		expect(row!.paidBy.reduce((t, p) => t + p.tokens, 0)).toBe(row!.tokensUsed);
		// The statement says the same use: 150 from the balance, 100 more from a free allowance.
		expect((await statement(db.orm, u.accountId)).rows[0]).toMatchObject({ kind: 'spend', tokens: -150, allowanceTokens: 100, balanceAfter: 850 });
		await expectInvariants(db);
	});

	it('a hold released with nothing settled, or left to expire, paid nothing: no use, and its close records no source and no units', async () => {
		const u = await chatUser(5000, 1000);
		const released = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 300, ttlSeconds: 60, actor: {}, idempotency: idem() });
		expect(await release(db.orm, released.holdId, idem())).toMatchObject({ cost: 0, released: 300, status: 'released', paidBy: [] });
		const zero = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 300, ttlSeconds: 60, actor: {}, idempotency: idem() });
		expect(await settle(db.orm, zero.holdId, 0, idem())).toMatchObject({ cost: 0, released: 300, paidBy: [] });
		const expiring = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 300, ttlSeconds: 1, actor: {}, idempotency: idem() });
		await new Promise((r) => setTimeout(r, 1100));
		await sweepExpired(db);
		expect(await closeOf(released.holdId)).toEqual({ kind: 'release', units: null, paid_by: [] });
		expect(await closeOf(expiring.holdId)).toEqual({ kind: 'expire_hold', units: null, paid_by: [] });
		const [hold0] = await db.rows<{ units: string | null }>(sql`select units::text as units from operations where hold_id = ${zero.holdId}::uuid and kind = 'hold'`);
		expect(hold0!.units).toBeNull();
		// Only the settle of 0 is listed (it settled, at no cost); nothing paid for it.
		expect((await history(db.orm, u.accountId)).rows.map((r) => [r.tokensUsed, r.hold, r.paidBy])).toEqual([[0, { held: 300, released: 300 }, []]]);
		expect((await balances(db.orm, u.accountId)).allowances.find((a) => a.module === 'chat')).toMatchObject({ used: 0 });
		await expectInvariants(db);
	});

	it('POST /holds/{hold_id}/settle answers paid_by: the sources of the settled tokens; /release answers []', async () => {
		const m = await member(db, 1000);
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `rest-${++n}` }), body: { feature: 'generate_texts', max_tokens: 600 } });
		const s = await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 250 } });
		expect(s.status).toBe(200);
		expect(s.json).toEqual({ cost: 250, released: 350, paid_by: [{ ...h.json.paid_by[0], tokens: 250 }], remaining: 750 });
		const h2 = await callJson('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `rest-${++n}` }), body: { feature: 'generate_texts', max_tokens: 100 } });
		const r = await callJson(`/api/v1/holds/${h2.json.hold_id}/release`, { headers: bearer(m.key), body: {} });
		expect(r.json).toEqual({ cost: 0, released: 100, paid_by: [], remaining: 750 });
		const usage = await callJson('/api/v1/usage', { headers: bearer(m.key) });
		expect(usage.json.data.map((d: { tokens_used: number }) => d.tokens_used)).toEqual([250]);
		await expectInvariants(db);
	});
});

describe(`an open hold's tokens on ${backend}`, () => {
	it('are said where they are: the balance moves only by what the hold took from lots, the free tokens left by the rest', async () => {
		// Maya's hold was paid whole by her Chatbot allowance; her console page said the balance was after it.
		const u = await chatUser(100, 1000);
		const free = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 60, ttlSeconds: 60, actor: {}, idempotency: idem() });
		let b = await balances(db.orm, u.accountId);
		expect([b.held, b.heldFrom, balanceOf(b.allocations).balance]).toEqual([60, { lots: 0, allowances: 60 }, 1000]);
		expect(heldWords(b.held, b.heldFrom)).toBe('60 held by running jobs, all from free allowances, already taken off these figures.');
		// A second hold takes the allowance's last 40, then 460 from the lot.
		const both = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 500, ttlSeconds: 60, actor: {}, idempotency: idem() });
		b = await balances(db.orm, u.accountId);
		expect([b.held, b.heldFrom, balanceOf(b.allocations).balance, b.available]).toEqual([560, { lots: 460, allowances: 100 }, 540, 540]);
		expect(heldWords(b.held, b.heldFrom)).toBe('560 held by running jobs: 460 from the balance, 100 from free allowances, already taken off these figures.');
		await release(db.orm, free.holdId, idem());
		await release(db.orm, both.holdId, idem());
		b = await balances(db.orm, u.accountId);
		expect([b.held, b.heldFrom, heldWords(b.held, b.heldFrom)]).toEqual([0, { lots: 0, allowances: 0 }, '']);
		await expectInvariants(db);
	});
});

describe(`a hold settled at 0 on ${backend}`, () => {
	/** The console's operations export, this account's rows. */
	const exportedOf = async (accountId: string): Promise<Record<string, string>[]> =>
		(parse(await new Response((await operationsCsv(db.orm, { from: '2000-01-01', to: '2100-01-01' })).body).text(), { columns: true }) as Record<string, string>[]).filter((r) => r.account_id === accountId);

	it('is one operation that used nothing on every page, report, export and the API: "Released — nothing charged"', async () => {
		// Usage listed 3 rows where Reports said "2 operations", and the console's Overview counted one fewer than the export.
		const m = await member(db, 1000);
		const overviewBefore = (await siteUsageTotals(db.orm)).today.operations;
		const settleVia = async (max: number, tokens: number) => {
			const h = await callJson('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `zero-${++n}` }), body: { feature: 'generate_texts', max_tokens: max } });
			return callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens } });
		};
		expect((await settleVia(600, 250)).json).toMatchObject({ cost: 250, released: 350 });
		const zero = await settleVia(400, 0);
		expect(zero.json).toEqual({ cost: 0, released: 400, paid_by: [], remaining: 750 });

		// The usage history (the app's Usage page) and GET /usage: two uses, the newer one charged nothing.
		const rows = (await history(db.orm, m.accountId, { balances: true })).rows;
		expect(rows.map((r) => [r.tokensUsed, r.hold])).toEqual([[0, { held: 400, released: 400 }], [250, { held: 600, released: 350 }]]);
		expect(rows.map(usedWords)).toEqual(['Released — nothing charged', '250']);
		const usage = await callJson('/api/v1/usage', { headers: bearer(m.key) });
		expect(usage.json.data.map((d: { tokens_used: number }) => d.tokens_used)).toEqual([0, 250]);
		// Reports (the account's rollup) and the console's Overview count both operations, and 250 tokens.
		const report = await rollups(db.orm, m.accountId, { period: 'daily', windows: 1, by: 'feature' });
		expect(report.rows.map((r) => [r.operations, r.tokens])).toEqual([[2, 250]]);
		expect((await siteUsageTotals(db.orm)).today.operations - overviewBefore).toBe(2);
		// The operations export: both settles, the one of 0 among them.
		const settles = (await exportedOf(m.accountId)).filter((r) => r.kind === 'settle');
		expect(settles.map((r) => [r.status, r.cost_tokens])).toEqual([['ok', '250'], ['ok', '0']]);
		expect(settles).toHaveLength(usage.json.data.length);
		await expectInvariants(db);
	});

	it('drizzle/0044 counts the settles of 0 recorded before it once each', async () => {
		const m = await member(db, 1000);
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, { 'idempotency-key': `zero-${++n}` }), body: { feature: 'generate_texts', max_tokens: 100 } });
		await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 0 } });
		// As it was recorded before: no row in the daily rollup.
		await db.rows(sql`delete from usage_daily where account_id = ${m.accountId}::uuid`);
		for (const statement of readFileSync('drizzle/0044_settle_zero_is_an_operation.sql', 'utf8').split('--> statement-breakpoint')) await db.rows(sql.raw(statement));
		const report = await rollups(db.orm, m.accountId, { period: 'daily', windows: 1, by: 'feature' });
		expect(report.rows.map((r) => [r.operations, r.tokens])).toEqual([[1, 0]]);
		await expectInvariants(db);
	});
});

describe(`drizzle/0041 on ${backend}`, () => {
	it('gives the closes recorded before it what paid for them, as a close records now, and takes away the units holds never measured', async () => {
		const u = await chatUser(100, 1000);
		const settled = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 500, ttlSeconds: 60, actor: {}, idempotency: idem() });
		const now = await settle(db.orm, settled.holdId, 250, idem());
		const released = await hold(db.orm, { accountId: u.accountId, feature: 'ai_bots', maxTokens: 200, ttlSeconds: 60, actor: {}, idempotency: idem() });
		await release(db.orm, released.holdId, idem());
		// As they were recorded before: no paid_by, and the hold's 1 unit copied.
		await db.rows(sql`update operations set units = 1,
			response = case when kind = 'hold' then response else response - 'paid_by' end where account_id = ${u.accountId}::uuid and hold_id is not null`);
		expect((await history(db.orm, u.accountId)).rows[0]!.paidBy).toEqual([]);
		for (const statement of readFileSync('drizzle/0041_hold_close_paid_by.sql', 'utf8').split('--> statement-breakpoint')) await db.rows(sql.raw(statement));
		expect((await history(db.orm, u.accountId)).rows[0]!.paidBy).toEqual(now.paidBy);
		expect(await closeOf(settled.holdId)).toEqual({ kind: 'settle', units: null, paid_by: now.paidBy });
		expect(await closeOf(released.holdId)).toEqual({ kind: 'release', units: null, paid_by: [] });
		const [left] = await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${u.accountId}::uuid and hold_id is not null and units is not null`);
		expect(left!.n).toBe(0);
		await expectInvariants(db);
	});
});
