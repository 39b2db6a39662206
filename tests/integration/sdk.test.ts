import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from '../helpers/db';
import { appSdk, cutNextStream, sent } from '../helpers/sdk';
import { member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { listAccountKeys, revokeApiKey } from '../../src/lib/server/accounts';
import { balances } from '../../src/lib/server/ledger';
import { AllowanceExhausted, Conflict, FeatureDisabled, HoldAlreadySettled, InsufficientTokens, NotFound, Unauthorized, type Balance } from '../../sdk/src/index.js';

// The SDK against the app's real hooks and routes (no network hop), on both databases. The built
// package against the production server is tests/e2e/sdk.test.ts; retries under faults are
// tests/unit/sdk-client.test.ts.

let db: Db;
let site: string;
const sdk = appSdk;

beforeAll(async () => {
	({ db, site } = await openRestApi({ poolSize: 20, demo: true }));
}, 300_000);
afterAll(async () => db?.close());

describe(`SDK against the app on ${backend}`, () => {
	it('consume: a key of its own per call; the caller’s key spends once however often it is sent', async () => {
		const m = await member(db, 1000);
		const q = sdk(m.key);
		const first = await q.consume({ feature: 'generate_texts', units: 2 }, { idempotencyKey: `order-${backend}-1` });
		const again = await q.consume({ feature: 'generate_texts', units: 2 }, { idempotencyKey: `order-${backend}-1` });
		expect(again).toEqual(first);
		await q.consume({ feature: 'generate_texts', units: 2 });
		expect(first.cost).toBe(90);
		expect((await balances(db.orm, m.accountId)).allocations.reduce((n, a) => n + a.remaining, 0)).toBe(1000 - 180);
		await expectInvariants(db);
	});

	it('refusals are typed and carry the end-user message; nothing changes', async () => {
		const guest = `sdk-guest-${backend}`;
		const q = sdk(site);
		await q.consume({ guest, feature: 'ai_bots', units: 800 });
		const used = await q.consume({ guest, feature: 'ai_bots', units: 1 }).catch((e: unknown) => e);
		expect(used).toBeInstanceOf(AllowanceExhausted);
		expect((used as AllowanceExhausted).userMessage).toMatch(/^You have used your free chat tokens for today\. Buy tokens to keep chatting\. It resets /);
		expect((used as AllowanceExhausted).details).toMatchObject({ limit: 2000, used: 2000, left: 0 });
		await expect(q.consume({ guest, feature: 'image_generation', units: 1 })).rejects.toBeInstanceOf(FeatureDisabled);
		const poor = await member(db, 10);
		const short = await sdk(poor.key)
			.hold({ feature: 'generate_texts', max_tokens: 45 })
			.catch((e: unknown) => e);
		expect(short).toBeInstanceOf(InsufficientTokens);
		expect((short as InsufficientTokens).userMessage).toBe('This hold needs 45 tokens, more than the 10 spendable on this feature.');
		await expect(sdk('qk_not_a_key_000000000000000000000').balance()).rejects.toBeInstanceOf(Unauthorized);
		expect((await sdk(poor.key).balance()).held).toBe(0);
		await expectInvariants(db);
	});

	it('key names the key it sends, and featureRates the rates a use will cost; a key that is not one is refused', async () => {
		const m = await member(db, 1000);
		expect(await sdk(m.key).key()).toMatchObject({ kind: 'account', account_id: m.accountId });
		expect(await sdk(site).key()).toMatchObject({ kind: 'site', account_id: null });
		await expect(sdk('qk_not_a_key_000000000000000000000').key()).rejects.toBeInstanceOf(Unauthorized);
		const all = await sdk(site).featureRates();
		expect(all.data.map((f) => f.feature_key)).toContain('ai_bots');
		expect(await sdk(site).featureRate('ai_bots')).toEqual({ success: true, data: all.data.find((f) => f.feature_key === 'ai_bots') });
		await expect(sdk(site).featureRate('ai_bot')).rejects.toBeInstanceOf(NotFound);
	});

	it('check previews; hold, settle and release move the held tokens; a second settle is refused', async () => {
		const m = await member(db, 1000);
		const q = sdk(m.key);
		const preview = await q.check({ feature: 'generate_texts', units: 1 });
		expect(preview).toMatchObject({ allowed: true, cost: 45 });
		const hold = await q.hold({ feature: 'generate_texts', max_tokens: 300 });
		expect(hold.held).toBe(300);
		expect((await q.balance()).held).toBe(300);
		expect(await q.settle(hold.hold_id, 120)).toMatchObject({ cost: 120, released: 180 });
		await expect(q.settle(hold.hold_id, 10)).rejects.toBeInstanceOf(HoldAlreadySettled);
		const other = await q.hold({ feature: 'generate_texts', max_tokens: 200 });
		expect(await q.release(other.hold_id)).toMatchObject({ cost: 0, released: 200 });
		const after = await q.balance();
		expect(after.held).toBe(0);
		expect(after.data.general?.credit).toBe(880);
		await expectInvariants(db);
	});

	it('grant: created once per idempotency key, and the balance shows it', async () => {
		const user = `sdk-host-user-${backend}`;
		const q = sdk(site);
		const key = `welcome-${backend}`;
		const g = await q.grant({ user, tokens: 500, source: 'bonus', note: 'welcome' }, { idempotencyKey: key });
		expect(g).toMatchObject({ tokens: 500 });
		expect(await q.grant({ user, tokens: 500, source: 'bonus', note: 'welcome' }, { idempotencyKey: key })).toEqual(g);
		expect((await q.balance({ user })).data.general?.credit).toBe(500);
		await expectInvariants(db);
	});

	it('grant of unlimited use shows in the balance, and ends once: a second end is a Conflict', async () => {
		const user = `sdk-tester-${backend}`;
		const q = sdk(site);
		const g = await q.grant({ user, unlimited: true, source: 'admin', model: 'gpt-5-nano', note: 'Tester' });
		expect(g).toMatchObject({ tokens: 0 });
		expect((await q.balance({ user })).data['gpt-5-nano']?.isUnlimited).toBe(true);
		const key = `end-${backend}`;
		const ended = await q.endGrant(g.lot_id, { idempotencyKey: key });
		expect(await q.endGrant(g.lot_id, { idempotencyKey: key })).toEqual(ended);
		await expect(q.endGrant(g.lot_id)).rejects.toBeInstanceOf(Conflict);
		await expect(q.endGrant('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFound);
		expect((await q.balance({ user })).data['gpt-5-nano']).toBeUndefined();
		await expectInvariants(db);
	});

	it('usage pages through the whole history, newest first, fetching a page only when asked', async () => {
		const m = await member(db, 1000);
		const q = sdk(m.key);
		for (let i = 0; i < 5; i++) await q.consume({ feature: 'search_images', units: 1, metadata: { i } });
		const before = sent.length;
		const pages = [];
		for await (const page of q.usage({ limit: 2 })) pages.push(page.data);
		expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
		expect(sent.length - before).toBe(3);
		const rows = pages.flat();
		expect(new Set(rows.map((r) => r.id)).size).toBe(5);
		expect(rows.map((r) => r.date)).toEqual([...rows.map((r) => r.date)].sort().reverse());
		// Breaking out of the loop fetches nothing more.
		const mark = sent.length;
		for await (const page of q.usage({ limit: 2 })) if (page) break;
		expect(sent.length - mark).toBe(1);
	});

	it('stream yields the balance, then each change; after a drop it reconnects with Last-Event-ID and repeats nothing', async () => {
		const m = await member(db, 1000);
		const q = sdk(m.key);
		cutNextStream();
		const controller = new AbortController();
		const seen: Balance[] = [];
		const loop = (async () => {
			for await (const b of q.stream({}, { signal: controller.signal })) {
				seen.push(b);
				if (seen.length === 2) break;
			}
		})();
		await expect.poll(() => seen.length).toBe(1);
		// The first connection is cut; the SDK opens another after the server's `retry` (3 s), with the last id.
		await expect.poll(() => sent.filter((r) => r.url.includes('/stream') && r.headers.get('last-event-id')).length, { timeout: 10_000 }).toBe(1);
		const reconnect = sent.filter((r) => r.url.includes('/stream')).at(-1)!;
		expect(reconnect.headers.get('last-event-id')).toMatch(/^[\w-]{22}$/);
		// Nothing changed while it was down: no repeated figures. Then a change arrives once.
		await new Promise((r) => setTimeout(r, 300));
		expect(seen).toHaveLength(1);
		await q.consume({ feature: 'search_images', units: 1 });
		await loop;
		expect(seen.map((b) => b.available - seen[0]!.available)).toEqual([0, -10]);
		controller.abort();
		await expectInvariants(db);
	}, 30_000);

	it('stream ends at once with Unauthorized when its key is revoked while the loop runs', async () => {
		const m = await member(db, 1000);
		const seen: Balance[] = [];
		const loop = (async () => {
			for await (const b of sdk(m.key).stream()) seen.push(b);
		})().catch((e: unknown) => e);
		await expect.poll(() => seen.length).toBe(1);
		const [key] = await listAccountKeys(db, m.auth, m.accountId);
		const at = Date.now();
		await revokeApiKey(db, m.auth, key!.id);
		// Not after the server's `retry` (3 s): the stream's last event says so, and the loop ends with the refusal.
		expect(await loop).toBeInstanceOf(Unauthorized);
		expect(Date.now() - at).toBeLessThan(1500);
		expect(seen).toHaveLength(1);
	});
});
