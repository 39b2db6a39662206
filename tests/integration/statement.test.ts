import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import {
	adjustBalance, balances, clawback, consume, endLots, grant, history, hold, setAllowanceRule, settle, statement, sweepExpired,
	type HistoryRow, type StatementRow
} from '../../src/lib/server/ledger';
import { DomainError } from '../../src/lib/server/errors';
import { balanceOf } from '../../src/lib/balance-figures';
import { MAX_WALK } from '../../src/lib/server/ledger/history';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

const DAY = 86_400_000;
let n = 0;
const idem = () => ({ scope: 'statement-test', key: `k-${++n}` });

/** Every page of the statement, `limit` rows at a time, newest first. */
async function wholeStatement(accountId: string, limit: number): Promise<StatementRow[]> {
	const rows: StatementRow[] = [];
	let cursor: string | null = null;
	do {
		const page = await statement(db.orm, accountId, { limit, cursor });
		expect(page.rows.length).toBeLessThanOrEqual(limit);
		rows.push(...page.rows);
		cursor = page.nextCursor;
	} while (cursor);
	return rows;
}

/** Each row's balance is the next older row's balance plus its own movement, from 0 before the first. */
function expectBalanceChain(rows: StatementRow[]) {
	rows.forEach((r, i) => {
		const before = rows[i + 1]?.balanceAfter ?? 0;
		expect(r.balanceAfter - r.tokens, `balance before row ${i} (${r.kind})`).toBe(before);
	});
}

describe(`the account statement on ${backend}`, () => {
	it('lists purchases, spending, a renewal, an expiry, a chargeback and an adjustment, each with the balance after it', async () => {
		const a = await makeUser(db, 'statement-member');
		const admin = await makeUser(db, 'admin');
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'role', role: 'statement-member', limitTokens: 100, period: 'daily' });

		const pack = await grant(db.orm, { accountId: a.accountId, tokens: 15_000, source: 'purchase', note: 'Token pack × 3' });
		// 1,000 words × 2.5 = 2,500 tokens: 100 from the free chat allowance, 2,400 from the pack.
		await consume(db.orm, { accountId: a.accountId, feature: 'ai_bots', units: 1_000, actor: { userId: a.userId }, idempotency: idem() });
		// A streamed reply: 1,000 held from the pack (the allowance is used up), 480 settled.
		const h = await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 1_000, ttlSeconds: 600, actor: { userId: a.userId }, idempotency: idem() });
		await settle(db.orm, h.holdId, 480, idem());
		const period1 = await grant(db.orm, {
			accountId: a.accountId, tokens: 20_000, source: 'subscription', note: 'Monthly plan', expiresAt: new Date(Date.now() + 5 * DAY)
		});
		await consume(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 1, actor: { userId: a.userId }, idempotency: idem() });
		// The renewal: a new period of 20,000, and what is left of the previous one ends.
		await grant(db.orm, {
			accountId: a.accountId, tokens: 20_000, source: 'subscription', note: 'Monthly plan · renewal', expiresAt: new Date(Date.now() + 35 * DAY)
		});
		await endLots(db.orm, [period1.lotId]);
		const bought = await grant(db.orm, { accountId: a.accountId, tokens: 5_000, source: 'purchase', note: 'Token pack' });
		await clawback(db.orm, { accountId: a.accountId, lotIds: [bought.lotId], cause: 'chargeback', reason: 'Paddle adjustment adj_1', operationKey: 'adj_1' });
		await adjustBalance(db.orm, { accountId: a.accountId, mode: 'delta', tokens: -120, reason: 'Duplicate bonus', actorUserId: admin.userId, key: 'adj-st-1' });
		await grant(db.orm, { accountId: a.accountId, tokens: 2_000, source: 'referral', note: 'Invited Leo', expiresAt: new Date(Date.now() + 10 * DAY) });
		await expectInvariants(db);

		const rows = await wholeStatement(a.accountId, 3);
		expect(rows.map((r) => [r.kind, r.tokens])).toEqual([
			['grant', 2_000],
			['adjustment', -120],
			['clawback', -5_000],
			['grant', 5_000],
			['expiry', -19_955],
			['grant', 20_000],
			['spend', -45],
			['grant', 20_000],
			['spend', -480],
			['spend', -2_400],
			['grant', 15_000]
		]);
		expectBalanceChain(rows);
		const now = await balances(db.orm, a.accountId);
		expect(rows[0]!.balanceAfter).toBe(now.total);
		// 15,000 − 2,400 − 480; period 1 (20,000, 45 spent) replaced by the renewal's 20,000; −120; +2,000.
		expect(now.total).toBe(34_000);

		const byKind = (k: StatementRow['kind']) => rows.filter((r) => r.kind === k);
		expect(byKind('clawback')[0]).toMatchObject({ cause: 'chargeback', source: 'purchase', note: 'Token pack' });
		expect(byKind('adjustment')[0]).toMatchObject({ reason: 'Duplicate bonus', actorName: expect.any(String) });
		expect(byKind('expiry')[0]).toMatchObject({ source: 'subscription', note: 'Monthly plan' });
		expect(rows.find((r) => r.note === 'Monthly plan · renewal')).toMatchObject({ kind: 'grant', source: 'subscription', tokens: 20_000, expiresAt: expect.any(String) });
		expect(rows.at(-1)).toMatchObject({ source: 'purchase', note: 'Token pack × 3', expiresAt: null });
		expect(rows.at(-1)!.id).toBe(pack.operationId);
		// The first use: 2,400 from the pack and, beside the balance, 100 from the free chat allowance.
		expect(rows.at(-2)).toMatchObject({ feature: 'ai_bots', featureName: 'AI Bots', allowanceTokens: 100, actorName: expect.any(String) });
		expect(rows.at(-3)).toMatchObject({ feature: 'ai_bots', allowanceTokens: 0 });
	});

	it('counts tokens reserved by a running hold as still the balance, and leaves out uses a free allowance paid', async () => {
		const a = await makeUser(db, 'statement-hold');
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'role', role: 'statement-hold', limitTokens: 1_000, period: 'daily' });
		await grant(db.orm, { accountId: a.accountId, tokens: 3_000, source: 'bonus', note: 'Welcome bonus' });
		await consume(db.orm, { accountId: a.accountId, feature: 'ai_bots', units: 200, actor: {}, idempotency: idem() }); // 500 from the allowance
		await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 2_000, ttlSeconds: 600, actor: {}, idempotency: idem() }); // 500 allowance + 1,500 lots, open
		await expectInvariants(db);
		const page = await statement(db.orm, a.accountId);
		expect(page.rows.map((r) => [r.kind, r.source, r.note, r.tokens, r.balanceAfter])).toEqual([['grant', 'bonus', 'Welcome bonus', 3_000, 3_000]]);
		expect(page.balance).toBe(3_000);
		// What the hold reserves, so the page can show the dashboard's Balance (the lots, less holds) beside it.
		expect(page.held).toBe(1_500);
		const now = await balances(db.orm, a.accountId);
		expect(balanceOf(now.allocations).balance).toBe(page.balance! - page.held!);
		expect(now.available).toBe(1_500);
		expect(page.nextCursor).toBeNull();
	});

	it('shows a lot that expired on its date, and an unlimited grant without moving the balance', async () => {
		const a = await makeUser(db);
		const soon = await grant(db.orm, { accountId: a.accountId, tokens: 700, source: 'event', note: 'Launch week', expiresAt: new Date(Date.now() + 1_000) });
		await grant(db.orm, { accountId: a.accountId, tokens: 1, source: 'admin', unlimited: true, model: 'gpt-5-nano', note: 'Unlimited Nano' });
		await new Promise((r) => setTimeout(r, 1_100));
		await sweepExpired(db);
		await expectInvariants(db);
		const rows = await wholeStatement(a.accountId, 50);
		expect(rows.map((r) => [r.kind, r.tokens, r.balanceAfter, r.unlimited])).toEqual([
			['expiry', -700, 0, false],
			['grant', 0, 700, true],
			['grant', 700, 700, false]
		]);
		expect(rows[0]).toMatchObject({ source: 'event', note: 'Launch week' });
		expect(rows.at(-1)!.id).toBe(soon.operationId);
	});

	it('is empty with a balance of 0 for a new member, and refuses a cursor it did not write', async () => {
		const a = await makeUser(db);
		await expect(statement(db.orm, a.accountId)).resolves.toEqual({ rows: [], balance: 0, held: 0, unlimitedNow: { every: false, models: [] }, nextCursor: null });
		const bad = statement(db.orm, a.accountId, { cursor: Buffer.from('x|y|z').toString('base64url') });
		await expect(bad).rejects.toBeInstanceOf(DomainError);
		await expect(bad).rejects.toMatchObject({ code: 'invalid_input' });
	});
});

describe(`the usage history's balance after each use on ${backend}`, () => {
	/** Every page of the app's usage history (with balances), `limit` rows at a time, newest first. */
	async function wholeHistory(accountId: string, limit: number, feature?: string): Promise<HistoryRow[]> {
		const rows: HistoryRow[] = [];
		let cursor: string | null = null;
		do {
			const page = await history(db.orm, accountId, { limit, cursor, feature, balances: true });
			rows.push(...page.rows);
			cursor = page.nextCursor;
		} while (cursor);
		return rows;
	}

	it("is the statement's balance after the same operation, one figure for every row whatever its feature, model or page", async () => {
		const a = await makeUser(db, 'history-balance');
		const admin = await makeUser(db, 'admin');
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'role', role: 'history-balance', limitTokens: 100, period: 'daily' });
		const use = (feature: string, units: number, model?: string) =>
			consume(db.orm, { accountId: a.accountId, feature, units, model, actor: { userId: a.userId }, idempotency: idem() });
		await grant(db.orm, { accountId: a.accountId, tokens: 15_000, source: 'purchase', note: 'Token pack × 3' });
		await use('ai_bots', 20); // 50, all from the free chat allowance: the balance stays 15,000
		await use('ai_bots', 1_000); // 2,500: the allowance's last 50, then 2,450 from the pack
		const streamed = await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 1_000, ttlSeconds: 600, actor: { userId: a.userId }, idempotency: idem() });
		await settle(db.orm, streamed.holdId, 480, idem());
		await use('generate_texts', 1, 'gpt-5-nano'); // 45
		await grant(db.orm, { accountId: a.accountId, tokens: 5_000, source: 'purchase', note: 'Token pack' });
		await use('search_images', 1); // 10
		await adjustBalance(db.orm, { accountId: a.accountId, mode: 'delta', tokens: -120, reason: 'Duplicate bonus', actorUserId: admin.userId, key: 'adj-history-1' });
		// Running: 2,000 reserved, still in the statement's balance until it settles.
		await hold(db.orm, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 2_000, ttlSeconds: 600, actor: {}, idempotency: idem() });
		await expectInvariants(db);

		const rows = await wholeHistory(a.accountId, 2);
		expect(rows.map((r) => [r.feature, r.tokensUsed, r.balanceAfter])).toEqual([
			['search_images', 10, 17_015], // 15,000 − 2,450 − 480 − 45 + 5,000 − 10
			['generate_texts', 45, 12_025],
			['ai_bots', 480, 12_070],
			['ai_bots', 2_500, 12_550],
			['ai_bots', 50, 15_000]
		]);
		// Each use the statement lists has the balance the statement gives it.
		const moves = new Map((await wholeStatement(a.accountId, 3)).map((r) => [r.id, r.balanceAfter]));
		const listed = rows.filter((r) => moves.has(r.id));
		expect(listed).toHaveLength(4);
		for (const r of listed) expect(r.balanceAfter, r.feature).toBe(moves.get(r.id));
		// What the API answered as `remaining` stays per feature and model: the 50-token use left 50 of the allowance beside the 15,000.
		expect(rows.at(-1)!.remaining).toBe(15_050);

		// Filtered, a page at a time: the same figures (the uses left out still move the balance).
		expect((await wholeHistory(a.accountId, 1, 'ai_bots')).map((r) => r.balanceAfter)).toEqual([12_070, 12_550, 15_000]);
		// A cursor written without balances (the API's; or before they were kept in it) walks back from now instead.
		const first = await history(db.orm, a.accountId, { limit: 2 });
		expect(first.rows.map((r) => r.balanceAfter)).toEqual([null, null]);
		const next = await history(db.orm, a.accountId, { limit: 2, cursor: first.nextCursor, balances: true });
		expect(next.rows.map((r) => r.balanceAfter)).toEqual([12_070, 12_550]);
		await expect(history(db.orm, a.accountId, { cursor: Buffer.from('2026-01-01T00:00:00Z|00000000-0000-0000-0000-000000000000|lots').toString('base64url'), balances: true }))
			.rejects.toMatchObject({ code: 'invalid_input' });
	});

	it('gives no balance for a page more than MAX_WALK movements from its newer end, rather than walking every one since', async () => {
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 50_000, source: 'purchase', note: 'Token pack × 10' });
		const use = (feature: string) => consume(db.orm, { accountId: a.accountId, feature, units: 1, actor: {}, idempotency: idem() });
		await use('search_images'); // 10 tokens: 49,990
		for (let i = 0; i < MAX_WALK; i += 100) await Promise.all(Array.from({ length: 100 }, () => use('generate_texts'))); // 45 each
		await expectInvariants(db);
		// The one search is MAX_WALK + 1 movements back from now: said without a balance.
		const rare = await history(db.orm, a.accountId, { feature: 'search_images', balances: true });
		expect(rare.rows.map((r) => [r.feature, r.balanceAfter])).toEqual([['search_images', null]]);
		// Paged from the newest, every row has its balance, the chain unbroken to the first use.
		const rows = await wholeHistory(a.accountId, 200);
		expect(rows).toHaveLength(MAX_WALK + 1);
		expect(rows.at(-1)).toMatchObject({ feature: 'search_images', balanceAfter: 49_990 });
		expect(rows[0]!.balanceAfter).toBe(49_990 - 45 * MAX_WALK);
	});
});

describe(`allocations by model scope and expiry on ${backend}`, () => {
	it('shows never-expiring purchased tokens apart from subscription tokens that expire, and labels bonus grants', async () => {
		const a = await makeUser(db);
		const end = new Date(Date.now() + 30 * DAY);
		await grant(db.orm, { accountId: a.accountId, tokens: 10_000, source: 'purchase', note: 'Token pack × 2' });
		await grant(db.orm, { accountId: a.accountId, tokens: 5_000, source: 'purchase', note: 'Token pack' });
		await consume(db.orm, { accountId: a.accountId, feature: 'generate_texts', units: 1, actor: {}, idempotency: idem() });
		await grant(db.orm, { accountId: a.accountId, tokens: 20_000, source: 'subscription', note: 'Monthly plan', expiresAt: end });
		await grant(db.orm, { accountId: a.accountId, tokens: 2_000, source: 'referral', note: 'Invited Leo', expiresAt: new Date(Date.now() + 10 * DAY) });
		await grant(db.orm, { accountId: a.accountId, tokens: 4_000, source: 'purchase', model: 'gpt-5-nano', note: 'GPT-5 Nano pack' });
		await expectInvariants(db);
		const { allocations, everGranted } = await balances(db.orm, a.accountId);
		expect(everGranted).toBe(true);
		expect(allocations.map((x) => [x.name, x.remaining])).toEqual([['General balance', 36_955], ['GPT-5 Nano', 4_000]]);
		// The spend order: soonest expiry first, purchased (never expiring) last, both packs in one part.
		expect(allocations[0]!.parts).toEqual([
			{ source: 'referral', note: 'Invited Leo', remaining: 2_000, amount: 2_000, unlimited: false, expiresAt: expect.any(String) },
			{ source: 'subscription', note: 'Monthly plan', remaining: 20_000, amount: 20_000, unlimited: false, expiresAt: end.toISOString() },
			{ source: 'purchase', note: null, remaining: 14_955, amount: 15_000, unlimited: false, expiresAt: null }
		]);
		expect(allocations[0]!.expiresAt).toBe(allocations[0]!.parts[0]!.expiresAt);
	});

	it('tells a member who never had tokens apart from one who used them up', async () => {
		const fresh = await makeUser(db);
		expect(await balances(db.orm, fresh.accountId)).toMatchObject({ everGranted: false, available: 0, level: 'empty' });
		const spent = await makeUser(db);
		await grant(db.orm, { accountId: spent.accountId, tokens: 45, source: 'purchase' });
		await consume(db.orm, { accountId: spent.accountId, feature: 'generate_texts', units: 1, actor: {}, idempotency: idem() });
		await expectInvariants(db);
		expect(await balances(db.orm, spent.accountId)).toMatchObject({ everGranted: true, available: 0, level: 'empty' });
	});
});
