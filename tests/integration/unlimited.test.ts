import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { trpcRefusal } from '../helpers/refusal';
import { makeWorld, type World, callerAs, type Caller } from '../helpers/world';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { callJson } from '../helpers/http';
import { setDb, type Db } from '../../src/lib/server/db';
import { listAudit } from '../../src/lib/server/admin';
import { balances, consume, grant, hold, nextLotExpiry, settle, statement, sweepExpired, unlimitedNow } from '../../src/lib/server/ledger';
import { expectInvariants, makeUser } from '../helpers/ledger';
import { statementDetail, statementTitle } from '../../src/lib/client/statement-lines';
import { balanceOf } from '../../src/lib/balance-figures';

// Unlimited use, granted and ended by a site admin in the console and by a host site's key: spends
// from it are recorded and take no tokens, for one model or every model, until it ends; the end is a
// movement of the statement and an audit entry naming who ended it and when.

let db: Db;
let site: string;
let w: World;
let admin: Caller;
const callerOf = async (kind: 'siteAdmin' | 'memberA' | 'teamMember') =>
	await callerAs(w.auth[kind], '10.9.0.7');

beforeAll(async () => {
	({ db, site } = await openRestApi());
	setDb(db);
	w = await makeWorld(db);
	admin = await callerOf('siteAdmin');
});
afterAll(async () => db?.close());

const refused = async (p: Promise<unknown>) => {
	const { code, domain } = await trpcRefusal(p);
	return { code, domain };
};
/** A use of `model` (null: general), 10 words of ai_bots: 25 tokens. */
const spend = (accountId: string, model: string | null, actorUserId?: string) =>
	consume(db.orm, { accountId, feature: 'ai_bots', units: 10, model, actorUserId, actor: {}, idempotency: { scope: 'unlimited-test', key: randomUUID() } });
const lotsLeft = async (accountId: string) =>
	(await db.rows<{ id: string; remaining: number; unlimited: boolean }>(sql`select id, remaining, unlimited from lots where account_id = ${accountId}::uuid order by created_at`)).map((l) => ({ ...l, remaining: Number(l.remaining) }));
const recordedUses = async (accountId: string) =>
	Number((await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${accountId}::uuid and kind = 'consume' and status = 'ok'`))[0]!.n);

describe(`unlimited use from the console on ${backend}`, () => {
	it('grants one model unlimited once per key, confirmed in the audit log; its use is recorded and takes no tokens', async () => {
		const accountId = w.users.memberA.accountId;
		await grant(db.orm, { accountId, tokens: 1_000, source: 'purchase' });
		const input = { accountId, model: 'gpt-5-nano', note: 'Tester for the launch', key: `u-${randomUUID()}` };
		const first = await admin.admin.users.grantUnlimited(input);
		expect(first.replayed).toBe(false);
		// A double tap or a retried request grants once.
		expect(await admin.admin.users.grantUnlimited(input)).toEqual({ lotId: first.lotId, replayed: true });

		const detail = await admin.admin.users.get({ accountId });
		// Its page lists it among the unlimited lots in force, with the End action.
		expect(detail.unlimited).toEqual([expect.objectContaining({ id: first.lotId, unlimited: true, active: true, model: 'gpt-5-nano', expiresAt: null, note: 'Tester for the launch', source: 'bonus' })]);
		const [entry, ...more] = (await listAudit(db.orm, { account: accountId, action: 'unlimited.granted' })).rows;
		expect(more).toEqual([]);
		expect(entry).toMatchObject({ actor: { userId: w.users.siteAdmin.id }, actorKind: 'in the console', ip: '10.9.0.7', targetId: first.lotId, words: { title: 'Unlimited granted' } });
		// Granted from the "Grant a bonus" form, it is a bonus, as the form's tokens are: "As Bonus", not "Added by an admin".
		expect(entry!.words.lines).toEqual(expect.arrayContaining([{ label: 'As', value: { text: 'Bonus' } }, { label: 'Note', value: { text: 'Tester for the launch' } }, { label: 'Model', value: { text: 'GPT-5 Nano' } }]));

		// The member's dashboard: the model's allocation is unlimited, the general balance is not.
		const dashboard = await (await callerOf('memberA')).ledger.dashboard({});
		const allocation = (model: string | null) => dashboard.summary.allocations.find((a) => a.model === model);
		expect(allocation('gpt-5-nano')).toMatchObject({ unlimited: true, remaining: 0 });
		expect(allocation(null)).toMatchObject({ unlimited: false, remaining: 1_000 });
		// Said beside Available, as GET /api/v1/balance's `unlimited_models` says it: the model named in the figures' meaning.
		expect(dashboard.allocationWords).toMatchObject({ unlimited: '+ 1 unlimited model', unlimitedMeaning: expect.stringMatching(/^Unlimited: GPT-5 Nano, whose use takes no tokens/) });

		// A use of that model is recorded, paid by the unlimited lot, and takes no tokens; a general use does.
		const free = await spend(accountId, 'gpt-5-nano');
		expect(free).toMatchObject({ cost: 25, remaining: null, paidBy: [expect.objectContaining({ type: 'lot', unlimited: true, tokens: 25 })] });
		const paid = await spend(accountId, null);
		expect(paid).toMatchObject({ cost: 25, paidBy: [expect.objectContaining({ unlimited: false, tokens: 25 })] });
		expect((await lotsLeft(accountId)).map((l) => l.remaining)).toEqual([975, 0]);
		expect(await recordedUses(accountId)).toBe(2);
		await expectInvariants(db);
	});

	it('ends it now, once: the statement and the audit log say who ended it and when, and the next use pays', async () => {
		const accountId = w.users.memberB.accountId;
		await grant(db.orm, { accountId, tokens: 500, source: 'purchase' });
		const { lotId } = await admin.admin.users.grantUnlimited({ accountId, note: 'Staff', key: `u-${randomUUID()}` });
		expect((await spend(accountId, null)).paidBy).toEqual([expect.objectContaining({ unlimited: true })]);
		// Their own tokens are still there, and still said (the admin's card, the users list): unlimited use took none.
		const now = await balances(db.orm, accountId);
		expect([balanceOf(now.allocations), now.available, now.allocations[0]!.unlimited]).toEqual([{ balance: 500, general: 500 }, 500, true]);

		const end = { accountId, lotId, key: `e-${randomUUID()}` };
		const ended = await admin.admin.users.endLot(end);
		expect(ended).toMatchObject({ lotId, accountId, note: 'Staff', model: null, previousExpiry: null, replayed: false });
		expect(Date.now() - Date.parse(ended.endedAt)).toBeLessThan(60_000);
		// The same press again (a double tap) is the first answer; another end of an ended lot is refused.
		expect(await admin.admin.users.endLot(end)).toMatchObject({ lotId, endedAt: ended.endedAt, replayed: true });
		expect(await refused(admin.admin.users.endLot({ ...end, key: `e-${randomUUID()}` }))).toEqual({ code: 'CONFLICT', domain: 'conflict' });

		const detail = await admin.admin.users.get({ accountId });
		expect(detail.unlimited).toEqual([]);
		expect(detail.lots.find((l) => l.id === lotId)).toMatchObject({ unlimited: true, active: false, expiresAt: ended.endedAt });
		const [movement] = (await statement(db.orm, accountId)).rows;
		expect(movement).toMatchObject({ kind: 'expiry', tokens: 0, unlimited: true, source: 'bonus', note: 'Staff', actorName: w.users.siteAdmin.name });
		expect(new Date(movement!.at).toISOString()).toBe(ended.endedAt);
		const audit = (await listAudit(db.orm, { account: accountId, action: 'unlimited.ended' })).rows;
		expect(audit).toHaveLength(1);
		expect(audit[0]).toMatchObject({ actor: { userId: w.users.siteAdmin.id }, actorKind: 'in the console', targetId: lotId, account: { accountId }, words: { title: 'Unlimited ended' } });
		expect(audit[0]!.words.lines).toEqual(expect.arrayContaining([{ label: 'Note', value: { text: 'Staff' } }]));
		expect(audit[0]!.words.changes).toEqual([{ field: 'Until', before: { text: 'No end date' }, after: { at: ended.endedAt } }]);

		// From now on the use pays from the tokens.
		expect((await spend(accountId, null)).paidBy).toEqual([expect.objectContaining({ unlimited: false, tokens: 25 })]);
		expect((await lotsLeft(accountId)).find((l) => !l.unlimited)!.remaining).toBe(475);
		await expectInvariants(db);
	});

	it('grants a team pool unlimited use until a day: its members use it without taking the pool’s tokens', async () => {
		const accountId = w.teamA.accountId;
		await grant(db.orm, { accountId, tokens: 300, source: 'purchase' });
		const expiresOn = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
		const expiresAt = `${expiresOn}T23:59:59.999Z`; // the end of that day in the site's zone, UTC here
		const { lotId } = await admin.admin.users.grantUnlimited({ accountId, expiresOn, note: 'Launch week', key: `u-${randomUUID()}` });
		expect((await spend(accountId, 'gpt-5-nano', w.users.teamMember.id)).paidBy).toEqual([expect.objectContaining({ id: lotId, unlimited: true })]);
		expect((await lotsLeft(accountId)).find((l) => !l.unlimited)!.remaining).toBe(300);
		const dashboard = await (await callerOf('teamMember')).ledger.dashboard({ accountId });
		expect(dashboard.allocationWords.unlimited).toBe('all models unlimited');
		expect(dashboard.summary.allocations.find((a) => a.model === null)).toMatchObject({ unlimited: true, expiresAt });
		await expectInvariants(db);
	});

	it('refuses a lot that is not unlimited, another account’s lot, an unknown one, a past end and a grant without a note; nothing changes', async () => {
		const accountId = w.users.teamMember.accountId;
		// Tokens paid for are a refund's to take back.
		const tokensLot = await grant(db.orm, { accountId, tokens: 50, source: 'purchase' });
		const key = () => `x-${randomUUID()}`;
		expect(await refused(admin.admin.users.endLot({ accountId, lotId: tokensLot.lotId, key: key() }))).toEqual({ code: 'CONFLICT', domain: 'conflict' });
		const other = await grant(db.orm, { accountId: w.users.otherTeamAdmin.accountId, tokens: 0, unlimited: true, source: 'admin' });
		expect(await refused(admin.admin.users.endLot({ accountId, lotId: other.lotId, key: key() }))).toEqual({ code: 'NOT_FOUND', domain: 'not_found' });
		expect(await refused(admin.admin.users.endLot({ accountId, lotId: randomUUID(), key: key() }))).toEqual({ code: 'NOT_FOUND', domain: 'not_found' });
		expect(await refused(admin.admin.users.grantUnlimited({ accountId, expiresOn: '2020-01-01', note: 'Late', key: key() }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		expect(await refused(admin.admin.users.grantUnlimited({ accountId, note: '   ', key: key() }))).toMatchObject({ code: 'BAD_REQUEST' });
		expect(await refused(admin.admin.users.grantUnlimited({ accountId, model: 'no-such-model', note: 'Typo', key: key() }))).toMatchObject({ domain: 'unknown_model' });
		// A member cannot grant themselves unlimited use.
		expect(await refused((await callerOf('memberA')).admin.users.grantUnlimited({ accountId: w.users.memberA.accountId, note: 'Me', key: key() }))).toMatchObject({ code: 'FORBIDDEN' });
		expect((await lotsLeft(accountId)).map((l) => l.unlimited)).toEqual([false]);
		expect(await lotsLeft(w.users.otherTeamAdmin.accountId)).toEqual([expect.objectContaining({ unlimited: true })]);
		await expectInvariants(db);
	});
});

describe(`unlimited use granted until a date, on ${backend}`, () => {
	/** Unlimited use of every model for `accountId`, ending in `ms`; its lot id and end. */
	const untilSoon = async (accountId: string, ms: number) => {
		const at = new Date(Date.now() + ms);
		const { lotId } = await grant(db.orm, { accountId, tokens: 0, unlimited: true, source: 'admin', expiresAt: at, note: 'Launch week' });
		return { lotId, at };
	};
	/** The lot's end as the ledger recorded it: its 'expire' operations and their entries, and its expiry. */
	const endRecords = async (lotId: string) => ({
		operations: await db.rows<{ cost: number; actor_user_id: string | null; at: string }>(sql`
			select cost::int as cost, actor_user_id, created_at as at from operations where kind = 'expire' and (metadata->>'lot_id')::uuid = ${lotId}::uuid`),
		entries: (await db.rows<{ amount: number }>(sql`select amount::int as amount from entries where lot_id = ${lotId}::uuid and kind = 'expire'`)).map((e) => Number(e.amount)),
		lot: (await db.rows<{ expires_at: string; expired_at: string | null }>(sql`select expires_at, expired_at from lots where id = ${lotId}::uuid`))[0]!
	});

	it('ends at its end date through the sweep, recorded as an explicit end is: "Unlimited ended" at that date, once, and the next use pays', async () => {
		const m = await member(db, 100);
		const { lotId, at } = await untilSoon(m.accountId, 1_000);
		// While it lasts the statement says its uses move no balance; a model's own unlimited lot is named beside it.
		expect((await statement(db.orm, m.accountId)).unlimitedNow).toEqual({ every: true, models: [] });
		const [first] = await db.rows<{ key: string; name: string }>(sql`select key, name from models order by key limit 1`);
		const { key: model, name: modelName } = first!;
		await grant(db.orm, { accountId: m.accountId, tokens: 0, unlimited: true, source: 'admin', model, note: 'One model' });
		expect((await statement(db.orm, m.accountId)).unlimitedNow).toEqual({ every: true, models: [modelName] });
		expect(await unlimitedNow(db.orm, m.accountId)).toEqual({ every: true, models: [{ key: model, name: modelName }] });
		// The sweep asks for a run at its end, as at any lot's expiry.
		expect(await nextLotExpiry(db.orm, new Date(Date.now() + 60_000))).toEqual(at);
		expect((await spend(m.accountId, null)).paidBy).toEqual([expect.objectContaining({ id: lotId, unlimited: true })]);
		await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + 50));
		await sweepExpired(db);
		await sweepExpired(db);

		const [movement] = (await statement(db.orm, m.accountId)).rows;
		expect(movement).toMatchObject({ kind: 'expiry', tokens: 0, balanceAfter: 100, unlimited: true, atEndDate: true, actorName: null, source: 'admin', note: 'Launch week' });
		expect(new Date(movement!.at).toISOString()).toBe(at.toISOString());
		const records = await endRecords(lotId);
		expect(records.operations).toEqual([{ cost: 0, actor_user_id: null, at: expect.anything() }]);
		expect(new Date(records.operations[0]!.at).toISOString()).toBe(at.toISOString());
		expect(records.entries).toEqual([0]);
		expect(new Date(records.lot.expired_at!).toISOString()).toBe(at.toISOString());
		// Ended: no longer an end to ask a sweep for, nor to end again.
		expect(await nextLotExpiry(db.orm, new Date(Date.now() + 60_000))).toBeNull();
		const late = await refused(admin.admin.users.endLot({ accountId: m.accountId, lotId, key: `e-${randomUUID()}` }));
		expect(late).toEqual({ code: 'CONFLICT', domain: 'conflict' });
		expect((await spend(m.accountId, null)).paidBy).toEqual([expect.objectContaining({ unlimited: false, tokens: 25 })]);
		expect(await endRecords(lotId)).toMatchObject({ entries: [0] });
		// Ended: the statement names only the model's unlimited use, which has no end; its later pages never carry it.
		const page = await statement(db.orm, m.accountId, { limit: 1 });
		expect(page.unlimitedNow).toEqual({ every: false, models: [modelName] });
		expect(await unlimitedNow(db.orm, m.accountId)).toEqual({ every: false, models: [{ key: model, name: modelName }] });
		expect((await statement(db.orm, m.accountId, { limit: 1, cursor: page.nextCursor })).unlimitedNow).toBeNull();
		await expectInvariants(db);
	});

	it('a use after its end date records the end first (no sweep needed), then pays from the tokens', async () => {
		const m = await member(db, 100);
		const { lotId, at } = await untilSoon(m.accountId, 300);
		await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + 50));
		expect((await spend(m.accountId, null)).paidBy).toEqual([expect.objectContaining({ unlimited: false, tokens: 25 })]);
		const [use, end] = (await statement(db.orm, m.accountId)).rows;
		expect(use).toMatchObject({ kind: 'spend', tokens: -25, balanceAfter: 75 });
		expect(end).toMatchObject({ kind: 'expiry', tokens: 0, balanceAfter: 100, unlimited: true, atEndDate: true });
		expect((await endRecords(lotId)).entries).toEqual([0]);
		await sweepExpired(db);
		expect((await endRecords(lotId)).operations).toHaveLength(1);
		await expectInvariants(db);
	});
});

/** A POST to the REST API with `key`, and an Idempotency-Key (a new one unless given; null: none). */
const post = (path: string, key: string, body: unknown, idem: string | null = randomUUID()) =>
	callJson(path, { method: 'POST', headers: bearer(key, idem ? { 'idempotency-key': idem } : {}), body });

describe(`unlimited use through the REST API on ${backend}`, () => {

	it('grants unlimited use (then no tokens), once per Idempotency-Key; refuses tokens with it, or neither, naming tokens', async () => {
		const m = await member(db, 100);
		const idem = randomUUID();
		const body = { user: m.id, unlimited: true, source: 'bonus', model: 'gpt-5-nano', note: 'Beta tester' };
		const first = await post('/api/v1/grants', site, body, idem);
		expect(first.status, first.text).toBe(201);
		expect(first.json).toEqual({ lot_id: expect.any(String), operation_id: expect.any(String), tokens: 0 });
		const again = await post('/api/v1/grants', site, body, idem);
		expect([again.status, again.text, again.headers.get('idempotent-replayed')]).toEqual([201, first.text, 'true']);

		for (const [extra, message] of [
			[{ tokens: 100 }, 'tokens goes without "unlimited": true'],
			[{ unlimited: false }, 'tokens is required'],
			[{ unlimited: undefined }, 'tokens is required']
		] as const) {
			const res = await post('/api/v1/grants', site, { ...body, ...extra });
			expect(res.status, res.text).toBe(400);
			expect(res.json).toMatchObject({ error: 'invalid_input', details: { fieldErrors: { tokens: [expect.stringContaining(message)] } } });
			expect(res.json.message).toContain(message);
		}
		const audit = (await listAudit(db.orm, { account: m.accountId, action: 'unlimited.granted' })).rows;
		expect(audit).toEqual([expect.objectContaining({ targetId: first.json.lot_id, actor: null, actorKeyId: expect.any(String) })]);
		expect((await spend(m.accountId, 'gpt-5-nano')).paidBy).toEqual([expect.objectContaining({ id: first.json.lot_id, unlimited: true })]);
		expect((await lotsLeft(m.accountId)).map((l) => l.remaining)).toEqual([100, 0]);
		// /balance says plainly which use is unlimited: this model's, not every model's; /usage names the model as `generator`.
		const balance = await callJson(`/api/v1/balance?user=${m.id}`, { headers: bearer(site) });
		expect(balance.json).toMatchObject({ unlimited: false, unlimited_models: ['gpt-5-nano'], data: { 'gpt-5-nano': { isUnlimited: true }, general: { credit: 100, isUnlimited: false } } });
		const usage = await callJson(`/api/v1/usage?user=${m.id}`, { headers: bearer(site) });
		expect(usage.json.data).toEqual([expect.objectContaining({ generator: 'gpt-5-nano', model: 'gpt-5-nano', feature: 'ai_bots', remaining: null })]);
		await expectInvariants(db);
	});

	it('ends it with POST /api/v1/grants/{lot_id}/end: once, replayed per key; 404 unknown, 409 ended, 403 for an account key', async () => {
		const m = await member(db, 100);
		const granted = await post('/api/v1/grants', site, { user: m.id, unlimited: true, source: 'admin', note: 'Staff' });
		const lotId = String(granted.json.lot_id);
		const path = `/api/v1/grants/${lotId}/end`;
		// Unlimited for every model: said at the top of /balance, beside `available`, which counts only the tokens (100) and free allowances.
		const balance = async () => (await callJson(`/api/v1/balance?user=${m.id}`, { headers: bearer(site) })).json;
		const countable = (await balance()).available;
		expect(await balance()).toMatchObject({ unlimited: true, unlimited_models: [], data: { general: { credit: 100, isUnlimited: true } } });

		expect((await post(path, m.key, {})).status).toBe(403);
		const idem = randomUUID();
		const ended = await post(path, site, undefined, idem);
		expect(ended.status, ended.text).toBe(200);
		expect(ended.json).toEqual({ lot_id: lotId, operation_id: expect.any(String), ended_at: expect.any(String), tokens: 0 });
		const replay = await post(path, site, {}, idem);
		expect([replay.status, replay.text, replay.headers.get('idempotent-replayed')]).toEqual([200, ended.text, 'true']);
		const twice = await post(path, site, {}, null);
		expect(twice.status, twice.text).toBe(409);
		// When, as the app writes a time (the site's zone is UTC here).
		expect(twice.json).toMatchObject({ error: 'conflict', message: expect.stringMatching(/^This unlimited lot has ended already \([A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC\)\.$/) });
		expect(await balance()).toMatchObject({ unlimited: false, unlimited_models: [], available: countable });

		const unknown = await post(`/api/v1/grants/${randomUUID()}/end`, site, {});
		expect([unknown.status, unknown.json.error]).toEqual([404, 'not_found']);
		const malformed = await post('/api/v1/grants/not-a-lot/end', site, {});
		expect([malformed.status, malformed.json.error]).toEqual([400, 'invalid_input']);
		const withBody = await post(path, site, { reason: 'x' });
		expect(withBody.status).toBe(400);

		// The end is credited to the key, in the audit log and on the statement (no person to name).
		const audit = (await listAudit(db.orm, { account: m.accountId, action: 'unlimited.ended' })).rows;
		expect(audit).toEqual([expect.objectContaining({ targetId: lotId, actor: null, actorKeyId: expect.any(String), at: ended.json.ended_at })]);
		const movement = (await statement(db.orm, m.accountId)).rows.find((r) => r.kind === 'expiry');
		expect(movement).toMatchObject({ unlimited: true, tokens: 0, actorName: null });
		expect(new Date(movement!.at).toISOString()).toBe(ended.json.ended_at);
		// Spends after the end pay from the tokens.
		expect((await spend(m.accountId, null)).paidBy.every((p) => !p.unlimited)).toBe(true);
		await expectInvariants(db);
	});
});

describe(`a bonus of tokens ended early by a host site's key on ${backend}`, () => {
	it('POST /api/v1/grants/{lot_id}/end expires what is left now, once, credited to the key; paid and held lots are refused, changing nothing', async () => {
		const m = await member(db, 0);
		const granted = await post('/api/v1/grants', site, { user: m.id, tokens: 400, source: 'event', note: 'Launch week' });
		expect(granted.status, granted.text).toBe(201);
		const lotId = String(granted.json.lot_id);
		await spend(m.accountId, null);
		const available = async () => (await callJson(`/api/v1/balance?user=${m.id}`, { headers: bearer(site) })).json.available as number;
		const before = await available();
		const left = (await lotsLeft(m.accountId)).find((l) => l.id === lotId)!.remaining;
		expect(left).toBe(400 - 25);

		const idem = randomUUID();
		const ended = await post(`/api/v1/grants/${lotId}/end`, site, undefined, idem);
		expect(ended.status, ended.text).toBe(200);
		expect(ended.json).toEqual({ lot_id: lotId, operation_id: expect.any(String), ended_at: expect.any(String), tokens: left });
		const replay = await post(`/api/v1/grants/${lotId}/end`, site, {}, idem);
		expect([replay.status, replay.text, replay.headers.get('idempotent-replayed')]).toEqual([200, ended.text, 'true']);
		expect(await available()).toBe(before - left);
		expect((await lotsLeft(m.accountId)).find((l) => l.id === lotId)!.remaining).toBe(0);
		const twice = await post(`/api/v1/grants/${lotId}/end`, site, {}, null);
		expect([twice.status, twice.json.error]).toEqual([409, 'conflict']);
		expect(twice.json.message).toMatch(/^This lot has ended already \([A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC\)\.$/);

		// The statement says "Ended" with no person to name; the audit log credits the key with what was lost.
		const rows = (await statement(db.orm, m.accountId)).rows;
		expect(rows[0]).toMatchObject({ kind: 'expiry', tokens: -left, unlimited: false, source: 'event', note: 'Launch week', actorName: null });
		expect(new Date(rows[0]!.at).toISOString()).toBe(ended.json.ended_at);
		const audit = (await listAudit(db.orm, { account: m.accountId, action: 'lot.ended', to: null })).rows;
		expect(audit).toEqual([expect.objectContaining({ targetId: lotId, actor: null, actorKeyId: expect.any(String) })]);
		expect(audit[0]!.words.lines).toEqual(expect.arrayContaining([{ label: 'Tokens expired', value: { figure: left } }]));

		// Tokens paid for, and a lot a running job holds tokens of, stay as they are.
		const bought = await grant(db.orm, { accountId: m.accountId, tokens: 100, source: 'purchase' });
		const paid = await post(`/api/v1/grants/${bought.lotId}/end`, site, {});
		expect([paid.status, paid.json.error, paid.json.message]).toEqual([409, 'conflict', expect.stringContaining('paid for')]);
		const bonus = await grant(db.orm, { accountId: m.accountId, tokens: 50, source: 'bonus', note: 'Held' });
		await hold(db.orm, { accountId: m.accountId, feature: 'ai_bots', maxTokens: 120, ttlSeconds: 60, actor: {}, idempotency: { scope: 'end-lot-test', key: randomUUID() } });
		const held = await post(`/api/v1/grants/${bonus.lotId}/end`, site, {});
		expect([held.status, held.json.error, held.json.message]).toEqual([409, 'conflict', expect.stringContaining('A running job holds')]);
		expect((await lotsLeft(m.accountId)).filter((l) => l.id === bought.lotId || l.id === bonus.lotId).every((l) => l.remaining >= 0)).toBe(true);
		expect((await listAudit(db.orm, { account: m.accountId, action: 'lot.ended', to: null })).rows).toHaveLength(1);
		await expectInvariants(db);
	});
});

describe(`a bonus of tokens ended early from the console on ${backend}`, () => {
	it('expires what is left now, once: the statement says who ended it, the audit log what was lost, and the next use pays from the rest', async () => {
		const u = await makeUser(db);
		const accountId = u.accountId;
		const bought = await grant(db.orm, { accountId, tokens: 100, source: 'purchase' });
		const dated = await admin.admin.users.grantBonus({ accountId, tokens: 400, note: 'Launch thanks', expiresOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10), key: `b-${randomUUID()}` });
		const undated = await grant(db.orm, { accountId, tokens: 60, source: 'referral', note: 'Invited Leo' });
		await spend(accountId, null);
		const left = (await lotsLeft(accountId)).find((l) => l.id === dated.lotId)!.remaining;

		const end = { accountId, lotId: dated.lotId, key: `e-${randomUUID()}` };
		const ended = await admin.admin.users.endLot(end);
		expect(ended).toMatchObject({ lotId: dated.lotId, accountId, unlimited: false, tokens: left, note: 'Launch thanks', replayed: false });
		// A double tap is the first answer; another end of the ended lot is refused.
		expect(await admin.admin.users.endLot(end)).toMatchObject({ tokens: left, endedAt: ended.endedAt, replayed: true });
		expect(await refused(admin.admin.users.endLot({ ...end, key: `e-${randomUUID()}` }))).toEqual({ code: 'CONFLICT', domain: 'conflict' });
		// A lot without an expiry ends the same way.
		expect(await admin.admin.users.endLot({ accountId, lotId: undated.lotId, key: `e-${randomUUID()}` })).toMatchObject({ tokens: 60, previousExpiry: null });

		const detail = await admin.admin.users.get({ accountId });
		expect(detail.lots.find((l) => l.id === dated.lotId)).toMatchObject({ active: false, ended: true, remaining: 0, expiresAt: ended.endedAt });
		const rows = (await statement(db.orm, accountId)).rows;
		expect(rows[1]).toMatchObject({ kind: 'expiry', tokens: -left, unlimited: false, source: 'bonus', note: 'Launch thanks', actorName: w.users.siteAdmin.name });
		expect([statementTitle(rows[1]!), statementDetail(rows[1]!, { team: false })[2]]).toEqual(['Ended', `by ${w.users.siteAdmin.name}`]);
		// The grant's line says it ended early, not that it "expires" at the minute it was ended (nor its old date).
		const granted = rows.find((r) => r.kind === 'grant' && r.note === 'Launch thanks')!;
		expect(granted).toMatchObject({ endedEarly: true, expiresAt: ended.endedAt });
		expect(statementDetail(granted, { team: false, timeZone: 'UTC' }).filter(Boolean)).toEqual(['Launch thanks', 'ended early']);
		expect(rows.find((r) => r.kind === 'grant' && r.source === 'purchase')).toMatchObject({ endedEarly: false });
		const [entry] = (await listAudit(db.orm, { account: accountId, action: 'lot.ended', to: null })).rows.filter((r) => r.targetId === dated.lotId);
		expect(entry).toMatchObject({ actor: { userId: w.users.siteAdmin.id }, words: { title: 'Lot ended: what was left expired' } });
		expect(entry!.words.lines).toEqual(expect.arrayContaining([{ label: 'Tokens expired', value: { figure: left } }, { label: 'Note', value: { text: 'Launch thanks' } }]));

		// What is left is what was bought: the next use pays from it.
		expect((await lotsLeft(accountId)).filter((l) => l.remaining > 0).map((l) => l.id)).toEqual([bought.lotId]);
		expect((await spend(accountId, null)).paidBy).not.toContainEqual(expect.objectContaining({ id: dated.lotId }));
		await expectInvariants(db);
	});

	it('refuses a lot a running job holds tokens of until the job settles, and a purchase; ends unlimited use as before', async () => {
		const u = await makeUser(db);
		const accountId = u.accountId;
		const bonus = await grant(db.orm, { accountId, tokens: 500, source: 'bonus', note: 'Trial' });
		const h = await hold(db.orm, { accountId, feature: 'ai_bots', maxTokens: 200, ttlSeconds: 60, actor: {}, idempotency: { scope: 'end-lot-test', key: randomUUID() } });
		const held = await trpcRefusal(admin.admin.users.endLot({ accountId, lotId: bonus.lotId, key: `e-${randomUUID()}` }));
		expect(held).toMatchObject({ code: 'CONFLICT', domain: 'conflict', message: expect.stringMatching(/^A running job holds 200 tokens of this lot until [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC at the latest: end it once the job is done\.$/) });
		await settle(db.orm, h.holdId, 50, { scope: 'end-lot-test', key: randomUUID() });
		const left = (await lotsLeft(accountId)).find((l) => l.id === bonus.lotId)!.remaining;
		expect(await admin.admin.users.endLot({ accountId, lotId: bonus.lotId, key: `e-${randomUUID()}` })).toMatchObject({ tokens: left });
		expect((await lotsLeft(accountId)).find((l) => l.id === bonus.lotId)!.remaining).toBe(0);
		const unlimited = await grant(db.orm, { accountId, tokens: 0, unlimited: true, source: 'bonus', note: 'Staff' });
		expect(await admin.admin.users.endLot({ accountId, lotId: unlimited.lotId, key: `e-${randomUUID()}` })).toMatchObject({ unlimited: true, tokens: 0 });
		await expectInvariants(db);
	});
});
