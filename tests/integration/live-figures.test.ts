import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { backend, freshDb } from '../helpers/db';
import { configureRates } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { setAllowanceRule, updateSiteSettings } from '../../src/lib/server/ledger';
import { createUser } from '../../src/lib/server/accounts';
import { watchAvailable } from '../helpers/stream';

// Figures that change without a ledger operation (an allowance rule, the site's settings) reach
// the open streams of every account they change, as a spend does: an open dashboard kept the old
// allowance after an admin's change until it was reloaded.
let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
	await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 100, period: 'daily' });
});
afterAll(async () => db?.close());

const person = (name: string) => createUser(db.orm, { email: `${name.toLowerCase()}-${randomUUID().slice(0, 6)}@example.com`, name });

describe(`open streams and rule changes, on ${backend}`, () => {
	it("send every account's new figures after an allowance rule changes, and nothing when the figures stay", async () => {
		const [a, b] = [await person('Ana'), await person('Ben')];
		const streams = [watchAvailable(db, a.accountId), watchAvailable(db, b.accountId)];
		try {
			await expect.poll(() => streams.every((s) => s.text.seen.includes('data: 100'))).toBe(true);
			await setAllowanceRule(db.orm, { module: 'chat', audience: 'user', limitTokens: 300, period: 'daily' });
			await expect.poll(() => streams.every((s) => s.text.seen.includes('data: 300'))).toBe(true);
			// A change that leaves what a stream sends as it was (here the low share, and streams of Available) sends nothing more.
			await updateSiteSettings(db.orm, { lowSharePercent: 30 });
			await new Promise((r) => setTimeout(r, 300));
			expect(streams.map((s) => s.text.seen.match(/event: balance/g)?.length)).toEqual([2, 2]);
		} finally {
			await Promise.all(streams.map((s) => s.stop()));
		}
	});
});
