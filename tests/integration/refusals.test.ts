import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import { nextMidnightWords } from '../helpers/refusal';
import { makeWorld, type World, callerAs } from '../helpers/world';
import { setUpCatalog } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { DomainError } from '../../src/lib/server/errors';
import { createAccountKey, setTeamCap } from '../../src/lib/server/accounts';
import { balances, grant, setAllowanceRule, setCap, upsertFeature, upsertModule } from '../../src/lib/server/ledger';
import type { Auth } from '../../src/lib/server/accounts';

let db: Db;
let site: string;
let w: World;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	await setUpCatalog(db);
	await upsertFeature(db.orm, { key: 'plain', name: 'Plain', module: 'product', unit: 'token', tokensPerUnit: 1 });
	// A module paid from the balance only (no free allowance), hidden once nothing is left, as the demo's Bot training.
	await upsertModule(db.orm, { key: 'paused', name: 'Bot training', limitMessage: 'Your bot is paused until more tokens are added.', onExhausted: 'inactive' });
	await upsertFeature(db.orm, { key: 'bot_training', name: 'Bot training', module: 'paused', unit: 'token', tokensPerUnit: 1 });
	w = await makeWorld(db);
}, 120_000);
afterAll(async () => db?.close());

const tag = `${backend}-${randomUUID().slice(0, 8)}`;
const idem = () => ({ 'idempotency-key': randomUUID() });
const caller = (auth: Auth | null) => callerAs(auth, '10.9.0.8');
const rowCount = async (table: string) => (await db.rows<{ n: number }>(sql`select count(*)::int as n from ${sql.raw(table)}`))[0]!.n;

async function refusalOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
	try {
		await p;
	} catch (e) {
		const cause = e instanceof TRPCError ? e.cause : e;
		if (cause instanceof DomainError) return { code: cause.code, message: cause.message };
		throw e;
	}
	throw new Error('expected a refusal');
}

describe(`someone else's thing answers like an unknown id (issue 12.9), on ${backend}`, () => {
	it('settling or releasing another account’s hold is 404 exactly like an unknown id; a malformed id is a 400 for anyone', async () => {
		const [owner, stranger] = [await member(db, 1000), await member(db, 1000)];
		const h = await callJson('/api/v1/holds', { headers: bearer(owner.key, idem()), body: { feature: 'plain', max_tokens: 100 } });
		expect(h.status).toBe(201);
		for (const action of ['settle', 'release']) {
			const call = (id: string) => callJson(`/api/v1/holds/${id}/${action}`, { headers: bearer(stranger.key, idem()), body: action === 'settle' ? { tokens: 10 } : {} });
			const answers = await Promise.all([h.json.hold_id, randomUUID()].map(call));
			for (const a of answers) expect({ status: a.status, body: a.json }).toEqual({ status: 404, body: { error: 'not_found', message: 'No such hold.' } });
			// The OpenAPI document says the id is a uuid: a malformed one is invalid input, whoever sends it.
			const malformed = await call('not-a-hold');
			expect(malformed.status).toBe(400);
			expect(malformed.json).toMatchObject({ error: 'invalid_input', details: { fieldErrors: { hold_id: expect.any(Array) } } });
		}
		// A key that may not spend at all is told so, the same for every id.
		const readOnly = await createAccountKey(db, stranger.auth, { accountId: stranger.accountId, name: 'read only', scopes: ['read'] });
		for (const id of [h.json.hold_id, randomUUID()]) {
			expect((await callJson(`/api/v1/holds/${id}/settle`, { headers: bearer(readOnly.value), body: { tokens: 1 } })).status).toBe(403);
		}
		// The owner still settles it: nothing was changed by the refusals.
		expect((await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(owner.key), body: { tokens: 10 } })).json).toMatchObject({ cost: 10, released: 90 });
		await expectInvariants(db);
	});

	it('someone else’s order and a team one is not in answer like unknown ones', async () => {
		const stranger = await caller(w.auth.memberB);
		const [order] = await db.rows<{ id: string }>(
			sql`insert into orders (account_id, user_id, product_id, quantity, product_name, product_kind, unit_price_cents, contents, status)
			    values (${w.users.memberA.accountId}::uuid, ${w.users.memberA.id}::uuid, 'tokens-5k', 1, 'Token pack', 'pack', 500, '[{"model": null, "tokens": 5000}]', 'pending') returning id`
		);
		const unknownOrder = await refusalOf(stranger.store.order({ orderId: randomUUID() }));
		expect(unknownOrder).toEqual({ code: 'not_found', message: 'No such order.' });
		expect(await refusalOf(stranger.store.order({ orderId: order!.id }))).toEqual(unknownOrder);
		const outsider = await caller(w.auth.otherTeamAdmin);
		const unknownTeam = await refusalOf(outsider.team.setCap({ teamId: randomUUID(), userId: null, period: 'daily', limitTokens: 100 }));
		expect(unknownTeam).toEqual({ code: 'not_found', message: 'No such team.' });
		expect(await refusalOf(outsider.team.setCap({ teamId: w.teamA.id, userId: null, period: 'daily', limitTokens: 100 }))).toEqual(unknownTeam);
		expect(await refusalOf(outsider.team.changeRole({ teamId: w.teamA.id, userId: w.users.teamMember.id, role: 'admin' }))).toEqual(unknownTeam);
		expect(await refusalOf(outsider.team.invite({ teamId: w.teamA.id, email: `x-${tag}@example.com`, role: 'member' }))).toEqual(unknownTeam);
	});
});

describe(`a key that names something unknown is its domain refusal, never a 500 (issue 12.5), on ${backend}`, () => {
	it('POST /api/v1/grants with an unknown model is 422 unknown_model and grants nothing', async () => {
		const lots = await rowCount('lots');
		const r = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: `gm-${tag}`, tokens: 100, source: 'bonus', model: 'no-such-model' } });
		expect({ status: r.status, body: r.json }).toEqual({ status: 422, body: { error: 'unknown_model', message: expect.stringMatching(/^Unknown model 'no-such-model'\. The models are .*'gpt-5-nano'.*; or leave model out\.$/) } });
		expect(await rowCount('lots')).toBe(lots);
		const ok = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: `gm-${tag}`, tokens: 100, source: 'bonus', model: 'gpt-5-nano' } });
		expect(ok.status).toBe(201);
		await expectInvariants(db);
	});

	it('rates, allowances and caps naming an unknown module, team, user or account are refused by code', async () => {
		const admin = await caller(w.auth.siteAdmin);
		expect(await refusalOf(admin.admin.features.upsert({ key: `f-${tag}`, name: 'F', module: 'no-such-module', unit: 'word', tokensPerUnit: 1, enabled: true })))
			.toEqual({ code: 'unknown_module', message: "Unknown module 'no-such-module'." });
		expect((await refusalOf(setAllowanceRule(db.orm, { module: 'no-such-module', audience: 'user', limitTokens: 5, period: 'daily' }))).code).toBe('unknown_module');
		expect(await refusalOf(setAllowanceRule(db.orm, { module: 'chat', audience: 'team', teamId: randomUUID(), limitTokens: 5, period: 'daily' }))).toEqual({ code: 'not_found', message: 'No such team.' });
		expect(await refusalOf(setAllowanceRule(db.orm, { module: 'chat', audience: 'member', userId: randomUUID(), limitTokens: 5, period: 'daily' }))).toEqual({ code: 'not_found', message: 'No such user.' });
		expect(await refusalOf(setCap(db.orm, { accountId: randomUUID(), period: 'daily', limitTokens: 5 }))).toEqual({ code: 'not_found', message: 'No such account.' });
		expect(await refusalOf(setCap(db.orm, { accountId: w.teamA.accountId, memberUserId: randomUUID(), period: 'daily', limitTokens: 5 }))).toEqual({ code: 'not_found', message: 'No such user.' });
		expect(await refusalOf(admin.admin.caps.set({ accountId: randomUUID(), period: 'daily', limitTokens: 5 }))).toMatchObject({ code: 'not_found' });
		expect(await rowCount('caps')).toBe(0);
	});
});

describe(`a refusal says what it refuses (issue 13.4), on ${backend}`, () => {
	it('a member past 265 of a 5,000 daily limit asking for 7,500 reads the cost, what is left and when it resets', async () => {
		const owner = await caller(w.auth.memberA);
		await grant(db.orm, { accountId: w.teamA.accountId, tokens: 50_000, source: 'purchase' });
		await setTeamCap(db, { teamId: w.teamA.id, userId: w.users.teamMember.id, period: 'daily', limitTokens: 5000 }, { userId: w.users.memberA.id, siteAdmin: false });
		const memberApp = await caller(w.auth.teamMember);
		const use = (units: number) => memberApp.ledger.consume({ accountId: w.teamA.accountId, feature: 'plain', units, idempotencyKey: randomUUID() });
		await use(265);
		expect(await refusalOf(use(7500))).toEqual({
			code: 'cap_reached',
			message: `This costs 7,500 tokens, more than the 4,735 left of your daily cap of 5,000 in this team; it resets ${nextMidnightWords()}.`
		});
		await use(4735);
		expect((await refusalOf(use(1))).message).toBe(`Your daily cap of 5,000 tokens in this team is used up; it resets ${nextMidnightWords()}.`);

		// The team's own limit, through REST with a site key.
		// A limit past the ledger's maximum (or past the safe integers) is told that maximum, not "not a whole number".
		for (const limitTokens of [1e13, 99999999999999999]) {
			await expect(owner.team.setCap({ teamId: w.teamA.id, userId: null, period: 'daily', limitTokens })).rejects.toThrow(/^Limit tokens must be a whole number from -1 to 1,000,000,000,000\.$/);
		}
		await owner.team.setCap({ teamId: w.teamA.id, userId: null, period: 'daily', limitTokens: 12_000 });
		const r = await callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { team: w.teamA.id, feature: 'plain', units: 7500 } });
		expect({ status: r.status, body: r.json }).toMatchObject({
			status: 402,
			body: {
				error: 'cap_reached',
				message: `This costs 7,500 tokens, more than the 7,000 left of the team's daily cap of 12,000; it resets ${nextMidnightWords()}.`,
				details: { cost: 7500, limit: 12000, used: 5000, left: 7000, period: 'daily', time_zone: 'UTC' }
			}
		});
		const check = await callJson('/api/v1/check', { headers: bearer(site), body: { team: w.teamA.id, feature: 'plain', units: 7500 } });
		expect(check.json).toMatchObject({ allowed: false, reason: 'cap_reached', message: r.json.message });
		await expectInvariants(db);
	});

	it("a cost past both the team's cap and the member's names the one that leaves the member least, as their cap line does", async () => {
		// The team's cap set first: the refusal once named the first cap found, the team's 19,735 left, beside a cap line of 4,735.
		await grant(db.orm, { accountId: w.teamB.accountId, tokens: 50_000, source: 'purchase' });
		const owner = { userId: w.users.teamBOwner.id, siteAdmin: false };
		await setTeamCap(db, { teamId: w.teamB.id, userId: null, period: 'daily', limitTokens: 20_000 }, owner);
		await setTeamCap(db, { teamId: w.teamB.id, userId: w.users.otherTeamAdmin.id, period: 'daily', limitTokens: 5000 }, owner);
		const member = await caller(w.auth.otherTeamAdmin);
		const use = (units: number) => member.ledger.consume({ accountId: w.teamB.accountId, feature: 'plain', units, idempotencyKey: randomUUID() });
		await use(265);
		expect(await refusalOf(use(30_000))).toEqual({
			code: 'cap_reached',
			message: `This costs 30,000 tokens, more than the 4,735 left of your daily cap of 5,000 in this team; it resets ${nextMidnightWords()}.`
		});
		await expectInvariants(db);
	});

	it('a fresh guest asking for more than the free allowance is told so, not that it is used up', async () => {
		await setAllowanceRule(db.orm, { module: 'chat', audience: 'guest', limitTokens: 2000, period: 'daily' });
		const guest = `guest-${tag}`;
		const ask = (words: number) => callJson('/api/v1/consume', { headers: bearer(site, idem()), body: { guest, feature: 'ai_bots', units: words } });
		const tooMuch = (await ask(1000)).json as { details: Record<string, unknown> };
		expect(tooMuch).toMatchObject({
			error: 'allowance_exhausted',
			message: `This costs 2,500 tokens, more than the 2,000 left of your daily free Chatbot allowance of 2,000; it resets ${nextMidnightWords()}.`,
			details: { module: 'chat', module_name: 'Chatbot', used: 0, left: 2000 }
		});
		// The module's "used up" words are not in its details either (sites show module_message): nothing was used.
		expect(tooMuch.details).not.toHaveProperty('module_message');
		expect((await ask(800)).status).toBe(200);
		expect((await ask(1)).json).toMatchObject({
			error: 'allowance_exhausted',
			message: `You have used today’s free chat tokens. It resets ${nextMidnightWords()}.`,
			details: { module: 'chat', module_name: 'Chatbot', used: 2000, left: 0, module_message: 'You have used today’s free chat tokens.' }
		});
		await expectInvariants(db);
	});

	it('not enough tokens says the cost and what is available', async () => {
		const m = await member(db, 100);
		const r = await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'plain', units: 1234 } });
		// No model named: the words name none ("and model" would speak of one the request did not name).
		expect(r.json).toEqual({ error: 'insufficient_tokens', message: 'This costs 1,234 tokens, more than the 100 spendable on this feature.', details: { operation: 'consume', cost: 1234, available: 100, model: null } });
		const onModel = await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'plain', units: 1234, model: 'gpt-5-nano' } });
		expect(onModel.json).toEqual({ error: 'insufficient_tokens', message: 'This costs 1,234 tokens, more than the 100 spendable on this feature and model.', details: { operation: 'consume', cost: 1234, available: 100, model: 'gpt-5-nano' } });
		// A check of either says the same, with what is spendable now (nothing would be spent: `remaining_after` is that too).
		const checked = await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'plain', units: 1234 } });
		expect(checked.json).toMatchObject({ allowed: false, message: r.json.message, details: { ...r.json.details, operation: 'check' }, spendable: 100, remaining_after: 100 });
		expect((await balances(db.orm, m.accountId)).available).toBe(100);
	});

	it("with nothing left to pay with, in a module without a free allowance, the message is the module's limit message (check, consume, hold alike)", async () => {
		const words = 'Your bot is paused until more tokens are added.';
		const empty = await member(db, 0);
		const body = { feature: 'bot_training', units: 10 };
		const consumed = await callJson('/api/v1/consume', { headers: bearer(empty.key, idem()), body });
		expect({ status: consumed.status, body: consumed.json }).toEqual({
			status: 402,
			body: { error: 'insufficient_tokens', message: words, details: { operation: 'consume', cost: 10, available: 0, model: null, module: 'paused', module_name: 'Bot training', module_message: words } }
		});
		const held = await callJson('/api/v1/holds', { headers: bearer(empty.key, idem()), body: { feature: 'bot_training', max_tokens: 10 } });
		expect(held.json).toMatchObject({ error: 'insufficient_tokens', message: words, details: { operation: 'hold', available: 0, module_message: words } });
		// The check says the same, and that the module is set to show as inactive now.
		const checked = await callJson('/api/v1/check', { headers: bearer(empty.key), body });
		expect(checked.json).toMatchObject({ allowed: false, active: false, reason: 'insufficient_tokens', message: words });
		// Some tokens left, but fewer than the cost: the figures, as for any module, and no module words.
		const some = await member(db, 4);
		const short = await callJson('/api/v1/consume', { headers: bearer(some.key, idem()), body });
		expect(short.json).toEqual({ error: 'insufficient_tokens', message: 'This costs 10 tokens, more than the 4 spendable on this feature.', details: { operation: 'consume', cost: 10, available: 4, model: null } });
		expect((await callJson('/api/v1/check', { headers: bearer(some.key), body })).json).toMatchObject({ active: true, reason: 'insufficient_tokens' });
		expect([(await balances(db.orm, empty.accountId)).available, (await balances(db.orm, some.accountId)).available]).toEqual([0, 4]);
		await expectInvariants(db);
	});

	it('a refused hold says what the hold needs (nothing is spent yet), its details say it was a hold', async () => {
		const m = await member(db, 100);
		const r = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'plain', max_tokens: 1234, ttl_seconds: 60 } });
		expect({ status: r.status, body: r.json }).toEqual({
			status: 402,
			body: { error: 'insufficient_tokens', message: 'This hold needs 1,234 tokens, more than the 100 spendable on this feature.', details: { operation: 'hold', cost: 1234, available: 100, model: null } }
		});
		expect((await balances(db.orm, m.accountId)).available).toBe(100);
	});
});
