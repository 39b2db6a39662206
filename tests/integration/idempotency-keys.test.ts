import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { backend } from '../helpers/db';
import { callJson, useDb } from '../helpers/http';
import { bearer, member, siteKey } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import { useStoreTestBed } from '../helpers/paddle';
import { makeWorld, type World, callerAs } from '../helpers/world';
import type { Db } from '../../src/lib/server/db/client';
import { DomainError } from '../../src/lib/server/errors';
import { balances } from '../../src/lib/server/ledger';
import { applySettingsWrite, getSettings } from '../../src/lib/server/accounts/settings';
import { startCheckout } from '../../src/lib/server/store/orders';

// Issue 12.1: on every keyed write, one idempotency key = one request hash = one stored answer.
// The same key with another request is refused (422 idempotency_key_reused) and changes nothing;
// the same request again answers the first answer, never an echo of the new body.

const bed = useStoreTestBed({ withRates: true });
let db: Db;
let site: string;
let w: World;
beforeAll(async () => {
	db = bed.db;
	await useDb(db);
	site = await siteKey(db);
	w = await makeWorld(db);
}, 120_000);

const tag = `${backend}-${randomUUID().slice(0, 8)}`;
const balanceOf = (user: string) => callJson(`/api/v1/balance?user=${user}`, { headers: bearer(site) });
const post = (path: string, key: string | null, body: unknown, apiKey = site) =>
	callJson(path, { headers: bearer(apiKey, key ? { 'idempotency-key': key } : {}), body });
type Answer = Awaited<ReturnType<typeof callJson>>;
/** A replay is the first answer byte for byte (status and body); only its header says it is one. */
function expectReplay(again: Answer, first: Answer) {
	expect(first.headers.get('idempotent-replayed')).toBeNull();
	expect(again.headers.get('idempotent-replayed')).toBe('true');
	expect({ status: again.status, text: again.text }).toEqual({ status: first.status, text: first.text });
}

async function domainRefusal(p: Promise<unknown>): Promise<string | undefined> {
	try {
		await p;
	} catch (e) {
		if (e instanceof DomainError) return e.code;
		if (e instanceof TRPCError && e.cause instanceof DomainError) return e.cause.code;
		throw e;
	}
	throw new Error('expected a refusal');
}

describe(`one idempotency key = one request = one stored answer, on ${backend}`, () => {
	it('POST /api/v1/grants: another body under the same key is 422 and grants nothing; the same body replays the first answer', async () => {
		const [a, b] = [`gt-a-${tag}`, `gt-b-${tag}`];
		const first = await post('/api/v1/grants', `g1-${tag}`, { user: a, tokens: 100, source: 'bonus' });
		expect(first.status).toBe(201);
		expect(first.json).toEqual({ lot_id: expect.any(String), operation_id: expect.any(String), tokens: 100 });

		const other = await post('/api/v1/grants', `g1-${tag}`, { user: b, tokens: 700, source: 'referral' });
		expect(other.status).toBe(422);
		expect(other.json).toMatchObject({ error: 'idempotency_key_reused' });

		// The same grant, its members in another order: the stored first answer.
		const again = await post('/api/v1/grants', `g1-${tag}`, { source: 'bonus', tokens: 100, user: a });
		expectReplay(again, first);

		expect((await balanceOf(a)).json.available).toBe(100);
		expect((await balanceOf(b)).json.available).toBe(0);
		await expectInvariants(db);
	});

	it('consume, holds, settle and release: another request under a used key is 422; the same request replays', async () => {
		const m = await member(db, 1000);
		const consume = (key: string, body: Record<string, unknown>) => post('/api/v1/consume', key, body, m.key);
		const c1 = await consume(`c1-${tag}`, { feature: 'generate_texts', units: 1, metadata: { chat: 'x', turn: 1 } });
		expect(c1.json).toMatchObject({ cost: 45 });
		expect((await consume(`c1-${tag}`, { feature: 'generate_texts', units: 2, metadata: { chat: 'x', turn: 1 } })).json).toMatchObject({ error: 'idempotency_key_reused' });
		expect((await consume(`c1-${tag}`, { feature: 'generate_texts', units: 1, metadata: { chat: 'y', turn: 1 } })).status).toBe(422);
		const c1again = await consume(`c1-${tag}`, { metadata: { turn: 1, chat: 'x' }, units: 1, feature: 'generate_texts' });
		expectReplay(c1again, c1);

		const hold = (key: string, max: number) => post('/api/v1/holds', key, { feature: 'generate_texts', max_tokens: max }, m.key);
		const h1 = await hold(`h1-${tag}`, 100);
		expect(h1.status).toBe(201);
		expect((await hold(`h1-${tag}`, 200)).json).toMatchObject({ error: 'idempotency_key_reused' });
		expectReplay(await hold(`h1-${tag}`, 100), h1);
		const h2 = await hold(`h2-${tag}`, 100);

		const settle = (id: string, key: string, tokens: number) => post(`/api/v1/holds/${id}/settle`, key, { tokens }, m.key);
		const s1 = await settle(h1.json.hold_id, `s1-${tag}`, 50);
		expect(s1.json).toMatchObject({ cost: 50, released: 50 });
		expect((await settle(h1.json.hold_id, `s1-${tag}`, 60)).json).toMatchObject({ error: 'idempotency_key_reused' });
		expect((await settle(h2.json.hold_id, `s1-${tag}`, 50)).json).toMatchObject({ error: 'idempotency_key_reused' });
		expectReplay(await settle(h1.json.hold_id, `s1-${tag}`, 50), s1);

		const release = (id: string, key: string) => post(`/api/v1/holds/${id}/release`, key, {}, m.key);
		expect((await release(h2.json.hold_id, `c1-${tag}`)).json).toMatchObject({ error: 'idempotency_key_reused' });
		const r1 = await release(h2.json.hold_id, `r1-${tag}`);
		expect(r1.json).toMatchObject({ cost: 0, released: 100 });
		expectReplay(await release(h2.json.hold_id, `r1-${tag}`), r1);

		expect((await balances(db.orm, m.accountId)).available).toBe(1000 - 45 - 50);
		await expectInvariants(db);
	});

	it('keys are scoped to the kind of request, as /developers and the OpenAPI document say: a consume\'s key sent with a grant is that grant\'s, and a grant\'s with a consume that consume\'s', async () => {
		const user = `kinds-${tag}`;
		const granted = await post('/api/v1/grants', `k1-${tag}`, { user, tokens: 1_000, source: 'bonus' });
		expect(granted.status).toBe(201);
		const spent = await post('/api/v1/consume', `k1-${tag}`, { user, feature: 'generate_texts', units: 1 });
		expect([spent.status, spent.json.cost, spent.headers.get('idempotent-replayed')]).toEqual([200, 45, null]);
		const more = await post('/api/v1/grants', `k2-${tag}`, { user, tokens: 10, source: 'bonus' });
		const c = await post('/api/v1/consume', `k2-${tag}`, { user, feature: 'generate_texts', units: 1 });
		expect([more.status, c.status]).toEqual([201, 200]);
		// Within a kind a key is one request: the consume's key with a hold is refused.
		expect((await post('/api/v1/holds', `k2-${tag}`, { user, feature: 'generate_texts', max_tokens: 100 })).json).toMatchObject({ error: 'idempotency_key_reused' });
		expect((await balanceOf(user)).json).toMatchObject({ available: 1_000 + 10 - 45 - 45 });
		await expectInvariants(db);
	});

	it('admin adjustments: the key belongs to the admin; another change under it is refused on any account', async () => {
		const admin = await callerAs(w.auth.siteAdmin, '10.9.0.7');
		const key = `adj-${tag}`;
		const add = { accountId: w.users.memberB.accountId, mode: 'delta' as const, tokens: 500, reason: 'Welcome', key };
		expect(await admin.admin.users.adjustBalance(add)).toEqual({ delta: 500, before: 0, after: 500, replayed: false });
		expect(await admin.admin.users.adjustBalance(add)).toEqual({ delta: 500, before: 0, after: 500, replayed: true });
		expect(await domainRefusal(admin.admin.users.adjustBalance({ ...add, reason: 'Something else' }))).toBe('idempotency_key_reused');
		expect(await domainRefusal(admin.admin.users.adjustBalance({ ...add, accountId: w.users.memberA.accountId }))).toBe('idempotency_key_reused');
		expect((await balances(db.orm, w.users.memberB.accountId)).available).toBe(500);
		expect((await balances(db.orm, w.users.memberA.accountId)).available).toBe(0);
		await expectInvariants(db);
	});

	it('offline-queued settings writes: a replay changes nothing; another change under the same key is refused', async () => {
		const userId = w.users.memberB.id;
		const key = `set-${tag}`;
		expect((await applySettingsWrite(db, userId, key, { timeZone: 'Europe/Paris', emailAlerts: false })).replayed).toBe(false);
		expect((await applySettingsWrite(db, userId, key, { emailAlerts: false, timeZone: 'Europe/Paris' })).replayed).toBe(true);
		expect(await domainRefusal(applySettingsWrite(db, userId, key, { timeZone: 'Asia/Tokyo' }))).toBe('idempotency_key_reused');
		expect(await domainRefusal(applySettingsWrite(db, w.users.memberA.id, key, { timeZone: 'Europe/Paris', emailAlerts: false }))).toBe('idempotency_key_reused');
		expect(await getSettings(db, userId)).toMatchObject({ timeZone: 'Europe/Paris', emailAlerts: false });
	});

	it('checkout: a retried start answers the same order and transaction; another purchase under the key is refused', async () => {
		const u = w.users.memberA;
		const start = (productId: string, quantity: number, checkoutKey: string) =>
			startCheckout(db.orm, bed.paddle, { accountId: u.accountId, userId: u.id, email: u.email, productId, quantity, checkoutKey });
		const first = await start('tokens-5k', 2, `co-${tag}`);
		const again = await start('tokens-5k', 2, `co-${tag}`);
		expect(again).toEqual(first);
		expect(await domainRefusal(start('tokens-5k', 3, `co-${tag}`))).toBe('idempotency_key_reused');
		expect(await domainRefusal(start('starter-bundle', 2, `co-${tag}`))).toBe('idempotency_key_reused');
		const other = await start('tokens-5k', 2, `co2-${tag}`);
		expect(other.orderId).not.toBe(first.orderId);
		const orders = await db.rows<{ n: number }>(sql`select count(*)::int as n from orders where user_id = ${u.id}`);
		expect(orders[0]!.n).toBe(2);
	});
});
