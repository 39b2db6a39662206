// The sign-in, sign-up and reset counters are keyed by what callers type (addresses, IPs): ended
// ones are deleted, so the table does not grow with every address ever tried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Db } from '../../src/lib/server/db/client';
import { forgetEndedRateLimits, rateLimit } from '../../src/lib/server/accounts/rate-limit';
import { freshDb } from '../helpers/db';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => {
	await db.close();
});

describe('rate limit counters', () => {
	it('ended counters are deleted; running ones keep counting', async () => {
		await rateLimit(db, 'signin:email:running@example.com', 3, 900);
		await db.rows(sql`insert into rate_limits (key, window_start, count) values ('signin:email:old@example.com', now() - interval '2 days', 5)`);
		expect(await forgetEndedRateLimits(db)).toBe(1);
		const keys = await db.rows<{ key: string; count: number }>(sql`select key, count from rate_limits order by key`);
		expect(keys).toEqual([{ key: 'signin:email:running@example.com', count: 1 }]);
		await rateLimit(db, 'signin:email:running@example.com', 3, 900);
		await rateLimit(db, 'signin:email:running@example.com', 3, 900);
		await expect(rateLimit(db, 'signin:email:running@example.com', 3, 900)).rejects.toMatchObject({ code: 'rate_limited' });
	});

	it('a limit longer than what the sweep keeps is refused where it is written', async () => {
		await expect(rateLimit(db, 'too-long', 1, 2 * 86_400)).rejects.toThrow(/within 86400 s/);
	});
});
