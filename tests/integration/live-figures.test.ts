import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { backend, freshDb } from '../helpers/db';
import { configureRates } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { setAllowanceRule, setCap, updateSiteSettings } from '../../src/lib/server/ledger';
import { createTeam, createUser } from '../../src/lib/server/accounts';
import { watchAvailable, watchStream } from '../helpers/stream';

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

// A cap set or changed (by the admin, a team's owner, the user themselves) reached open pages only
// with the 30-second refresh: nothing announced it, and the streams' figures did not hold it.
describe(`open app streams and caps, on ${backend}`, () => {
	const capsSent = (f: { caps?: { memberUserId: string | null; limitTokens: number; siteDefault: boolean }[] }) =>
		(f.caps ?? []).map((c) => `${c.memberUserId ? 'member' : 'account'}:${c.limitTokens}${c.siteDefault ? ':default' : ''}`).join(',');
	const events = (s: { text: { seen: string } }) => s.text.seen.match(/event: balance/g)?.length ?? 0;

	it("send an account's new caps at once: its own, a member's in a team pool, the site's default", async () => {
		const owner = await person('Cleo');
		const team = await createTeam(db.orm, { name: `Caps ${randomUUID().slice(0, 6)}`, ownerUserId: owner.id });
		const own = watchStream(db, owner.accountId, capsSent, { caps: true });
		const pool = watchStream(db, team.accountId, capsSent, { caps: true });
		// A stream without the caps (the API's) has nothing new to send.
		const api = watchAvailable(db, owner.accountId);
		try {
			await expect.poll(() => [own, pool, api].every((s) => events(s) === 1)).toBe(true);
			await setCap(db.orm, { accountId: owner.accountId, period: 'daily', limitTokens: 500, setByUserId: owner.id });
			await expect.poll(() => own.text.seen).toContain('data: "account:500"\n');
			await db.orm.transaction((tx) => setCap(tx, { accountId: team.accountId, memberUserId: owner.id, period: 'daily', limitTokens: 70 }));
			await expect.poll(() => pool.text.seen).toContain('data: "member:70"\n');
			await setCap(db.orm, { accountId: owner.accountId, period: 'daily', limitTokens: null });
			await expect.poll(() => events(own)).toBe(3);
			expect(own.text.seen.endsWith('data: ""\n\n')).toBe(true);
			await updateSiteSettings(db.orm, { defaultTeamDailyCap: 9_000 });
			await expect.poll(() => pool.text.seen).toContain('data: "account:9000:default,member:70"\n');
			await new Promise((r) => setTimeout(r, 300));
			expect(events(api)).toBe(1);
		} finally {
			await updateSiteSettings(db.orm, { defaultTeamDailyCap: null });
			await Promise.all([own, pool, api].map((s) => s.stop()));
		}
	});
});

