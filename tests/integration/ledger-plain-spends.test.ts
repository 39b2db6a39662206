import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeTeam, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { grant, setAllowanceRule, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import { storableItem, type SpendItem } from '../../src/lib/server/ledger/group-commit';

// A batch's plain spends (consumes and holds) are written together, in one statement
// (drizzle/functions/spend_plain.sql). It must answer and write exactly what quota_spend does item by
// item: the same batch is sent to one set of accounts as a batch, and item by item to their twins, and
// everything compared.

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	await upsertModule(db.orm, { key: 'plainm', name: 'Plain', limitMessage: 'Plain allowance used.', onExhausted: 'message' });
	await upsertFeature(db.orm, { key: 'plain_op', name: 'Plain op', module: 'plainm', unit: 'operation', tokensPerUnit: 1 });
	// A module with a free allowance for everyone: its items are decided one by one.
	await upsertModule(db.orm, { key: 'plainfree', name: 'Plain free', limitMessage: 'Free plain used.', onExhausted: 'message' });
	await upsertFeature(db.orm, { key: 'plain_free', name: 'Plain free op', module: 'plainfree', unit: 'operation', tokensPerUnit: 1 });
	await setAllowanceRule(db.orm, { module: 'plainfree', audience: 'user', limitTokens: 15, period: 'daily' });
});
afterAll(async () => db?.close());

type Expiry = 'never' | 'days' | 'soon';
interface LotPlan { tokens: number; priority: number; expiry: Expiry; model: string | null; unlimited: boolean }
interface ItemPlan { account: number; mode: 'consume' | 'hold'; feature: string; units: number; model: string | null; actor: boolean; key: 'new' | number }

const ACCOUNTS = 3;
const MODELS = [null, 'gpt-5-nano', 'text-embedding-3-small'];
/** Mostly plain spends, with every reason an item is not now and then. */
const rare = <T,>(common: fc.Arbitrary<T>, ...others: T[]) =>
	fc.noBias(fc.oneof({ weight: 40, arbitrary: common }, ...others.map((o) => ({ weight: 1, arbitrary: fc.constant(o) }))));
const lotPlan: fc.Arbitrary<LotPlan> = fc.record({
	tokens: fc.integer({ min: 1, max: 400 }),
	priority: fc.nat(2),
	expiry: rare(fc.constantFrom<Expiry>('never', 'days'), 'soon'),
	model: rare(fc.constant(null), 'gpt-5-nano'),
	unlimited: rare(fc.constant(false), true)
});
const itemPlan: fc.Arbitrary<ItemPlan> = fc.record({
	account: fc.nat(ACCOUNTS - 1),
	mode: fc.noBias(fc.oneof({ weight: 4, arbitrary: fc.constant('consume' as const) }, { weight: 1, arbitrary: fc.constant('hold' as const) })),
	feature: rare(fc.constantFrom('plain_op', 'ai_bots'), 'plain_free', 'nope'),
	units: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 90 }) }),
	model: fc.constantFrom(...MODELS),
	actor: fc.boolean(),
	key: rare<'new' | number>(fc.constant('new'), 0, 1, 7, 30)
});
interface Scenario { lots: LotPlan[][]; team: number; batches: ItemPlan[][] }
const scenario: fc.Arbitrary<Scenario> = fc.record({
	lots: fc.array(rare(fc.array(lotPlan, { minLength: 1, maxLength: 4 }), []), { minLength: ACCOUNTS, maxLength: ACCOUNTS }),
	// Most scenarios have no team (0..2: that account is one).
	team: fc.nat(3 * ACCOUNTS),
	batches: fc.array(fc.array(itemPlan, { minLength: 1, maxLength: 16 }), { minLength: 1, maxLength: 3 })
});

/**
 * A hold and two consumes of one account, the second paid by two lots (5 tokens, then 100): plain, all
 * three (the first lot holds all but the last item's cost, spend_plain.sql).
 */
const lot = (tokens: number): LotPlan => ({ tokens, priority: 0, expiry: 'never', model: null, unlimited: false });
const plainItem = (account: number, mode: ItemPlan['mode'], units: number): ItemPlan =>
	({ account, mode, feature: 'plain_op', units, model: null, actor: false, key: 'new' });
const splitAndHold: Scenario = {
	lots: [[lot(5), lot(100)], [lot(50)], []],
	team: 3 * ACCOUNTS,
	batches: [[plainItem(0, 'consume', 3), plainItem(1, 'hold', 4), plainItem(0, 'consume', 8)]]
};

const DAY = 86_400_000;
interface Side { accounts: { accountId: string; userId: string | null }[]; lots: string[]; scope: string }

/** Accounts with the plan's lots, granted at `since` + 1 ms, + 2 ms…: twins' lots are in the same spend order. */
async function makeSide(plan: Scenario, scope: string, since: number): Promise<Side> {
	const side: Side = { accounts: [], lots: [], scope };
	for (let a = 0; a < ACCOUNTS; a++) {
		side.accounts.push(a === plan.team ? { ...(await makeTeam(db)), userId: null } : await makeUser(db));
		for (const l of plan.lots[a]!) {
			const expiresAt = l.expiry === 'never' ? undefined : new Date(Date.now() + (l.expiry === 'days' ? 3 * DAY : 40_000));
			const r = await grant(db.orm, { accountId: side.accounts[a]!.accountId, tokens: l.tokens, source: 'bonus', priority: l.priority, expiresAt, model: l.model ?? undefined, unlimited: l.unlimited, effectiveAt: new Date(since + side.lots.length + 1) });
			side.lots.push(r.lotId);
		}
	}
	return side;
}

function itemFor(side: Side, p: ItemPlan, key: string): SpendItem {
	const account = side.accounts[p.account]!;
	return {
		mode: p.mode, account: account.accountId, actor_user: p.actor ? account.userId : null, actor_key: null, feature: p.feature,
		units: p.units, model: p.model, hold_tokens: p.mode === 'hold' ? Math.max(1, p.units) : null, hold_ttl_seconds: p.mode === 'hold' ? 600 : null,
		scope: side.scope, key, hash: `h-${p.units}-${p.feature}`, metadata: p.units % 3 === 0 ? { n: p.units } : null, now: null
	};
}

/** An answer with what differs between twins by construction (ids, instants) named instead. */
function normalise(side: Side, answer: unknown): unknown {
	const text = JSON.stringify(answer, (k, v) => {
		if (k === 'operation_id' || k === 'hold_id' || k === 'expires_at' || k === 'resets_at') return v === null ? null : `<${k}>`;
		if (typeof v === 'string' && side.lots.includes(v)) return `lot ${side.lots.indexOf(v)}`;
		const account = typeof v === 'string' ? side.accounts.findIndex((a) => a.accountId === v || a.userId === v) : -1;
		return account >= 0 ? `account ${account}` : v;
	});
	return JSON.parse(text);
}

/** What the ledger holds for a side's accounts, ids replaced by their place in the side. */
async function ledgerOf(side: Side) {
	const ids = side.accounts.map((a) => a.accountId);
	const idList = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
	const [lots, entries, usage, operations, holds] = await Promise.all([
		db.rows(sql`select id, remaining, expired_at is not null as expired from lots where account_id in (${idList}) order by created_at, id`),
		db.rows(sql`select account_id, lot_id, window_id is not null as allowance, kind, amount::int8::text, balance_after::int8::text
			from entries where account_id in (${idList}) order by id`),
		db.rows(sql`select account_id, day::text, feature, model, actor_user_id, tokens::int8::text, operations from usage_daily
			where account_id in (${idList}) order by account_id, day, feature, model, actor_user_id`),
		db.rows(sql`select account_id, kind, status, code, feature, model, units::text, cost::int8::text, balance_after::int8::text,
			idem_key, request_hash, metadata, response from operations where account_id in (${idList}) and kind in ('consume', 'hold')
			order by created_at, id`),
		db.rows(sql`select account_id, amount::int8::text, status from holds where account_id in (${idList}) order by created_at, id`)
	]);
	const byAccount = (rows: Record<string, unknown>[]) =>
		ids.map((id) => rows.filter((r) => r.account_id === id).map(({ account_id: _, ...rest }) => rest));
	return normalise(side, { lots, entries: byAccount(entries), usage: byAccount(usage), operations: byAccount(operations), holds: byAccount(holds) });
}

/** Which items of a batch are plain spends right now (a dry run, rolled back): none in a batch of fewer than 3. */
async function plainItems(items: string[]): Promise<boolean[]> {
	let taken: boolean[] = [];
	const ROLLBACK = new Error('rollback');
	await db.orm
		.transaction(async (tx) => {
			const r = (await tx.execute(sql`select quota_spend_plain(${`[${items.join(',')}]`}::jsonb, clock_timestamp()) as r`)) as unknown;
			const rows = ((r as { rows?: { r: unknown }[] }).rows ?? (r as { r: unknown }[])) as { r: unknown }[];
			const raw = rows[0]!.r;
			const answers = (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[] | null;
			taken = items.map((_, i) => answers?.[i] != null);
			throw ROLLBACK;
		})
		.catch((e) => {
			if (e !== ROLLBACK) throw e;
		});
	return taken;
}

const json = (raw: unknown) => (typeof raw === 'string' ? JSON.parse(raw) : raw) as unknown[];

describe(`plain spends written together on ${backend}`, () => {
	it('answers and writes exactly what quota_spend does item by item', async () => {
		let run = 0;
		let plain = 0;
		let items = 0;
		let split = 0;
		let holds = 0;
		await fc.assert(
			fc.asyncProperty(scenario, async (plan) => {
				run++;
				const since = Date.now() - 60_000;
				const batched = await makeSide(plan, `plain-${run}-batch`, since);
				const single = await makeSide(plan, `plain-${run}-single`, since);
				const keys: string[] = [];
				for (const [b, batch] of plan.batches.entries()) {
					const keyOf = (p: ItemPlan, i: number) => (p.key === 'new' || keys.length === 0 ? `${b}-${i}` : keys[p.key % keys.length]!);
					const planned = batch.map((p, i) => ({ p, key: keyOf(p, i) }));
					const batchItems = planned.map(({ p, key }) => storableItem(itemFor(batched, p, key)));
					const takes = await plainItems(batchItems);
					plain += takes.filter(Boolean).length;
					items += takes.length;
					const [row] = await db.rows<{ r: unknown }>(sql`select quota_spend_batch(${`[${batchItems.join(',')}]`}::jsonb) as r`);
					const got = json(row!.r).map((a) => normalise(batched, a));
					split += got.filter((a, i) => takes[i] && (a as { paid_by: unknown[] }).paid_by.length > 1).length;
					holds += got.filter((a, i) => takes[i] && (a as { hold_id: unknown }).hold_id !== null).length;
					const want: unknown[] = [];
					// Strictly later each time, as in a batch: the embedded database's clock can give two calls one instant.
					let at = '-infinity';
					for (const { p, key } of planned) {
						const item = storableItem(itemFor(single, p, key));
						const [one] = await db.rows<{ r: unknown; at: string }>(sql`
							with t as (select greatest(clock_timestamp(), ${at}::timestamptz + interval '1 microsecond') as at)
							select quota_spend_item(${item}::jsonb, t.at) as r, t.at::text as at from t`);
						at = one!.at;
						want.push(normalise(single, typeof one!.r === 'string' ? JSON.parse(one!.r) : one!.r));
					}
					expect(got).toEqual(want);
					expect(await ledgerOf(batched)).toEqual(await ledgerOf(single));
					keys.push(...planned.map((x) => x.key));
				}
			}),
			// The random runs may meet no split and no hold (the project's CI on d259b94, PGlite's 30 runs): one scenario always has both.
			{ numRuns: backend === 'postgres' ? 60 : 30, examples: [[splitAndHold]] }
		);
		// The property says nothing if no item was plain: most items of these batches are.
		expect(plain / items).toBeGreaterThan(0.2);
		// …and some of them were paid by more than one lot, and some were holds.
		expect(split).toBeGreaterThan(0);
		expect(holds).toBeGreaterThan(0);
		await expectInvariants(db);
	});

	it('takes the plain spends of a batch and leaves to quota_spend what needs a decision', async () => {
		const plain = await makeUser(db);
		const team = await makeTeam(db);
		const short = await makeUser(db);
		await grant(db.orm, { accountId: plain.accountId, tokens: 100, source: 'purchase' });
		await grant(db.orm, { accountId: team.accountId, tokens: 100, source: 'purchase' });
		await grant(db.orm, { accountId: short.accountId, tokens: 10, source: 'purchase' });
		const side: Side = { accounts: [plain, { ...team, userId: null }, short], lots: [], scope: 'plain-which' };
		const item = (account: number, units: number, key: string, over: Partial<ItemPlan> = {}) =>
			storableItem(itemFor(side, { account, mode: 'consume', feature: 'plain_op', units, model: null, actor: false, key: 'new', ...over }, key));
		const takes = await plainItems([
			item(0, 5, 'a'),
			item(0, 7, 'b', { model: 'gpt-5-nano' }),
			item(1, 5, 'c'), // a team: its limits are decided one by one
			item(2, 6, 'd'),
			item(2, 6, 'e'), // together more than the account holds: both go one by one
			item(0, 1, 'a') // the same key twice in one batch
		]);
		expect(takes).toEqual([false, false, false, false, false, false]);
		expect(await plainItems([item(0, 5, 'a'), item(0, 7, 'b', { model: 'gpt-5-nano' }), item(2, 6, 'd'), item(0, 1, 'f', { feature: 'plain_free' })])).toEqual([
			false, false, true, false
		]);
		expect(await plainItems([item(0, 5, 'a'), item(0, 7, 'b', { model: 'gpt-5-nano', actor: true }), item(2, 10, 'd', { mode: 'hold' })])).toEqual([true, true, true]);
		// A batch of one goes item by item; two go together.
		expect(await plainItems([item(0, 5, 'a')])).toEqual([false]);
		expect(await plainItems([item(0, 5, 'a'), item(2, 10, 'd')])).toEqual([true, true]);
	});
});
