import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import type { Db } from '../../src/lib/server/db/client';
import { availableOf, balances } from '../../src/lib/server/ledger';

// A developer's mistake on the REST API changes nothing and is answered with what to do instead:
// the key they meant, where the keys are listed, the field a body calls it, how to reuse a key.

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi({ demo: true }));
}, 300_000);
afterAll(async () => db?.close());

let k = 0;
const idem = () => ({ 'idempotency-key': `words-${backend}-${++k}` });
const lotTokens = async (accountId: string) => availableOf((await balances(db.orm, accountId)).allocations);
const operations = async (accountId: string) =>
	(await db.rows<{ n: number }>(sql`select count(*)::int as n from operations where account_id = ${accountId}::uuid`))[0]!.n;

describe(`REST refusals that say what to do, on ${backend}`, () => {
	it('an unknown feature names the nearest known key and where the keys are listed, on check, consume, hold and the rate itself', async () => {
		const m = await member(db, 1000);
		const meant = "Unknown feature 'ai_bot': did you mean 'ai_bots'? GET /api/v1/feature-rates lists the feature keys.";
		const answers = [
			await callJson('/api/v1/check', { headers: bearer(m.key), body: { feature: 'ai_bot', units: 1 } }),
			await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'ai_bot', units: 1 } }),
			await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'ai_bot', max_tokens: 10 } })
		];
		for (const a of answers) expect({ status: a.status, body: a.json }).toEqual({ status: 422, body: { error: 'unknown_feature', message: meant } });
		const far = await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'teleport', units: 1 } });
		expect(far.json).toEqual({ error: 'unknown_feature', message: "Unknown feature 'teleport'. GET /api/v1/feature-rates lists the feature keys." });
		const rate = await callJson('/api/v1/feature-rates/ai_bot', { headers: bearer(m.key) });
		expect({ status: rate.status, body: rate.json }).toEqual({ status: 404, body: { error: 'not_found', message: meant } });
		expect(await lotTokens(m.accountId)).toBe(1000);
		expect(await operations(m.accountId)).toBe(1);
	});

	it('an unknown model names the nearest known model and the models there are, on consume and grant', async () => {
		const m = await member(db, 1000);
		const models = "The models are 'claude-sonnet-4-5', 'gpt-5-nano', 'text-embedding-3-small'; or leave model out.";
		const spent = await callJson('/api/v1/consume', { headers: bearer(m.key, idem()), body: { feature: 'ai_bots', units: 1, model: 'gpt-5-nan' } });
		expect({ status: spent.status, body: spent.json }).toEqual({ status: 422, body: { error: 'unknown_model', message: `Unknown model 'gpt-5-nan': did you mean 'gpt-5-nano'? ${models}` } });
		const granted = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: m.id, tokens: 5, source: 'bonus', model: 'llama' } });
		expect({ status: granted.status, body: granted.json }).toEqual({ status: 422, body: { error: 'unknown_model', message: `Unknown model 'llama'. ${models}` } });
		expect(await lotTokens(m.accountId)).toBe(1000);
		expect(await operations(m.accountId)).toBe(1);
	});

	it('a body field under another name is told the name the body has ("reason" is "note"), else the fields it takes', async () => {
		const m = await member(db, 0);
		const reason = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: m.id, tokens: 5, source: 'bonus', reason: 'welcome' } });
		expect(reason.status).toBe(400);
		expect(reason.json).toMatchObject({ error: 'invalid_input', message: 'This request does not take the field "reason": did you mean "note"?' });
		const ttl = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'ai_bots', max_tokens: 10, ttl: 60 } });
		expect(ttl.json).toMatchObject({ error: 'invalid_input', message: 'This request does not take the field "ttl": did you mean "ttl_seconds"?' });
		const extra = await callJson('/api/v1/holds/00000000-0000-4000-8000-000000000000/settle', { headers: bearer(m.key), body: { tokens: 1, final: true } });
		expect(extra.json).toMatchObject({ error: 'invalid_input', message: 'This request does not take the field "final": leave it out. It takes "tokens".' });
		expect(await lotTokens(m.accountId)).toBe(0);
	});

	it('an idempotency key reused for another request says to send a new key, and changes nothing', async () => {
		const m = await member(db, 1000);
		const words = 'This idempotency key was already used with a different request: send a new Idempotency-Key for a new request; the same key replays only the same request.';
		const key = idem();
		expect((await callJson('/api/v1/consume', { headers: bearer(m.key, key), body: { feature: 'ai_bots', units: 1 } })).status).toBe(200);
		const grantKey = idem();
		expect((await callJson('/api/v1/grants', { headers: bearer(site, grantKey), body: { user: m.id, tokens: 5, source: 'bonus' } })).status).toBe(201);
		const before = await balances(db.orm, m.accountId);
		const consumed = await callJson('/api/v1/consume', { headers: bearer(m.key, key), body: { feature: 'ai_bots', units: 2 } });
		expect({ status: consumed.status, body: consumed.json }).toEqual({ status: 422, body: { error: 'idempotency_key_reused', message: words } });
		const granted = await callJson('/api/v1/grants', { headers: bearer(site, grantKey), body: { user: m.id, tokens: 6, source: 'bonus' } });
		expect({ status: granted.status, body: granted.json }).toEqual({ status: 422, body: { error: 'idempotency_key_reused', message: words } });
		expect({ ...(await balances(db.orm, m.accountId)), asOf: null }).toEqual({ ...before, asOf: null });
		expect(await operations(m.accountId)).toBe(3);
	});

	it('an expiry that is no date is told that alone, not also that it must be in the future', async () => {
		const m = await member(db, 0);
		const r = await callJson('/api/v1/grants', { headers: bearer(site, idem()), body: { user: m.id, tokens: 5, source: 'bonus', expires_at: 'tomorrow' } });
		expect(r.status).toBe(400);
		expect(r.json.details.fieldErrors).toEqual({ expires_at: ['expires_at must be a date and time in ISO 8601 with its offset, like 2026-12-31T23:00:00Z.'] });
		expect(await lotTokens(m.accountId)).toBe(0);
	});

	it('settling more than is held names tokens in details.fieldErrors, as every refusal of input does, and leaves the hold open', async () => {
		const m = await member(db, 5000);
		const h = await callJson('/api/v1/holds', { headers: bearer(m.key, idem()), body: { feature: 'generate_texts', max_tokens: 2000 } });
		const words = 'tokens must be between 0 and the 2,000 held.';
		const over = await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 3000 } });
		expect({ status: over.status, body: over.json }).toEqual({ status: 422, body: { error: 'invalid_input', message: words, details: { formErrors: [], fieldErrors: { tokens: [words] } } } });
		const settled = await callJson(`/api/v1/holds/${h.json.hold_id}/settle`, { headers: bearer(m.key), body: { tokens: 2000 } });
		expect(settled.json).toMatchObject({ cost: 2000, released: 0 });
	});
});
