import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import { call, callJson, useDb } from '../helpers/http';
import { bearer, member } from '../helpers/api-fixture';
import { configureRates, expectInvariants } from '../helpers/ledger';
import { callerAs } from '../helpers/world';
import type { Db } from '../../src/lib/server/db/client';
import { setAllowanceRule } from '../../src/lib/server/ledger';

// Issue 13.3: `remaining`, `available` and `paid_by[].id` mean one thing everywhere. One sequence,
// through the real REST handlers, the SSE stream and the dashboard's tRPC procedures; each figure
// is checked against the others and against what the ledger holds.

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await useDb(db);
	await configureRates(db);
	// Every user: 10,000 free chat tokens a day (ai_bots: 2.5 tokens a word). generate_texts (45) has no allowance.
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 10_000, period: 'daily' });
}, 120_000);
afterAll(async () => db?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The first `balance` event of the account's SSE stream. */
async function streamedBalance(key: string) {
	const res = await call('/api/v1/stream', { headers: bearer(key) });
	const reader = res.body!.getReader();
	let buffer = '';
	try {
		for (;;) {
			const event = buffer.split('\n\n').find((e) => e.startsWith('event: balance'));
			if (event) return JSON.parse(event.split('\ndata: ')[1]!) as { available: number; held: number };
			const { value, done } = await reader.read();
			if (done) throw new Error('stream ended');
			buffer += new TextDecoder().decode(value);
		}
	} finally {
		await reader.cancel();
	}
}

describe(`the API's figures agree after one sequence, on ${backend}`, () => {
	it('check, consume, holds, settle, balance, usage, the stream and the dashboard say the same remaining, available and paid_by', async () => {
		const m = await member(db, 1000);
		const dashboard = await callerAs(m.auth, '10.9.0.9');
		const post = (path: string, body: unknown, key = true) => callJson(path, { headers: bearer(m.key, key ? { 'idempotency-key': randomUUID() } : {}), body });
		const [rule] = await db.rows<{ id: string }>(sql`select id from allowance_rules where module = 'chat' and audience = 'user'`);
		const [lot] = await db.rows<{ id: string }>(sql`select id from lots where account_id = ${m.accountId}::uuid`);

		// 1. A chat reply of 100 words: the free allowance pays. /check describes exactly what /consume then does.
		const check = await post('/api/v1/check', { feature: 'ai_bots', units: 100 }, false);
		const preview = await dashboard.ledger.preview({ feature: 'ai_bots', units: 100 });
		const consume = await post('/api/v1/consume', { feature: 'ai_bots', units: 100 });
		const allowancePays = [{ type: 'allowance', id: rule!.id, label: 'chat', model: null, tokens: 250, unlimited: false }];
		expect(check.json.paid_by).toEqual(allowancePays);
		expect(preview.paidBy).toEqual(allowancePays);
		expect(consume.json.paid_by).toEqual(allowancePays);
		// remaining = what is left of the chat allowance (9,750) + the lots (1,000).
		expect(check.json.remaining_after).toBe(10_750);
		expect(preview.remainingAfter).toBe(10_750);
		expect(consume.json.remaining).toBe(10_750);

		// 2. A product text (no allowance): the lot pays, named by the same lot id in /check and /consume.
		const lotCheck = await post('/api/v1/check', { feature: 'generate_texts', units: 1 }, false);
		const lotConsume = await post('/api/v1/consume', { feature: 'generate_texts', units: 1 });
		const lotPays = [{ type: 'lot', id: lot!.id, label: 'purchase', model: null, tokens: 45, unlimited: false }];
		expect(lotCheck.json.paid_by).toEqual(lotPays);
		expect(lotConsume.json.paid_by).toEqual(lotPays);
		expect(lotConsume.json.remaining).toBe(955); // generate_texts has no allowance: its lots alone
		for (const p of [...consume.json.paid_by, ...lotConsume.json.paid_by]) expect(p.id).toMatch(UUID);

		// 3. A streamed reply: hold 500, settle 200. Every answer counts the allowance the same way.
		const hold = await post('/api/v1/holds', { feature: 'ai_bots', max_tokens: 500 });
		expect(hold.json).toMatchObject({ held: 500, paid_by: [{ type: 'allowance', id: rule!.id, tokens: 500 }], remaining: 10_750 - 45 - 500 });
		const settle = await post(`/api/v1/holds/${hold.json.hold_id}/settle`, { tokens: 200 });
		// Paid by the hold's source, with what it kept of the 500: the 200 settled, as /balance counts the allowance used.
		expect(settle.json).toEqual({ cost: 200, released: 300, paid_by: [{ ...hold.json.paid_by[0], tokens: 200 }], remaining: 10_750 - 45 - 200 });

		// 4. The balance everywhere: lots 955 + chat allowance left 10,000 − 250 − 200 = 10,505, nothing held.
		const expected = { available: 955 + 9_550, held: 0 };
		expect(expected.available).toBe(settle.json.remaining); // chat spends from exactly these
		const balance = await callJson('/api/v1/balance', { headers: bearer(m.key) });
		expect(balance.json).toMatchObject(expected);
		expect(balance.json.allowances).toEqual([expect.objectContaining({ module: 'chat', used: 450, limit: 10_000 })]);
		const summary = await dashboard.ledger.summary({});
		expect(summary).toMatchObject({ ...expected, total: expected.available });
		expect(await streamedBalance(m.key)).toMatchObject(expected);

		// 5. With a hold open, `available` leaves it out and `held` shows it, in every place.
		const open = await post('/api/v1/holds', { feature: 'ai_bots', max_tokens: 300 });
		const withHold = { available: expected.available - 300, held: 300, total: expected.available };
		expect(open.json.remaining).toBe(withHold.available);
		expect((await callJson('/api/v1/balance', { headers: bearer(m.key) })).json).toMatchObject({ available: withHold.available, held: 300 });
		expect(await dashboard.ledger.summary({})).toMatchObject(withHold);
		expect(await streamedBalance(m.key)).toMatchObject({ available: withHold.available, held: 300 });
		expect((await post('/api/v1/check', { feature: 'ai_bots', units: 1 }, false)).json.remaining_after).toBe(withHold.available - 3);

		// 5b. The 300 the hold took from the free allowance are in the allowance's `used` (the dashboard's
		// "N of M left" counts them used too) and in `held`: `limit − used` is what is left, and a host adds
		// `held` to neither `used` nor `available − held`. The document says so where a host reads the figures.
		const held = await callJson('/api/v1/balance', { headers: bearer(m.key) });
		const [chat] = held.json.allowances as { used: number; limit: number }[];
		expect(chat).toMatchObject({ used: 450 + 300, limit: 10_000 });
		expect((await dashboard.ledger.summary({})).allowances).toEqual([expect.objectContaining({ module: 'chat', used: chat!.used, limit: 10_000 })]);
		expect(held.json.available).toBe(held.json.data.general.credit + (chat!.limit - chat!.used));
		expect(held.json.available + held.json.held).toBe(withHold.total);
		const doc = (await callJson('/api/v1/openapi.json')).json;
		const body = doc.paths['/api/v1/balance'].get.responses['200'].content['application/json'].schema.properties;
		expect(body.allowances.items.properties.used.description).toMatch(/plus what open holds took from it.*`limit − used` is what is left.*in this `used` and in the account's `held` alike: add neither to the other/s);
		expect(body.held.description).toMatch(/from its lots and its free allowances alike.*also in that allowance's `used`/s);

		// 6. The usage history's `remaining` after each use is the figure that use answered.
		const usage = await callJson('/api/v1/usage', { headers: bearer(m.key) });
		expect(usage.json.data.map((r: { remaining: number }) => r.remaining)).toEqual([settle.json.remaining, lotConsume.json.remaining, consume.json.remaining]);
		await expectInvariants(db);
	});

	it("the playground's Available for an operation is what /check's remaining_after counts down from: its own module's free allowance and lots, not another module's", async () => {
		const m = await member(db, 1000);
		const dashboard = await callerAs(m.auth, '10.9.0.9');
		const check = async (feature: string, units: number) => (await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature, units } })).json;
		// The account's Available: the lot (1,000) and the chat allowance (10,000), which only chat's features spend.
		expect(await dashboard.ledger.summary({})).toMatchObject({ available: 11_000 });
		// A chat reply (the chat module has an allowance): the allowance and the lot.
		const chat = await dashboard.ledger.preview({ feature: 'ai_bots', units: 100 });
		expect(chat).toMatchObject({ allowed: true, cost: 250, spendable: 11_000 });
		expect((await check('ai_bots', 100)).remaining_after).toBe(chat.spendable! - chat.cost);
		// A product text (its module has none): the lot alone, less than the account's Available.
		const text = await dashboard.ledger.preview({ feature: 'generate_texts', units: 1 });
		expect(text).toMatchObject({ allowed: true, cost: 45, spendable: 1_000 });
		expect((await check('generate_texts', 1)).remaining_after).toBe(text.spendable! - text.cost);
		// Refused (more than it can spend): nothing is spent, so what is left is what is spendable.
		const refused = await dashboard.ledger.preview({ feature: 'generate_texts', units: 30 });
		expect(refused).toMatchObject({ allowed: false, code: 'insufficient_tokens', spendable: 1_000, remainingAfter: 1_000 });
		expect((await check('generate_texts', 30)).remaining_after).toBe(1_000);
		await expectInvariants(db);
	});
});
