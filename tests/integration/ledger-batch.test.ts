import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeUser } from '../helpers/ledger';
import { openPostgres, type Db } from '../../src/lib/server/db/client';
import { DomainError, databaseRefusal, sqlState } from '../../src/lib/server/errors';
import { allowanceStatus, balances, consume, grant, history, hold, setAllowanceRule, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import { DEFAULT_GROUP_COMMIT, setGroupCommitOptions } from '../../src/lib/server/ledger/group-commit';

// Group commit: consumes and holds that reach the ledger together go to Postgres as one batch (one
// transaction). Each item keeps its own key, answer and refusal; a failing item fails alone.

let db: Db & { url?: string };
const LIMIT = 20;
beforeAll(async () => {
	db = await freshDb({ poolSize: 8 });
	await configureRates(db);
	await upsertModule(db.orm, { key: 'batchm', name: 'Batch model', limitMessage: 'Batch allowance used.', onExhausted: 'message' });
	await upsertFeature(db.orm, { key: 'batch_op', name: 'Batch op', module: 'batchm', unit: 'operation', tokensPerUnit: 1 });
	await setAllowanceRule(db.orm, { module: 'batchm', audience: 'role', role: 'batch-tester', limitTokens: LIMIT, period: 'never' });
});
afterAll(async () => db?.close());
afterEach(() => setGroupCommitOptions(DEFAULT_GROUP_COMMIT));

/** 'ok', a domain code, or `sqlstate:<code>` for a database error of the item itself. */
async function outcome(p: Promise<unknown>): Promise<string> {
	try {
		await p;
		return 'ok';
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		const state = sqlState(e);
		if (state) return `sqlstate:${state}`;
		throw e;
	}
}

const NUL_METADATA = { note: 'a\u0000b' };

describe(`group commit on ${backend}`, () => {
	it('one item breaking a constraint, or carrying a value Postgres cannot store, fails alone; its batch neighbours commit', async () => {
		// One batch at a time: of what is sent in one tick the first item goes at once, the rest as one batch after it.
		setGroupCommitOptions({ inFlight: 1, gather: 'none' });
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 100, source: 'purchase' });
		const key = (i: number) => ({ scope: 'batch-fail', key: `k${i}` });
		const results = await Promise.all(
			Array.from({ length: 12 }, (_, i) =>
				outcome(
					consume(db.orm, {
						accountId: a.accountId, feature: 'search_images', units: 1, idempotency: key(i),
						// Item 3's actor is no user (a foreign key violation inside the batch); item 7's metadata holds a NUL.
						actor: { userId: i === 3 ? randomUUID() : a.userId },
						metadata: i === 7 ? NUL_METADATA : { i }
					})
				)
			)
		);
		expect(results[3]).toBe('sqlstate:23503');
		expect(results[7]).toBe('invalid_input');
		expect(results.filter((r) => r === 'ok')).toHaveLength(10);
		// At the edge, the violation answers as the refusal it is (422 invalid_input), not a 500.
		await consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, idempotency: key(3), actor: { userId: randomUUID() } }).catch((e) =>
			expect(databaseRefusal(e)?.code).toBe('invalid_input')
		);
		expect((await balances(db.orm, a.accountId)).available).toBe(100 - 10 * 10);
		// The failed items left no trace under their keys: sent again correctly, they spend.
		setGroupCommitOptions(DEFAULT_GROUP_COMMIT);
		await grant(db.orm, { accountId: a.accountId, tokens: 20, source: 'purchase' });
		expect(await outcome(consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, idempotency: key(3), actor: { userId: a.userId } }))).toBe('ok');
		expect(await outcome(consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, idempotency: key(7), actor: {} }))).toBe('ok');
		expect((await balances(db.orm, a.accountId)).available).toBe(0);
		await expectInvariants(db);
	});

	it('lists a batch’s operations in the order they were applied', async () => {
		setGroupCommitOptions({ inFlight: 1, gather: 'none' });
		const a = await makeUser(db);
		await grant(db.orm, { accountId: a.accountId, tokens: 1000, source: 'purchase' });
		const ops = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				consume(db.orm, { accountId: a.accountId, feature: 'search_images', units: 1, actor: {}, idempotency: { scope: 'batch-order', key: `k${i}` } })
			)
		);
		// Applied in the order sent: the remaining balance falls by 10 at each step.
		expect(ops.map((o) => o.remaining)).toEqual(Array.from({ length: 30 }, (_, i) => 1000 - 10 * (i + 1)));
		// The usage history, newest first, says the same (each operation's remaining balance after it).
		const page = await history(db.orm, a.accountId);
		expect(page.rows.map((r) => r.remaining)).toEqual(Array.from({ length: 30 }, (_, i) => 1000 - 300 + 10 * i));
		await expectInvariants(db);
	});
});

type Item =
	| { t: 'consume'; account: number; units: number }
	| { t: 'hold'; account: number; max: number }
	| { t: 'retry'; of: number }
	| { t: 'shared'; which: number }
	| { t: 'bad-actor'; account: number }
	| { t: 'bad-metadata'; account: number };

const ACCOUNTS = 3;
const item: fc.Arbitrary<Item> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ t: fc.constant('consume' as const), account: fc.nat(ACCOUNTS - 1), units: fc.integer({ min: 1, max: 30 }) }) },
	{ weight: 2, arbitrary: fc.record({ t: fc.constant('hold' as const), account: fc.nat(ACCOUNTS - 1), max: fc.integer({ min: 1, max: 30 }) }) },
	{ weight: 2, arbitrary: fc.record({ t: fc.constant('retry' as const), of: fc.nat(40) }) },
	{ weight: 2, arbitrary: fc.record({ t: fc.constant('shared' as const), which: fc.nat(1) }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('bad-actor' as const), account: fc.nat(ACCOUNTS - 1) }) },
	{ weight: 1, arbitrary: fc.record({ t: fc.constant('bad-metadata' as const), account: fc.nat(ACCOUNTS - 1) }) }
);
/** A stream: batches (items sent in one tick), with grants between them. */
interface Batch { grants: number[]; items: Item[] }
const stream = fc.array(fc.record({ grants: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: ACCOUNTS, maxLength: ACCOUNTS }), items: fc.array(item, { minLength: 1, maxLength: 12 }) }), {
	minLength: 1,
	maxLength: 5
});

interface ModelAccount { lots: number; allowanceUsed: number; held: number }

/**
 * Runs one stream of batches against the ledger and against a sequential model of the spend rules
 * (items applied in the order sent): every item's answer, and every balance after each batch, must
 * agree. Items on the two shared accounts (1 token, always enough) make streams contend for locks.
 */
async function runStream(exec: Db, run: string, batches: Batch[], shared: string[]) {
	const accounts = await Promise.all(Array.from({ length: ACCOUNTS }, () => makeUser(db, 'batch-tester')));
	const model: ModelAccount[] = accounts.map(() => ({ lots: 0, allowanceUsed: 0, held: 0 }));
	const sent: { account: number; units: number; hold: boolean; key: string; result: string }[] = [];
	let sharedUses = 0;
	for (const [b, batch] of batches.entries()) {
		for (const [i, tokens] of batch.grants.entries()) {
			if (tokens === 0) continue;
			await grant(exec.orm, { accountId: accounts[i]!.accountId, tokens, source: 'bonus' });
			model[i]!.lots += tokens;
		}
		const expected: string[] = [];
		const calls: Promise<string>[] = [];
		for (const [i, it] of batch.items.entries()) {
			const key = `${run}-${b}-${i}`;
			const idem = { scope: `batch-model-${run}`, key };
			if (it.t === 'shared') {
				sharedUses++;
				expected.push('ok');
				calls.push(outcome(consume(exec.orm, { accountId: shared[it.which]!, feature: 'batch_op', units: 1, actor: {}, idempotency: idem })));
			} else if (it.t === 'bad-actor' || it.t === 'bad-metadata') {
				const bad = it.t === 'bad-actor';
				expected.push(bad ? 'sqlstate:23503' : 'invalid_input');
				calls.push(
					outcome(
						consume(exec.orm, {
							accountId: accounts[it.account]!.accountId, feature: 'batch_op', units: 1, idempotency: idem,
							actor: bad ? { userId: randomUUID() } : {}, metadata: bad ? null : NUL_METADATA
						})
					)
				);
			} else if (it.t === 'retry') {
				const earlier = sent[it.of];
				if (!earlier) continue;
				// The same key and body again: the first answer, no second effect.
				expected.push(earlier.result);
				const req = { accountId: accounts[earlier.account]!.accountId, feature: 'batch_op', actor: {}, idempotency: { scope: `batch-model-${run}`, key: earlier.key } };
				calls.push(outcome(earlier.hold ? hold(exec.orm, { ...req, maxTokens: earlier.units, ttlSeconds: 600 }) : consume(exec.orm, { ...req, units: earlier.units })));
			} else {
				const m = model[it.account]!;
				const cost = it.t === 'hold' ? it.max : it.units;
				const allow = Math.min(LIMIT - m.allowanceUsed, cost);
				const enough = allow + m.lots >= cost;
				const result = enough ? 'ok' : m.lots === 0 ? 'allowance_exhausted' : 'insufficient_tokens';
				if (enough) {
					m.allowanceUsed += allow;
					m.lots -= cost - allow;
					if (it.t === 'hold') m.held += cost;
				}
				expected.push(result);
				sent.push({ account: it.account, units: cost, hold: it.t === 'hold', key, result });
				const req = { accountId: accounts[it.account]!.accountId, feature: 'batch_op', actor: {}, idempotency: idem };
				calls.push(outcome(it.t === 'hold' ? hold(exec.orm, { ...req, maxTokens: cost, ttlSeconds: 600 }) : consume(exec.orm, { ...req, units: cost })));
			}
		}
		expect(await Promise.all(calls)).toEqual(expected);
		for (const [i, a] of accounts.entries()) {
			const m = model[i]!;
			const got = await balances(exec.orm, a.accountId);
			expect({ available: got.available, held: got.held }).toEqual({ available: m.lots + LIMIT - m.allowanceUsed, held: m.held });
			const [allowance] = (await allowanceStatus(exec.orm, a.accountId)).filter((x) => x.module === 'batchm');
			expect(allowance?.used ?? 0).toBe(m.allowanceUsed);
		}
	}
	return sharedUses;
}

describe(`group commit model check on ${backend}`, () => {
	it('two streams of batches agree with a sequential model, item by item, and never deadlock', async () => {
		// One batch at a time per process: a stream's items go in the order sent, in one or two batches.
		setGroupCommitOptions({ inFlight: 1, gather: 'none' });
		// Another app process: its own connections (PGlite has one process).
		const other: Db = db.url ? openPostgres(db.url, { max: 4 }) : db;
		const shared = await Promise.all([makeUser(db), makeUser(db)]);
		for (const s of shared) await grant(db.orm, { accountId: s.accountId, tokens: 1_000_000, source: 'purchase' });
		const sharedIds = shared.map((s) => s.accountId);
		let run = 0;
		let sharedUses = 0;
		try {
			await fc.assert(
				fc.asyncProperty(stream, stream, async (first, second) => {
					run++;
					const uses = await Promise.all([runStream(db, `${run}a`, first, sharedIds), runStream(other, `${run}b`, second, [...sharedIds].reverse())]);
					sharedUses += uses[0] + uses[1];
				}),
				{ numRuns: backend === 'postgres' ? 25 : 12 }
			);
		} finally {
			if (other !== db) await other.close();
		}
		const left = await Promise.all(sharedIds.map((id) => balances(db.orm, id)));
		expect(left.reduce((n, b) => n + b.available, 0)).toBe(2_000_000 - sharedUses);
		await expectInvariants(db);
	});
});

describe(`group commit over many accounts on ${backend}`, () => {
	it('spends each account exactly to zero when two processes send thousands of consumes over 40 accounts at once, in opposite orders', async () => {
		const other: Db = db.url ? openPostgres(db.url, { max: 4 }) : db;
		const accounts = await Promise.all(Array.from({ length: 40 }, () => makeUser(db)));
		for (const a of accounts) await grant(db.orm, { accountId: a.accountId, tokens: 25, source: 'purchase' });
		try {
			// 50 consumes per account, 2,000 in all, half from each process, the accounts in opposite orders.
			const results = await Promise.all(
				Array.from({ length: 2000 }, (_, i) => {
					const k = Math.floor(i / 2) % 40;
					const [exec, n] = i % 2 ? [other, 39 - k] : [db, k];
					return outcome(consume(exec.orm, { accountId: accounts[n]!.accountId, feature: 'batch_op', units: 1, actor: {}, idempotency: { scope: 'many-accounts', key: `d${i}` } }));
				})
			);
			expect(results.filter((r) => r === 'ok')).toHaveLength(1000);
			expect(results.filter((r) => r !== 'ok').every((r) => r === 'insufficient_tokens')).toBe(true);
		} finally {
			if (other !== db) await other.close();
		}
		for (const a of accounts) expect((await balances(db.orm, a.accountId)).available).toBe(0);
		await expectInvariants(db);
	});
});
