/**
 * `reconcile` is the oracle of every ledger test, so it is shown a broken ledger here: a real
 * ledger (grants, an allowance, consumes, holds, an expiry, a clawback, a refusal) is built through
 * the domain functions, then each test breaks ONE rule of DESIGN.md's invariants inside a
 * transaction (dropping the CHECK or UNIQUE backstop, or the append-only trigger, where the break
 * needs it), asks reconcile inside that transaction, and rolls back. Each break must be reported
 * as exactly one breach of exactly its invariant, naming the broken row.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import { queryRows, type Db, type Executor } from '../../src/lib/server/db/client';
import {
	clawback, consume, endLots, grant, hold, reconcile, release, setAllowanceRule, settle, Refusal, type ReconcileReport
} from '../../src/lib/server/ledger';

let db: Db;
/** Ids of the rows the breaks below tamper with. */
const L = {} as Record<
	'a' | 'b' | 'c' | 'lotA' | 'lotB' | 'lotC' | 'paddleLot' | 'window' | 'consumeOp' | 'refusedOp' | 'settleOp' | 'expireOp' | 'clawbackOp' | 'grantOp' | 'openHold' | 'releasedHold',
	string
>;

const one = async <T>(exec: Executor, q: SQL) => (await queryRows<T>(exec, q))[0]!;

beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	const x = db.orm;
	const [a, b, c] = [await makeUser(db), await makeUser(db), await makeUser(db)];
	Object.assign(L, { a: a.accountId, b: b.accountId, c: c.accountId });
	await setAllowanceRule(x, { module: 'chat', audience: 'member', userId: a.userId, limitTokens: 100, period: 'daily' });
	const lotA = await grant(x, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
	await grant(x, { accountId: a.accountId, tokens: 500, source: 'bonus' });
	const paddle = await grant(x, { accountId: a.accountId, tokens: 500, source: 'purchase', grantKey: 'paddle:txn_recon:pri_recon:general' });
	const k = (key: string) => ({ scope: 'reconcile-test', key });
	// 60 words × 2.5 = 150 tokens: 100 from the allowance window, 50 from lotA.
	const spent = await consume(x, { accountId: a.accountId, feature: 'ai_bots', units: 60, actor: { userId: a.userId }, idempotency: k('consume-1') });
	const refused = await consume(x, { accountId: a.accountId, feature: 'ai_bots', units: 10_000, actor: {}, idempotency: k('too-much') }).catch((e: unknown) => e);
	expect(refused).toBeInstanceOf(Refusal);
	const open = await hold(x, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 30, ttlSeconds: 600, actor: {}, idempotency: k('hold-open') });
	const settled = await hold(x, { accountId: a.accountId, feature: 'ai_bots', maxTokens: 40, ttlSeconds: 600, actor: {}, idempotency: k('hold-settled') });
	const settleOp = await settle(x, settled.holdId, 25, k('settle-1'));
	const ending = await grant(x, { accountId: a.accountId, tokens: 20, source: 'event' });
	await endLots(x, [ending.lotId]);
	const clawed = await grant(x, { accountId: a.accountId, tokens: 300, source: 'bonus', grantKey: 'recon:clawed' });
	await clawback(x, { accountId: a.accountId, lotIds: [clawed.lotId], reason: 'test', operationKey: 'recon:clawback' });
	const lotB = await grant(x, { accountId: b.accountId, tokens: 200, source: 'purchase' });
	const lotC = await grant(x, { accountId: c.accountId, tokens: 100, source: 'purchase' });
	const released = await hold(x, { accountId: c.accountId, feature: 'ai_bots', maxTokens: 30, ttlSeconds: 600, actor: {}, idempotency: k('hold-released') });
	await release(x, released.holdId, k('release-1'));

	const opOf = async (kind: string, account = a.accountId) =>
		(await one<{ id: string }>(x, sql`select id from operations where kind = ${kind} and account_id = ${account}::uuid order by created_at desc limit 1`)).id;
	Object.assign(L, {
		lotA: lotA.lotId, lotB: lotB.lotId, lotC: lotC.lotId, paddleLot: paddle.lotId,
		window: String((await one<{ id: number }>(x, sql`select id from allowance_windows where account_id = ${a.accountId}::uuid`)).id),
		consumeOp: spent.operationId,
		refusedOp: (await one<{ id: string }>(x, sql`select id from operations where idem_key = 'too-much'`)).id,
		settleOp: settleOp.operationId,
		expireOp: await opOf('expire'),
		clawbackOp: await opOf('clawback'),
		grantOp: lotA.operationId,
		openHold: open.holdId,
		releasedHold: released.holdId
	});
	// The ledger really holds each kind of row the breaks need.
	expect(spent.paidBy.map((p) => [p.type, p.tokens])).toEqual([['allowance', 100], ['lot', 50]]);
	await expectInvariants(db);
});
afterAll(async () => db?.close());
// Every break was rolled back.
afterEach(async () => expectInvariants(db));

class Rollback extends Error {
	constructor(readonly report: ReconcileReport) {
		super('rolled back');
	}
}

/** What reconcile reports inside a transaction that applied `corrupt`, which is then rolled back. */
async function reportAfter(corrupt: (tx: Executor) => Promise<void>): Promise<ReconcileReport> {
	try {
		await db.orm.transaction(async (tx) => {
			await corrupt(tx);
			throw new Rollback(await reconcile(tx));
		});
	} catch (e) {
		if (e instanceof Rollback) return e.report;
		throw e;
	}
	throw new Error('the transaction was not rolled back');
}

const run = (tx: Executor, q: SQL) => tx.execute(q);

/** An operation written by hand; its entries come separately. */
async function op(tx: Executor, o: { account: string; kind: string; cost: number; status?: string; holdId?: string; idem?: [string, string] }) {
	const [scope, key] = o.idem ?? [null, null];
	return (
		await one<{ id: string }>(
			tx,
			sql`insert into operations (account_id, kind, status, cost, hold_id, idem_scope, idem_key)
			    values (${o.account}::uuid, ${o.kind}, ${o.status ?? 'ok'}, ${o.cost}, ${o.holdId ?? null}::uuid, ${scope}, ${key}) returning id`
		)
	).id;
}

/** An entry on a lot, with the lot's remaining moved by the same amount (so the lot itself stays consistent). */
async function lotEntry(tx: Executor, e: { op: string; account: string; lot: string; amount: number }) {
	await run(tx, sql`insert into entries (operation_id, account_id, lot_id, kind, amount) values (${e.op}::uuid, ${e.account}::uuid, ${e.lot}::uuid, 'consume', ${e.amount})`);
	await run(tx, sql`update lots set remaining = remaining + ${e.amount} where id = ${e.lot}::uuid`);
}

const remainingOf = async (tx: Executor, lot: string) => Number((await one<{ r: number }>(tx, sql`select remaining::int8 as r from lots where id = ${lot}::uuid`)).r);

interface Break {
	what: string;
	invariant: number;
	/** The reported row names the broken thing. */
	row: () => Record<string, unknown>;
	corrupt: (tx: Executor) => Promise<void>;
}

const breaks: Break[] = [
	// 1. Every lot's remaining = amount + Σ its entries; never below 0, never above amount.
	{
		what: "a lot's remaining changed by hand",
		invariant: 1,
		row: () => ({ id: L.lotA }),
		corrupt: (tx) => run(tx, sql`update lots set remaining = remaining - 7 where id = ${L.lotA}::uuid`).then(() => {})
	},
	{
		what: 'a lot spent below zero (with its entries written)',
		invariant: 1,
		row: () => ({ id: L.lotB, remaining: -5 }),
		corrupt: async (tx) => {
			await run(tx, sql`alter table lots drop constraint lots_remaining_check`);
			const cost = (await remainingOf(tx, L.lotB)) + 5;
			await lotEntry(tx, { op: await op(tx, { account: L.b, kind: 'consume', cost }), account: L.b, lot: L.lotB, amount: -cost });
		}
	},
	{
		what: 'a hold released twice, so its lot holds more than it was granted',
		invariant: 1,
		row: () => ({ id: L.lotC, amount: 100, remaining: 130 }),
		corrupt: async (tx) => {
			await run(tx, sql`alter table lots drop constraint lots_remaining_check`);
			await lotEntry(tx, { op: await op(tx, { account: L.c, kind: 'release', cost: 0, holdId: L.releasedHold }), account: L.c, lot: L.lotC, amount: 30 });
		}
	},
	// 2. Every allowance window's used = Σ its entries; never above its limit.
	{
		what: "a window's used changed by hand",
		invariant: 2,
		row: () => ({ id: Number(L.window), used: 99 }),
		corrupt: (tx) => run(tx, sql`update allowance_windows set used = used - 1 where id = ${L.window}::int8`).then(() => {})
	},
	{
		what: "a window's used above its limit",
		invariant: 2,
		row: () => ({ id: Number(L.window), used: 100 }),
		corrupt: async (tx) => {
			await run(tx, sql`alter table allowance_windows drop constraint allowance_windows_used_check`);
			await run(tx, sql`update allowance_windows set limit_tokens = used - 1 where id = ${L.window}::int8`);
		}
	},
	// 3. A consume writes all its entries or none; its cost = Σ its entries.
	{
		what: 'a consume that wrote none of its entries',
		invariant: 3,
		row: () => ({ kind: 'consume', cost: 40, entries: 0 }),
		corrupt: async (tx) => void (await op(tx, { account: L.a, kind: 'consume', cost: 40 }))
	},
	{
		what: 'a consume with one entry more than its cost',
		invariant: 3,
		row: () => ({ id: L.consumeOp, cost: 150, entries: -155 }),
		corrupt: (tx) => lotEntry(tx, { op: L.consumeOp, account: L.a, lot: L.lotA, amount: -5 })
	},
	{
		what: 'a refusal that took tokens',
		invariant: 3,
		row: () => ({ id: L.refusedOp, status: 'refused' }),
		corrupt: (tx) => lotEntry(tx, { op: L.refusedOp, account: L.a, lot: L.lotA, amount: -3 })
	},
	{
		what: 'a settle that gave back more than held − settled',
		invariant: 3,
		row: () => ({ id: L.settleOp, kind: 'settle', held: 40, cost: 25, entries: 17 }),
		corrupt: (tx) => lotEntry(tx, { op: L.settleOp, account: L.a, lot: L.lotA, amount: 2 })
	},
	{
		what: 'an expiry whose entries are not what it recorded as lost',
		invariant: 3,
		row: () => ({ id: L.expireOp, kind: 'expire' }),
		corrupt: (tx) => lotEntry(tx, { op: L.expireOp, account: L.a, lot: L.lotA, amount: -1 })
	},
	{
		what: 'a clawback whose entries are not what it took',
		invariant: 3,
		row: () => ({ id: L.clawbackOp, kind: 'clawback', cost: 300, entries: -304 }),
		corrupt: (tx) => lotEntry(tx, { op: L.clawbackOp, account: L.a, lot: L.lotA, amount: -4 })
	},
	{
		what: 'a grant operation with entries',
		invariant: 3,
		row: () => ({ id: L.grantOp, kind: 'grant' }),
		corrupt: (tx) => lotEntry(tx, { op: L.grantOp, account: L.a, lot: L.lotA, amount: -1 })
	},
	{
		what: 'an operation of a kind reconcile does not know',
		invariant: 3,
		row: () => ({ kind: 'gift' }),
		corrupt: async (tx) => void (await op(tx, { account: L.a, kind: 'gift', cost: 0 }))
	},
	{
		what: 'an entry that belongs to no operation',
		invariant: 3,
		row: () => ({ operation_id: '00000000-0000-4000-8000-000000000001', operation_account: null }),
		corrupt: (tx) => lotEntry(tx, { op: '00000000-0000-4000-8000-000000000001', account: L.a, lot: L.lotA, amount: -6 })
	},
	{
		what: 'an entry moved to another account than its operation (append-only trigger disabled)',
		invariant: 3,
		row: () => ({ operation_id: L.consumeOp, account_id: L.b, operation_account: L.a }),
		corrupt: async (tx) => {
			await run(tx, sql`alter table entries disable trigger entries_append_only`);
			await run(tx, sql`update entries set account_id = ${L.b}::uuid where id = (select min(id) from entries where operation_id = ${L.consumeOp}::uuid)`);
		}
	},
	// 4. One idempotency key (scoped to its caller) has at most one effect, ever.
	{
		what: 'an idempotency key with a second effect',
		invariant: 4,
		row: () => ({ idem_scope: 'reconcile-test', idem_key: 'consume-1', n: 2 }),
		corrupt: async (tx) => {
			await run(tx, sql`drop index operations_idem_idx`);
			const again = await op(tx, { account: L.a, kind: 'consume', cost: 5, idem: ['reconcile-test', 'consume-1'] });
			await lotEntry(tx, { op: again, account: L.a, lot: L.lotA, amount: -5 });
		}
	},
	// 5. One Paddle event / transaction grants at most once.
	{
		what: 'a Paddle transaction item granted twice',
		invariant: 5,
		row: () => ({ grant_key: 'paddle:txn_recon:pri_recon:general', n: 2 }),
		corrupt: async (tx) => {
			await run(tx, sql`alter table lots drop constraint lots_grant_key_unique`);
			const g = await op(tx, { account: L.a, kind: 'grant', cost: 500 });
			await run(tx, sql`insert into lots (account_id, source, amount, remaining, grant_key, operation_id)
				values (${L.a}::uuid, 'purchase', 500, 500, 'paddle:txn_recon:pri_recon:general', ${g}::uuid)`);
		}
	},
	// 6. Σ granted − Σ consumed − Σ expired − Σ held = Σ remaining, per account.
	{
		what: 'tokens from nowhere: a lot without its grant',
		invariant: 6,
		row: () => ({ id: L.b, granted: 200, lot_amounts: 250 }),
		corrupt: (tx) => run(tx, sql`insert into lots (account_id, source, amount, remaining) values (${L.b}::uuid, 'bonus', 50, 50)`).then(() => {})
	},
	{
		what: 'a grant operation that records another amount than its lot',
		invariant: 6,
		row: () => ({ id: L.a }),
		corrupt: (tx) => run(tx, sql`update operations set cost = cost + 1 where id = ${L.grantOp}::uuid`).then(() => {})
	},
	{
		what: "an entry that spends another account's lot",
		invariant: 6,
		row: () => ({ operation_account: L.a, target_account: L.b }),
		corrupt: async (tx) => lotEntry(tx, { op: await op(tx, { account: L.a, kind: 'consume', cost: 9 }), account: L.a, lot: L.lotB, amount: -9 })
	},
	{
		what: 'an open hold that holds more than it took',
		invariant: 6,
		row: () => ({ id: L.openHold, amount: 40, taken: 30 }),
		corrupt: (tx) => run(tx, sql`update holds set amount = amount + 10 where id = ${L.openHold}::uuid`).then(() => {})
	}
];

describe(`reconcile shown a broken ledger on ${backend}`, () => {
	it('finds the ledger built by the domain functions clean', async () => {
		const report = await reconcile(db.orm);
		expect(report).toMatchObject({ ok: true, breaches: [] });
		expect(report.checked.operations).toBeGreaterThanOrEqual(15);
	});

	for (const b of breaks) {
		it(`reports ${b.what} as invariant ${b.invariant}, and nothing else`, async () => {
			const report = await reportAfter(b.corrupt);
			expect(report.ok).toBe(false);
			expect(report.breaches.map((x) => x.invariant)).toEqual([b.invariant]);
			expect(report.breaches[0]!.row).toMatchObject(b.row());
		});
	}

	it('covers every invariant DESIGN.md lists', () => {
		expect([...new Set(breaks.map((b) => b.invariant))].sort()).toEqual([1, 2, 3, 4, 5, 6]);
	});
});

describe(`entries are append-only on ${backend}`, () => {
	const causes = (e: unknown): string => (e instanceof Error ? `${e.message} ${causes(e.cause)}` : '');
	const count = async () => Number((await one<{ n: number }>(db.orm, sql`select count(*)::int8 as n from entries`)).n);

	it('refuses UPDATE, DELETE and TRUNCATE, and keeps every entry as it was', async () => {
		const before = await count();
		const snapshot = await db.rows(sql`select * from entries order by id`);
		expect(before).toBeGreaterThan(0);
		for (const statement of [
			sql`update entries set amount = 0 where operation_id = ${L.consumeOp}::uuid`,
			sql`delete from entries where operation_id = ${L.consumeOp}::uuid`,
			sql`truncate entries`
		]) {
			const error = await db.rows(statement).then(() => null, (e: unknown) => e);
			expect(causes(error)).toMatch(/entries is append-only: (UPDATE|DELETE|TRUNCATE) rejected/);
		}
		expect(await db.rows(sql`select * from entries order by id`)).toEqual(snapshot);
	});

	it('accepts new entries (corrections are new rows)', async () => {
		const report = await reportAfter(async (tx) => {
			const fix = await op(tx, { account: L.a, kind: 'consume', cost: 1 });
			await lotEntry(tx, { op: fix, account: L.a, lot: L.lotA, amount: -1 });
		});
		expect(report.breaches).toEqual([]);
	});
});
