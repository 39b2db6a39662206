/**
 * REST's deadline (API_ANSWER_WITHIN_SECONDS, 1 s here), through the real hook and routes: past it a
 * call the database keeps waiting is answered 503 in words a host site's developer can act on; the time
 * the client takes to send its body is not counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import type { Db } from '../../src/lib/server/db/client';
import { availableOf, balances } from '../../src/lib/server/ledger';
import { config } from '../../src/lib/server/config';

// The deadline as the handler reads it, config() at each call. The environment is read once per worker
// (the integration files share their modules: vite.config.ts isolate false), so an earlier file has
// read it already: the setting is changed on the parsed config for this file, and put back after.
let db: Db;
let deadline: number;
beforeAll(async () => {
	({ db } = await openRestApi());
	deadline = config().API_ANSWER_WITHIN_SECONDS;
	config().API_ANSWER_WITHIN_SECONDS = 1;
}, 300_000);
afterAll(async () => {
	config().API_ANSWER_WITHIN_SECONDS = deadline;
	await db?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lotTokens = async (accountId: string) => availableOf((await balances(db.orm, accountId)).allocations);

/** Runs `during` while a transaction holds the API keys locked for `ms`: a key not resolved yet waits on the database. */
async function whileKeysLocked<T>(ms: number, during: () => Promise<T>): Promise<T> {
	let locked!: () => void;
	const held = new Promise<void>((r) => (locked = r));
	const tx = db.orm.transaction(async (t) => {
		await t.execute(sql`lock table api_keys in access exclusive mode`);
		locked();
		await sleep(ms);
	});
	await held;
	try {
		return await during();
	} finally {
		await tx;
	}
}

describe(`REST's deadline on ${backend}`, () => {
	it('a database that does not answer in time: 503 saying how long Quota waited and what to do, never the setting\'s name', async () => {
		const m = await member(db, 100);
		const read = await whileKeysLocked(1_800, () => callJson('/api/v1/balance', { headers: bearer(m.key) }));
		expect(read.status).toBe(503);
		expect(read.headers.get('retry-after')).toBe('2');
		expect(read.json).toEqual({ error: 'unavailable', message: "Quota's database did not answer within 1 s. Nothing changed: send it again in 2 s (Retry-After)." });
		const other = await member(db, 100);
		const idem = { 'idempotency-key': `deadline-${backend}-1` };
		const write = await whileKeysLocked(1_800, () => callJson('/api/v1/consume', { headers: bearer(other.key, idem), body: { feature: 'search_images', units: 1 } }));
		expect(write.status).toBe(503);
		expect(write.json.message).toBe(
			"Quota's database did not answer within 1 s. The request may still take effect: send it again in 2 s (Retry-After) with the same Idempotency-Key to get its one answer."
		);
		expect(JSON.stringify([read.json, write.json])).not.toContain('API_ANSWER_WITHIN_SECONDS');
	});

	it('a body that takes longer than the deadline to arrive is answered, not refused as the database\'s fault', async () => {
		const m = await member(db, 100);
		const encoder = new TextEncoder();
		const body = new ReadableStream<Uint8Array>({
			async start(c) {
				c.enqueue(encoder.encode('{"feature":"search_images",'));
				await sleep(1_600);
				c.enqueue(encoder.encode('"units":1}'));
				c.close();
			}
		});
		const r = await callJson('/api/v1/consume', { headers: bearer(m.key, { 'idempotency-key': `deadline-${backend}-slow` }), body });
		expect(r.status).toBe(200);
		expect(await lotTokens(m.accountId)).toBeLessThan(100);
	});
});
