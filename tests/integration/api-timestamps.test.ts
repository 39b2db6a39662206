// One form for every instant the API and its webhooks say: ISO 8601 in UTC with milliseconds and
// `Z` ("2026-12-05T00:00:00.000Z"), as /balance says `resets_at`. A refusal's details and the
// `allowance.exhausted` webhook said "2026-12-05T00:00:00+00:00" (Postgres' jsonb form) for the same time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { setAllowanceRule } from '../../src/lib/server/ledger';
import { createEndpoint, startWebhookOutbox } from '../../src/lib/server/webhooks';
import { domainEventTypes } from '../../src/lib/server/domain-events';

let db: Db;
let site: string;
let unsubscribe: () => void;
beforeAll(async () => {
	({ db, site } = await openRestApi());
	unsubscribe = startWebhookOutbox();
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 100, period: 'daily' });
	// Events are written to the outbox only for an endpoint that takes them; nothing listens there.
	await createEndpoint(db, { url: 'http://127.0.0.1:39/', event_types: [...domainEventTypes] }, { ip: null });
}, 120_000);
afterAll(async () => {
	unsubscribe?.();
	await db?.close();
});

const THE_FORM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Anything a reader would take for a date and time: a date followed by a time. */
const LOOKS_TIMED = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

/** Every string that looks like an instant, with where it is ("402 consume: details.resets_at"). */
function instants(value: unknown, at: string): { at: string; text: string }[] {
	if (typeof value === 'string') return LOOKS_TIMED.test(value) ? [{ at, text: value }] : [];
	if (Array.isArray(value)) return value.flatMap((v, i) => instants(v, `${at}[${i}]`));
	if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => instants(v, `${at}.${k}`));
	return [];
}

let k = 0;
const idem = () => ({ 'idempotency-key': `timestamps-${backend}-${++k}` });

describe(`every instant in answers and webhooks is ISO 8601 UTC with Z, on ${backend}`, () => {
	it('balance, check, consume and its 402 allowance_exhausted, hold, settle, grant, usage, webhook endpoints and the events sent', async () => {
		const m = await member(db, 0);
		const host = `timestamps-${backend}-host`;
		const answers: Record<string, unknown> = {};
		const ask = async (name: string, path: string, init: { key?: string; body?: unknown; keyed?: boolean } = {}) => {
			const r = await callJson(path, { headers: bearer(init.key ?? m.key, init.keyed ? idem() : {}), body: init.body });
			answers[`${r.status} ${name}`] = r.json;
			return r;
		};

		await ask('balance', '/api/v1/balance');
		await ask('check', '/api/v1/check', { body: { feature: 'ai_bots', units: 40 } });
		expect((await ask('consume', '/api/v1/consume', { body: { feature: 'ai_bots', units: 40 }, keyed: true })).status).toBe(200);
		const refused = await ask('consume', '/api/v1/consume', { body: { feature: 'ai_bots', units: 1 }, keyed: true });
		expect(refused.json).toMatchObject({ error: 'allowance_exhausted', details: { resets_at: expect.stringMatching(THE_FORM) } });
		await ask('refused check', '/api/v1/check', { body: { feature: 'ai_bots', units: 1 } });
		await ask('usage', '/api/v1/usage');

		const expiry = new Date(Date.now() + 86_400_000).toISOString();
		await ask('grant', '/api/v1/grants', { key: site, body: { user: host, tokens: 500, source: 'bonus', expires_at: expiry }, keyed: true });
		await ask('host balance', `/api/v1/balance?user=${host}`, { key: site });
		const held = await ask('hold', '/api/v1/holds', { key: site, body: { user: host, feature: 'generate_texts', max_tokens: 100 }, keyed: true });
		await ask('settle', `/api/v1/holds/${held.json.hold_id}/settle`, { key: site, body: { tokens: 45 } });
		await ask('host usage', `/api/v1/usage?user=${host}`, { key: site });
		await ask('webhook endpoints', '/api/v1/webhook-endpoints', { key: site });

		const events = await db.rows<{ payload: { type: string } }>(sql`select payload from webhook_events order by seq`);
		for (const [i, e] of events.entries()) answers[`webhook ${i} ${e.payload.type}`] = e.payload;
		expect(events.map((e) => e.payload.type)).toEqual(expect.arrayContaining(['allowance.exhausted', 'grant.created']));

		const found = Object.entries(answers).flatMap(([name, body]) => instants(body, name));
		// What this walk must reach at least: the times the two forms were seen in, and one of each kind.
		for (const where of ['200 balance.allowances[0].resets_at', '402 consume.details.resets_at', '201 hold.expires_at', '200 usage.data[0].date']) {
			expect(found.map((f) => f.at)).toContain(where);
		}
		expect(found.some((f) => /^webhook \d+ allowance\.exhausted\.data\.resets_at$/.test(f.at))).toBe(true);
		expect(found.filter((f) => !THE_FORM.test(f.text))).toEqual([]);
		await expectInvariants(db);
	});
});
