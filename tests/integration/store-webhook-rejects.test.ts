import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend, freshDb } from '../helpers/db';
import { post, SECRET, startWebhookServer } from '../helpers/paddle';
import type { Db } from '../../src/lib/server/db/client';
import { signatureHeader } from '../../src/lib/server/store/paddle/signature';

// Signed by Paddle's secret but no usable event: answered 4xx (a 5xx would have Paddle retry the
// same bytes for days), logged, and kept as `rejected`. And a signature only counts near its time.

let db: Db;
let hook: Awaited<ReturnType<typeof startWebhookServer>>;
beforeAll(async () => {
	db = await freshDb();
	hook = await startWebhookServer(db);
});
afterAll(async () => {
	await hook?.close();
	await db?.close();
});
afterEach(() => vi.restoreAllMocks());

const rejected = () => db.rows<{ event_type: string; note: string; payload: { body: string } }>(sql`select event_type, note, payload from paddle_events where outcome = 'rejected' order by received_at`);
const NOT_EVENT = 'not a Paddle event (event_id, event_type, occurred_at, data)';
const anEvent = (id: string) => ({ event_id: id, event_type: 'quota.unknown_event', occurred_at: new Date().toISOString(), data: { id: 'x' } });

describe(`Paddle webhook: signed bodies that are no event, and the signature's time window, on ${backend}`, () => {
	const bodies: [string, string, string][] = [
		['an empty array', '[]', NOT_EVENT],
		['an empty object', '{}', NOT_EVENT],
		['a number', '1', NOT_EVENT],
		['null', 'null', NOT_EVENT],
		['text that is not JSON', 'hello', 'body is not JSON'],
		['an event without data', JSON.stringify({ event_id: 'evt_no_data', event_type: 'transaction.completed', occurred_at: new Date().toISOString() }), NOT_EVENT],
		['an event with a NUL character', JSON.stringify({ ...anEvent('evt_nul'), data: { id: 'a\u0000b' } }), 'unstorable text at data.id'],
		['an event with an unpaired surrogate', '{"event_id":"evt_sur","event_type":"quota.x","occurred_at":"2026-01-01T00:00:00Z","data":{"name":"\\ud800"}}', 'unstorable text at data.name'],
		// 20,000 brackets in 40 KB: a recursive walk of them overflowed the stack (a 500, retried by Paddle for days).
		['an event nested 20,000 levels deep', JSON.stringify({ ...anEvent('evt_deep'), data: 0 }).replace('"data":0', `"data":${'['.repeat(20_000)}${']'.repeat(20_000)}`), 'nesting too deep at data']
	];
	for (const [what, body, reason] of bodies) {
		it(`${what}: 400, logged, kept as rejected; the same body again is the same 400, kept once`, async () => {
			const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
			const before = (await rejected()).length;
			const reply = await post(hook.url, null, { body });
			expect(reply).toEqual({ status: 400, body: { ok: false, error: reason } });
			expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[paddle-webhook\] rejected \(400\): /));
			const rows = await rejected();
			expect(rows).toHaveLength(before + 1);
			expect(rows.at(-1)).toMatchObject({ note: reason, payload: { body: body.replace(/\u0000/g, '\uFFFD') } });
			expect((await post(hook.url, null, { body })).status).toBe(400);
			expect(await rejected()).toHaveLength(before + 1);
		});
	}

	it('a timestamp more than 5 s away, in the past or in the future, is refused (401) and nothing is stored', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		// Paddle's `ts` is whole seconds (the time signed, rounded down), so a signature made 6 s ahead can
		// read 5.0x s ahead when checked: 7 s is beyond the window whatever the millisecond.
		for (const offset of [-7_000, 7_000, 3_600_000]) {
			const event = anEvent(`evt_window_${offset}`);
			const reply = await post(hook.url, event, { at: new Date(Date.now() + offset) });
			expect(reply, `${offset} ms`).toEqual({ status: 401, body: { ok: false, error: 'signature timestamp outside the allowed window' } });
			expect(await db.rows(sql`select 1 from paddle_events where event_id = ${event.event_id}`)).toHaveLength(0);
		}
	});

	it('a timestamp within 5 s either way is accepted', async () => {
		for (const offset of [-3_000, 0, 3_000]) {
			const event = anEvent(`evt_within_${offset}`);
			expect(await post(hook.url, event, { at: new Date(Date.now() + offset) }), `${offset} ms`).toEqual({ status: 200, body: { ok: true, duplicate: false, outcome: 'ignored', note: expect.any(String) } });
		}
	});

	it('the signature still has to match: a future timestamp signed with another secret is refused as invalid', async () => {
		vi.spyOn(console, 'warn').mockImplementation(() => {});
		const body = JSON.stringify(anEvent('evt_other_secret'));
		const reply = await post(hook.url, null, { body, header: signatureHeader(body, `${SECRET}-not`, new Date(Date.now() + 60_000)) });
		expect(reply).toEqual({ status: 401, body: { ok: false, error: 'invalid signature' } });
	});
});
