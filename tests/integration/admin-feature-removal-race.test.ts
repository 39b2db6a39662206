import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { type Caller, adminWorld } from '../helpers/world';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';
import { queryRows, type Executor } from '../../src/lib/server/db/client';
import { consume, grant, removeFeature, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import { storableItem, type SpendItem } from '../../src/lib/server/ledger/group-commit';

// A feature's removal and a spend of it under way at the same moment: whichever commits first, no
// operation, hold or day of use ends up naming a feature that is gone. The spend holds the feature's
// lock (drizzle/functions/feature_lock.sql) until it commits; the removal waits for it and then sees its
// use, or the spend waits for the removal and then finds no feature. Two connections, each step taken
// when the other is seen waiting on that lock in pg_locks.

let db: Db;
let admin: Caller;
beforeAll(async () => {
	({ db, admin } = await adminWorld('10.9.0.8', async (db) => {
		await configureRates(db);
		// A module with no free allowance: a batch's consumes of its features are plain (spend_plain.sql).
		await upsertModule(db.orm, { key: 'racem', name: 'Race', limitMessage: 'Race allowance used.', onExhausted: 'message' });
	}));
});
afterAll(async () => db?.close());

const idem = () => ({ scope: 'feature-removal-race', key: randomUUID() });
const addFeature = (key: string) => upsertFeature(db.orm, { key, name: key, module: 'racem', unit: 'operation', tokensPerUnit: 5 });
const featureExists = async (key: string) => (await db.rows(sql`select 1 from features where key = ${key}`)).length === 1;
/** Rows of the ledger that name `key`: operations, holds, days of use. */
const namedBy = async (key: string) =>
	(await db.rows<{ n: number }>(sql`select ((select count(*) from operations where feature = ${key}) + (select count(*) from holds where feature = ${key})
		+ (select count(*) from usage_daily where feature = ${key}))::int as n`))[0]!.n;

/** A transaction on its own connection that runs `step`, then stays open until `commit()` is called. */
function openTransaction(step: (tx: Executor) => Promise<unknown>) {
	let commit!: () => void;
	let ready!: (pid: number) => void;
	const gate = new Promise<void>((r) => (commit = r));
	const inside = new Promise<number>((r) => (ready = r));
	const done = db.orm.transaction(async (tx) => {
		await step(tx);
		ready((await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`))[0]!.pid);
		await gate;
	});
	done.catch(() => {});
	return { inside, commit, done };
}

/** Resolves once a connection other than `holder` waits for a lock `holder` holds on a feature (class 7243019). */
async function someoneWaitsBehind(holder: number) {
	for (let tries = 0; tries < 500; tries++) {
		const [row] = await db.rows<{ waiting: boolean }>(sql`
			select exists (select 1 from pg_locks w join pg_locks h on h.locktype = w.locktype and h.classid = w.classid and h.objid = w.objid
			                where w.locktype = 'advisory' and w.classid = 7243019 and not w.granted and h.granted and h.pid = ${holder}) as waiting`);
		if (row!.waiting) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error('no one waited for the feature lock');
}

describe(`a feature's removal against a spend under way on ${backend}`, () => {
	it('a spend holds its feature lock (shared) until it commits', async () => {
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'purchase' });
		await addFeature('race_held');
		const modes = await db.orm.transaction(async (tx) => {
			await consume(tx, { accountId: u.accountId, feature: 'race_held', units: 1, actor: {}, idempotency: idem() });
			return queryRows<{ mode: string }>(tx, sql`select mode from pg_locks where locktype = 'advisory' and classid = 7243019 and objid = hashtext('race_held')::oid and pid = pg_backend_pid()`);
		});
		expect(modes).toEqual([{ mode: 'ShareLock' }]);
	});

	// Only a server has a second connection to race with (CI fails a skip, so no skipIf).
	if (backend === 'postgres') it('a removal while a spend is under way waits for it, then keeps the feature and says it was used', async () => {
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'purchase' });
		await addFeature('race_spent');
		const spend = openTransaction((tx) => consume(tx, { accountId: u.accountId, feature: 'race_spent', units: 1, actor: {}, idempotency: idem() }));
		const holder = await spend.inside;
		const removal = trpcRefusal(admin.admin.features.remove({ key: 'race_spent' }));
		await someoneWaitsBehind(holder);
		spend.commit();
		await spend.done;
		expect(await removal).toMatchObject({ domain: 'conflict', message: '“race_spent” has been used 1 time; disable it instead: a disabled feature is refused, and its history and rate stay.' });
		expect(await featureExists('race_spent')).toBe(true);
		await expectInvariants(db);
	});

	if (backend === 'postgres') it('a spend while a removal is under way waits for it, then is refused as an unknown feature, recording nothing', async () => {
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'purchase' });
		await addFeature('race_removed');
		const removal = openTransaction((tx) => removeFeature(tx, 'race_removed'));
		const holder = await removal.inside;
		const spending = outcome(consume(db.orm, { accountId: u.accountId, feature: 'race_removed', units: 1, actor: {}, idempotency: idem() }));
		await someoneWaitsBehind(holder);
		removal.commit();
		await removal.done;
		expect(await spending).toBe('unknown_feature');
		expect(await featureExists('race_removed')).toBe(false);
		expect(await namedBy('race_removed')).toBe(0);
		await expectInvariants(db);
	});

	if (backend === 'postgres') it('a batch of plain spends while a removal is under way waits too, and records nothing of the feature', async () => {
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 100, source: 'purchase' });
		await addFeature('race_batch');
		const item = (): SpendItem => {
			const { scope, key } = idem();
			return { mode: 'consume', account: u.accountId, actor_user: null, actor_key: null, feature: 'race_batch', units: 1, model: null, hold_tokens: null,
				hold_ttl_seconds: null, scope, key, hash: randomUUID(), metadata: null, now: null };
		};
		const removal = openTransaction((tx) => removeFeature(tx, 'race_batch'));
		const holder = await removal.inside;
		const batch = db.rows<{ r: { code?: string }[] }>(sql`select quota_spend_batch(${`[${[item(), item()].map(storableItem).join(',')}]`}::jsonb) as r`);
		await someoneWaitsBehind(holder);
		removal.commit();
		await removal.done;
		expect((await batch)[0]!.r.map((a) => a.code)).toEqual(['unknown_feature', 'unknown_feature']);
		expect(await namedBy('race_batch')).toBe(0);
		await expectInvariants(db);
	});
});
