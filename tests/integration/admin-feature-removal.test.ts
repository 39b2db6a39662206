import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { type World, callerAs, type Caller, adminWorld } from '../helpers/world';
import { configureRates, expectInvariants, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db';
import { allowanceRules, auditLog, features, products } from '../../src/lib/server/db/schema';
import { consume, featureReferences, featureReferencesRead, getFeature, grant, hold, modelReferencesRead, setAllowanceRule } from '../../src/lib/server/ledger';
import { readOne } from '../../src/lib/server/db/reads';
import { CATALOG_KEY_RULE } from '../../src/lib/catalog-key';

// A feature added by mistake can be removed from Rates while nothing refers to it; one that anything
// names (an operation, a hold, a day of use) stays, and the refusal says how it was used and to disable
// it instead, which keeps its history. A removal is audited with the feature as it was.
let db: Db;
let w: World;
let admin: Caller;
let member: Caller;

beforeAll(async () => {
	({ db, w, admin } = await adminWorld('10.9.0.7', configureRates));
	member = await callerAs(w.auth.memberA, '10.9.0.7');
});
afterAll(async () => db?.close());

const add = (key: string, name: string) => admin.admin.features.upsert({ create: true, key, name, module: 'chat', unit: 'word', tokensPerUnit: 1 });
const listed = async (key: string) => (await admin.admin.features.list()).some((f) => f.key === key);
const removals = (key: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'rates.feature_removed'), eq(auditLog.targetId, key)));
const idem = () => ({ scope: 'feature-removal-test', key: randomUUID() });

describe(`removing a feature on ${backend}`, () => {
	it('removes one nothing refers to, audited with the feature as it was; the API no longer knows its key', async () => {
		await add('chat_replyy', 'Chat replyy');
		// Asked first (Remove… on Rates): nothing would keep it, so the page asks to confirm.
		expect(await admin.admin.features.kept({ key: 'chat_replyy' })).toEqual({ kept: null });
		await admin.admin.features.remove({ key: 'chat_replyy' });
		expect(await listed('chat_replyy')).toBe(false);
		expect(await outcome(getFeature(db.orm, 'chat_replyy'))).toBe('unknown_feature');
		const [entry] = await removals('chat_replyy');
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, actorKind: 'admin', targetType: 'feature', before: { key: 'chat_replyy', name: 'Chat replyy', module: 'chat', tokensPerUnit: 1 }, after: null });
		// Its key is free again, for the feature that was meant.
		await add('chat_replyy', 'Chat reply again');
		expect(await listed('chat_replyy')).toBe(true);
	});

	it('keeps a feature that was used, saying how often and to disable it instead; nothing changes', async () => {
		await add('summaries', 'Summaries');
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase' });
		for (let i = 0; i < 12; i++) await consume(db.orm, { accountId: u.accountId, feature: 'summaries', units: 3, actor: {}, idempotency: idem() });
		expect(await trpcRefusal(admin.admin.features.remove({ key: 'summaries' }))).toEqual({
			code: 'CONFLICT',
			domain: 'conflict',
			message: '“Summaries” has been used 12 times; disable it instead: a disabled feature is refused, and its history and rate stay.'
		});
		// Asked first, the same words: Remove… says them at once, asking nothing.
		expect(await admin.admin.features.kept({ key: 'summaries' })).toEqual({ kept: '“Summaries” has been used 12 times; disable it instead: a disabled feature is refused, and its history and rate stay.' });
		expect(await listed('summaries')).toBe(true);
		expect(await removals('summaries')).toEqual([]);
		// Disabled, as the words say: still refused removal (its history stays), and the ledger holds.
		await admin.admin.features.upsert({ key: 'summaries', name: 'Summaries', module: 'chat', unit: 'word', tokensPerUnit: 1, enabled: false });
		expect((await trpcRefusal(admin.admin.features.remove({ key: 'summaries' }))).domain).toBe('conflict');
		await expectInvariants(db);
	});

	it('keeps a feature with tokens held for it, or only ever asked for and refused', async () => {
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase' });
		await add('held_only', 'Held only');
		await hold(db.orm, { accountId: u.accountId, feature: 'held_only', maxTokens: 50, ttlSeconds: 600, actor: {}, idempotency: idem() });
		expect(await featureReferences(db.orm, 'held_only')).toMatchObject({ used: 0, holds: 1 });
		expect((await trpcRefusal(admin.admin.features.remove({ key: 'held_only' }))).message).toBe('“Held only” has 1 hold on it; disable it instead: a disabled feature is refused, and its history and rate stay.');

		const broke = await makeUser(db);
		await add('asked_only', 'Asked only');
		expect(await outcome(consume(db.orm, { accountId: broke.accountId, feature: 'asked_only', units: 5, actor: {}, idempotency: idem() }))).not.toBe('ok');
		expect(await featureReferences(db.orm, 'asked_only')).toEqual({ used: 0, usageDays: 0, holds: 0, refused: 1 });
		expect((await trpcRefusal(admin.admin.features.remove({ key: 'asked_only' }))).message).toBe('“Asked only” has been asked for 1 time, though never charged; disable it instead: a disabled feature is refused, and its history and rate stay.');
		expect(await listed('held_only')).toBe(true);
		expect(await listed('asked_only')).toBe(true);
		await expectInvariants(db);
	});

	it('asks what names a feature by index, not by reading every operation of the site', async () => {
		// A busy feature: 30,000 operations, and 20,000 rows of the daily rollup (members' days) of 3 uses each.
		const u = await makeUser(db);
		await db.rows(sql`insert into operations (account_id, kind, status, feature, cost) select ${u.accountId}::uuid, 'consume', 'ok', 'ai_bots', 1 from generate_series(1, 30000)`);
		await db.rows(sql`insert into usage_daily (account_id, day, feature, actor_user_id, tokens, operations)
			select ${u.accountId}::uuid, date '2026-01-01' + n % 365, 'ai_bots', (n / 365)::text, 30, 3 from generate_series(1, 20000) n`);
		await db.rows(sql`analyze operations`);
		await db.rows(sql`analyze usage_daily`);
		const { sql: text, params } = new PgDialect().sqlToQuery(featureReferencesRead('looked_up').query);
		const rows = await db.rows<Record<string, string>>(sql.raw(`explain ${text.replace(/\$(\d+)/g, (_, i) => `'${params[Number(i) - 1]}'`)}`));
		const plan = rows.map((r) => Object.values(r)[0]).join('\n');
		expect(plan, plan).toMatch(/using usage_daily_feature_idx/);
		expect(plan, plan).toMatch(/using operations_feature_idx/);
		expect(plan, plan).not.toMatch(/Seq Scan on (operations|usage_daily)/);
		// What it counts: the rollup's uses (each row's count), and its rows.
		expect(await featureReferences(db.orm, 'ai_bots')).toMatchObject({ used: 60000, usageDays: 20000 });
		// Rows without entries, for the planner only: gone again, so the ledger's invariants hold for the tests after.
		await db.rows(sql`delete from usage_daily where account_id = ${u.accountId}::uuid`);
		await db.rows(sql`delete from operations where account_id = ${u.accountId}::uuid`);
	});

	it('refuses an unknown key, a key that is no key, and anyone but a site admin, changing nothing', async () => {
		expect(await trpcRefusal(admin.admin.features.remove({ key: 'never_was' }))).toMatchObject({ code: 'NOT_FOUND', domain: 'unknown_feature', message: 'No feature has the key “never_was”: another admin may have removed it.' });
		expect(await trpcRefusal(admin.admin.features.kept({ key: 'never_was' }))).toMatchObject({ code: 'NOT_FOUND', domain: 'unknown_feature', message: 'No feature has the key “never_was”: another admin may have removed it.' });
		expect(await trpcRefusal(admin.admin.modules.kept({ key: 'never_was' }))).toMatchObject({ code: 'NOT_FOUND', domain: 'unknown_module' });
		expect(await trpcRefusal(admin.admin.features.remove({ key: 'x'.repeat(65) }))).toMatchObject({ code: 'BAD_REQUEST' });
		await add('not_yours', 'Not yours');
		expect(await trpcRefusal(member.admin.features.remove({ key: 'not_yours' }))).toMatchObject({ code: 'FORBIDDEN' });
		expect(await listed('not_yours')).toBe(true);
		expect(await db.orm.select().from(auditLog).where(eq(auditLog.action, 'rates.feature_removed'))).toHaveLength(1);
	});

	it('a new key the server would refuse is refused in the words the Rates form says under the key', async () => {
		const bad = admin.admin.features.upsert({ create: true, key: 'Chat Reply', name: 'X', module: 'chat', unit: 'word', tokensPerUnit: 1 });
		await expect(bad).rejects.toMatchObject({ code: 'BAD_REQUEST', message: `Key: ${CATALOG_KEY_RULE}` });
		await expect(admin.admin.modules.upsert({ create: true, key: 'x'.repeat(65), name: 'X', limitMessage: 'X' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
		expect((await db.orm.select().from(features).where(eq(features.key, 'Chat Reply'))).length).toBe(0);
	});
});

// A module added by mistake can be removed too, with its limits, while no feature is in it and its free
// allowance was never used; one a used allowance names stays (the history keeps it).
describe(`removing a module on ${backend}`, () => {
	const addModule = (key: string, name: string) => admin.admin.modules.upsert({ create: true, key, name, limitMessage: 'Limit reached.' });
	const moduleListed = async (key: string) => (await admin.admin.modules.list()).some((m) => m.key === key);
	const moduleRemovals = (key: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'rates.module_removed'), eq(auditLog.targetId, key)));

	it('removes one with no feature and an allowance never used, with its limits, audited with the module as it was', async () => {
		await addModule('imagess', 'Imagess');
		await setAllowanceRule(db.orm, { module: 'imagess', audience: 'user', limitTokens: 500, period: 'daily' });
		expect(await admin.admin.modules.kept({ key: 'imagess' })).toEqual({ kept: null });
		await admin.admin.modules.remove({ key: 'imagess' });
		expect(await moduleListed('imagess')).toBe(false);
		expect(await db.orm.select().from(allowanceRules).where(eq(allowanceRules.module, 'imagess'))).toEqual([]);
		const [entry, ...more] = await moduleRemovals('imagess');
		expect(more).toEqual([]);
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, actorKind: 'admin', targetType: 'module', before: { key: 'imagess', name: 'Imagess', limitMessage: 'Limit reached.' }, after: null });
		expect(await trpcRefusal(admin.admin.modules.remove({ key: 'imagess' }))).toMatchObject({ code: 'NOT_FOUND', domain: 'unknown_module', message: 'No module has the key “imagess”: another admin may have removed it.' });
	});

	it('keeps one with features in it, or whose allowance was used, saying why; nothing changes', async () => {
		await addModule('voice', 'Voice');
		await admin.admin.features.upsert({ create: true, key: 'voice_reply', name: 'Voice reply', module: 'voice', unit: 'word', tokensPerUnit: 1 });
		expect(await trpcRefusal(admin.admin.modules.remove({ key: 'voice' }))).toEqual({
			code: 'CONFLICT',
			domain: 'conflict',
			message: '“Voice” has 1 feature (“Voice reply”): move it to another module or remove it first. A feature that was used stays: disable it instead.'
		});
		expect(await admin.admin.modules.kept({ key: 'voice' })).toEqual({ kept: '“Voice” has 1 feature (“Voice reply”): move it to another module or remove it first. A feature that was used stays: disable it instead.' });
		// Its free allowance used, then its feature moved away: the periods of use name its rule, so it stays.
		await setAllowanceRule(db.orm, { module: 'voice', audience: 'user', limitTokens: 500, period: 'daily' });
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase' });
		await consume(db.orm, { accountId: u.accountId, feature: 'voice_reply', units: 3, actor: {}, idempotency: idem() });
		await admin.admin.features.upsert({ create: false, key: 'voice_reply', name: 'Voice reply', module: 'chat', unit: 'word', tokensPerUnit: 1 });
		expect(await trpcRefusal(admin.admin.modules.remove({ key: 'voice' }))).toEqual({
			code: 'CONFLICT',
			domain: 'conflict',
			message: '“Voice”\'s free allowance was used (1 period of an account\'s), which its history keeps, so it stays. Its limits on Limits can give no free allowance instead.'
		});
		expect((await admin.admin.modules.kept({ key: 'voice' })).kept).toBe('“Voice”\'s free allowance was used (1 period of an account\'s), which its history keeps, so it stays. Its limits on Limits can give no free allowance instead.');
		expect(await moduleListed('voice')).toBe(true);
		expect(await db.orm.select().from(allowanceRules).where(eq(allowanceRules.module, 'voice'))).toHaveLength(1);
		expect(await moduleRemovals('voice')).toEqual([]);
	});

	it('lets only site admins remove a module', async () => {
		await addModule('not_yours_m', 'Not yours');
		expect(await trpcRefusal(member.admin.modules.remove({ key: 'not_yours_m' }))).toMatchObject({ code: 'FORBIDDEN' });
		expect(await moduleListed('not_yours_m')).toBe(true);
		expect(await moduleRemovals('not_yours_m')).toEqual([]);
	});
});

describe(`removing a model on ${backend}`, () => {
	const addModel = (key: string, name: string) => admin.admin.models.upsert({ create: true, key, name, engine: 'openai' });
	const modelListed = async (key: string) => (await admin.admin.models.list()).some((m) => m.key === key);
	const modelRemovals = (key: string) => db.orm.select().from(auditLog).where(and(eq(auditLog.action, 'rates.model_removed'), eq(auditLog.targetId, key)));

	it('removes one nothing names, audited with the model as it was; the key is then unknown', async () => {
		await addModel('mistake-model', 'Mistake model');
		expect(await admin.admin.models.kept({ key: 'mistake-model' })).toEqual({ kept: null });
		await admin.admin.models.remove({ key: 'mistake-model' });
		expect(await modelListed('mistake-model')).toBe(false);
		const [entry, ...more] = await modelRemovals('mistake-model');
		expect(more).toEqual([]);
		expect(entry).toMatchObject({ actorUserId: w.users.siteAdmin.id, actorKind: 'admin', targetType: 'model', before: { key: 'mistake-model', name: 'Mistake model', engine: 'openai' }, after: null });
		expect(await trpcRefusal(admin.admin.models.remove({ key: 'mistake-model' }))).toMatchObject({ code: 'NOT_FOUND', domain: 'unknown_model', message: 'No model has the key “mistake-model”: another admin may have removed it.' });
	});

	it('keeps one a lot is for, a use ran on or a package sells, saying all of it; nothing changes', async () => {
		await addModel('kept-model', 'Kept model');
		const u = await makeUser(db);
		await grant(db.orm, { accountId: u.accountId, tokens: 1000, source: 'purchase', model: 'kept-model' });
		const oneLot = '“Kept model” stays: 1 lot is for it. Only a model nothing names can be removed; its name and engine can still change.';
		expect(await admin.admin.models.kept({ key: 'kept-model' })).toEqual({ kept: oneLot });
		await consume(db.orm, { accountId: u.accountId, feature: 'ai_bots', units: 3, model: 'kept-model', actor: {}, idempotency: idem() });
		await db.orm.insert(products).values({ id: 'kept-model-pack', kind: 'model_pack', name: 'Kept pack', grants: [{ model: 'kept-model', tokens: 100 }], priceCents: 500 });
		const all = '“Kept model” stays: 1 lot is for it, it was used and the package “Kept pack” sells it. Only a model nothing names can be removed; its name and engine can still change.';
		expect(await trpcRefusal(admin.admin.models.remove({ key: 'kept-model' }))).toEqual({ code: 'CONFLICT', domain: 'conflict', message: all });
		expect(await admin.admin.models.kept({ key: 'kept-model' })).toEqual({ kept: all });
		expect(await modelListed('kept-model')).toBe(true);
		expect(await modelRemovals('kept-model')).toEqual([]);
		await expectInvariants(db);
	});

	it('asks what names a model by index, not by reading every lot, rollup row or operation of the site', async () => {
		// A busy model: 20,000 of its lots (empty ones: no entries, the ledger's sums stay as they were), 20,000
		// rollup rows of its use, and 30,000 charged consumes, which no index of a model's removal holds.
		const u = await makeUser(db);
		const busy = 'gpt-5-nano';
		await db.rows(sql`insert into lots (account_id, source, model, amount, remaining) select ${u.accountId}::uuid, 'admin', ${busy}, 0, 0 from generate_series(1, 20000)`);
		await db.rows(sql`insert into usage_daily (account_id, day, feature, model, actor_user_id, tokens, operations)
			select ${u.accountId}::uuid, date '2026-01-01' + n % 365, 'ai_bots', ${busy}, (n / 365)::text, 30, 3 from generate_series(1, 20000) n`);
		await db.rows(sql`insert into operations (account_id, kind, status, feature, model, cost) select ${u.accountId}::uuid, 'consume', 'ok', 'ai_bots', ${busy}, 1 from generate_series(1, 30000)`);
		for (const table of ['lots', 'usage_daily', 'operations']) await db.rows(sql.raw(`analyze ${table}`));
		await addModel('quiet-model', 'Quiet model');
		const { sql: text, params } = new PgDialect().sqlToQuery(modelReferencesRead('quiet-model').query);
		const rows = await db.rows<Record<string, string>>(sql.raw(`explain ${text.replace(/\$(\d+)/g, (_, i) => `'${params[Number(i) - 1]}'`)}`));
		const plan = rows.map((r) => Object.values(r)[0]).join('\n');
		for (const index of ['lots_model_idx', 'usage_daily_model_idx', 'operations_model_idx']) expect(plan, plan).toMatch(new RegExp(`using ${index}`));
		expect(plan, plan).not.toMatch(/Seq Scan on (lots|usage_daily|operations)/);
		// What it answers: the quiet model is named by nothing, so it goes; the busy one by all of it.
		expect(await readOne(db.orm, modelReferencesRead('quiet-model'))).toEqual({ lots: 0, used: false });
		expect(await readOne(db.orm, modelReferencesRead(busy))).toMatchObject({ used: true });
		await admin.admin.models.remove({ key: 'quiet-model' });
		expect(await modelListed('quiet-model')).toBe(false);
		// Rows without entries, for the planner only: gone again, so the ledger's invariants hold for the tests after.
		for (const table of ['lots', 'usage_daily', 'operations']) await db.rows(sql`delete from ${sql.identifier(table)} where account_id = ${u.accountId}::uuid`);
		await expectInvariants(db);
	});

	it('lets only site admins ask or remove a model', async () => {
		await addModel('not-yours-model', 'Not yours');
		expect(await trpcRefusal(member.admin.models.remove({ key: 'not-yours-model' }))).toMatchObject({ code: 'FORBIDDEN' });
		expect(await trpcRefusal(member.admin.models.kept({ key: 'not-yours-model' }))).toMatchObject({ code: 'FORBIDDEN' });
		expect(await modelListed('not-yours-model')).toBe(true);
		expect(await modelRemovals('not-yours-model')).toEqual([]);
	});
});
