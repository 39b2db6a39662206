import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { freshDb, backend } from '../helpers/db';
import type { Db } from '../../src/lib/server/db/client';
import { accounts, teamMembers, teams, users } from '../../src/lib/server/db/schema';
import { applySettingsWrite, getSettings } from '../../src/lib/server/accounts/settings';
import { createSession } from '../../src/lib/server/accounts/sessions';
import { updateSiteSettings } from '../../src/lib/server/ledger';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

async function makeUser(name: string) {
	const [account] = await db.orm.insert(accounts).values({ kind: 'user', name }).returning();
	const [user] = await db.orm.insert(users).values({ accountId: account!.id, name, email: `${randomUUID()}@example.test` }).returning();
	return user!;
}

async function makeTeam(name: string, members: { userId: string; role: 'owner' | 'admin' | 'member' }[]) {
	const [account] = await db.orm.insert(accounts).values({ kind: 'team', name }).returning();
	const [team] = await db.orm.insert(teams).values({ accountId: account!.id, name }).returning();
	for (const m of members) await db.orm.insert(teamMembers).values({ teamId: team!.id, ...m });
	return team!;
}

const appliedCount = async (key: string) =>
	(await db.rows<{ n: number }>(sql`select count(*)::int as n from applied_client_writes where key = ${key}`))[0]!.n;

describe(`user settings on ${backend}`, () => {
	it('start from defaults: e-mail alerts on, the device\'s time zone, drawing from the own account', async () => {
		const ana = await makeUser('Ana');
		const s = await getSettings(db, ana.id);
		expect(s).toMatchObject({ emailAlerts: true, timeZone: null, activeAccountId: ana.accountId });
		expect(s.accounts).toEqual([{ accountId: ana.accountId, kind: 'user', name: 'Personal', teamId: null, role: null }]);
	});

	it("carry the site's time zone, whose days the usage filter and Reports count, beside the member's own", async () => {
		const kai = await makeUser('Kai');
		expect(await getSettings(db, kai.id)).toMatchObject({ timeZone: null, siteTimeZone: 'UTC' });
		await updateSiteSettings(db.orm, { timeZone: 'Asia/Tokyo' });
		try {
			const { settings } = await applySettingsWrite(db, kai.id, randomUUID(), { timeZone: 'Europe/Berlin' });
			expect(settings).toMatchObject({ timeZone: 'Europe/Berlin', siteTimeZone: 'Asia/Tokyo' });
		} finally {
			await updateSiteSettings(db.orm, { timeZone: 'UTC' });
		}
	});

	it('apply a change once per device key: a replay of the same key changes nothing, even after a newer change', async () => {
		const ben = await makeUser('Ben');
		const offlineKey = randomUUID();
		const first = await applySettingsWrite(db, ben.id, offlineKey, { emailAlerts: false, timeZone: 'Europe/Madrid' });
		expect(first.replayed).toBe(false);
		expect(first.settings).toMatchObject({ emailAlerts: false, timeZone: 'Europe/Madrid' });

		await applySettingsWrite(db, ben.id, randomUUID(), { timeZone: 'Asia/Tokyo' });
		const replay = await applySettingsWrite(db, ben.id, offlineKey, { emailAlerts: false, timeZone: 'Europe/Madrid' });
		expect(replay.replayed).toBe(true);
		expect(replay.settings.timeZone).toBe('Asia/Tokyo');
		expect(await appliedCount(offlineKey)).toBe(1);
	});

	it('apply concurrent replays of one key exactly once', async () => {
		const cleo = await makeUser('Cleo');
		const key = randomUUID();
		const results = await Promise.all(Array.from({ length: 5 }, () => applySettingsWrite(db, cleo.id, key, { emailAlerts: false })));
		expect(results.filter((r) => !r.replayed)).toHaveLength(1);
		expect((await getSettings(db, cleo.id)).emailAlerts).toBe(false);
	});

	it("refuse another user's key, and bad input, changing nothing", async () => {
		const dan = await makeUser('Dan');
		const eve = await makeUser('Eve');
		const key = randomUUID();
		await applySettingsWrite(db, dan.id, key, { emailAlerts: false });
		await expect(applySettingsWrite(db, eve.id, key, { emailAlerts: false })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
		await expect(applySettingsWrite(db, eve.id, randomUUID(), { timeZone: 'Mars/Olympus' })).rejects.toMatchObject({ code: 'invalid_input' });
		expect(await getSettings(db, eve.id)).toMatchObject({ emailAlerts: true, timeZone: null });
	});

	it('let a member draw from a team pool they belong to, and not from any other account', async () => {
		const fay = await makeUser('Fay');
		const gus = await makeUser('Gus');
		const team = await makeTeam('Acme', [{ userId: fay.id, role: 'member' }]);
		const other = await makeTeam('Other', [{ userId: gus.id, role: 'owner' }]);

		const picked = await applySettingsWrite(db, fay.id, randomUUID(), { activeAccountId: team.accountId });
		expect(picked.settings.activeAccountId).toBe(team.accountId);
		expect(picked.settings.accounts.map((a) => a.name)).toEqual(['Personal', 'Acme']);

		const refusedKey = randomUUID();
		await expect(applySettingsWrite(db, fay.id, refusedKey, { activeAccountId: other.accountId })).rejects.toMatchObject({ code: 'forbidden' });
		await expect(applySettingsWrite(db, fay.id, randomUUID(), { activeAccountId: gus.accountId })).rejects.toMatchObject({ code: 'forbidden' });
		expect((await getSettings(db, fay.id)).activeAccountId).toBe(team.accountId);
		// A refused write leaves its key unclaimed: nothing about it was recorded as applied.
		expect(await appliedCount(refusedKey)).toBe(0);
	});

	it('start a new session (a sign-in) on the own account, whatever pool was chosen before', async () => {
		const ida = await makeUser('Ida');
		const team = await makeTeam('Returners', [{ userId: ida.id, role: 'member' }]);
		await applySettingsWrite(db, ida.id, randomUUID(), { activeAccountId: team.accountId, emailAlerts: false });
		expect((await getSettings(db, ida.id)).activeAccountId).toBe(team.accountId);
		await createSession(db.orm, ida.id);
		expect(await getSettings(db, ida.id)).toMatchObject({ activeAccountId: ida.accountId, emailAlerts: false }); // the other settings stay
	});

	it('fall back to the own account after leaving the team that was picked', async () => {
		const hal = await makeUser('Hal');
		const team = await makeTeam('Leavers', [{ userId: hal.id, role: 'member' }]);
		await applySettingsWrite(db, hal.id, randomUUID(), { activeAccountId: team.accountId });
		await db.orm.delete(teamMembers).where(sql`user_id = ${hal.id}`);
		expect((await getSettings(db, hal.id)).activeAccountId).toBe(hal.accountId);
	});
});
