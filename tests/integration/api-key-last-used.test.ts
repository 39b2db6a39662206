// A key's "last used" (the console's Keys page) moves with every authenticated REST call, a grant as
// a consume: it moved after a consume and not after a grant made within the minute, for the write was
// throttled to once a minute and skipped for calls answered from the process's kept keys. The throttle
// stays (it keeps the hot path to one statement), for every call alike; the page says how fresh it is.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member, openRestApi } from '../helpers/api-fixture';
import { expectInvariants } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';

let db: Db;
let site: string;
beforeAll(async () => {
	({ db, site } = await openRestApi());
});
afterAll(async () => db?.close());

const lastUsed = async (prefix: string) => {
	const [row] = await db.rows<{ at: string | null }>(sql`select last_used_at::text as at from api_keys where prefix = ${prefix}`);
	return row!.at === null ? null : Date.parse(row!.at.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
};
const dbNow = async () => Date.parse((await db.rows<{ now: string }>(sql`select now()::text as now`))[0]!.now.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));

describe(`a key's last use on ${backend}`, () => {
	it('is marked by a grant as by a consume, at most once a minute, also for calls answered from the kept keys', async () => {
		const m = await member(db, 1000);
		const prefix = site.slice(0, 11);
		const calls: [string, () => ReturnType<typeof callJson>, number][] = [
			['consume', () => callJson('/api/v1/consume', { headers: bearer(site, { 'idempotency-key': crypto.randomUUID() }), body: { user: m.id, feature: 'search_images', units: 1 } }), 200],
			['grant', () => callJson('/api/v1/grants', { headers: bearer(site, { 'idempotency-key': crypto.randomUUID() }), body: { user: m.id, tokens: 10, source: 'bonus' } }), 201],
			['balance', () => callJson(`/api/v1/balance?user=${m.id}`, { headers: bearer(site) }), 200]
		];
		// Every call here is within the kept keys' seconds: the key is looked up once, then kept.
		expect((await calls[2]![1]()).status).toBe(200);
		vi.useFakeTimers({ toFake: ['Date'] });
		try {
			for (const [name, call, status] of calls) {
				// A while since the key was last marked: two minutes in the database, a minute and more in this process.
				await db.rows(sql`update api_keys set last_used_at = now() - interval '2 minutes' where prefix = ${prefix}`);
				vi.setSystemTime(Date.now() + 61_000);
				const before = (await lastUsed(prefix))!;
				expect((await call()).status, name).toBe(status);
				const marked = (await lastUsed(prefix))!;
				expect(marked, name).toBeGreaterThan(before);
				expect(Math.abs((await dbNow()) - marked), name).toBeLessThan(5_000);
				// Again within the minute: not written again (the hot path's throttle).
				await db.rows(sql`update api_keys set last_used_at = last_used_at - interval '1 second' where prefix = ${prefix}`);
				const kept = await lastUsed(prefix);
				expect((await call()).status, name).toBe(status);
				expect(await lastUsed(prefix), name).toBe(kept);
			}
		} finally {
			vi.useRealTimers();
		}
		await expectInvariants(db);
	});
});
