import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '../helpers/db';
import { makeTeam, makeUser } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { accountDetail } from '../../src/lib/server/admin';
import { setCap } from '../../src/lib/server/ledger';

// A user's page in the console lists what caps them: their account's own caps, and the caps each
// team set on their use of its pool (a newcomer found "No caps" for Leo, capped at 5,000 a day in
// his team, listed only on the team's page).

let db: Db;
beforeAll(async () => {
	db = await freshDb();
});
afterAll(async () => db?.close());

describe("a user's caps on the admin's user page", () => {
	it("lists the caps teams set on the user's use of their pools, with each team, beside the account's own", async () => {
		const user = await makeUser(db);
		const team = await makeTeam(db);
		const other = await makeTeam(db);
		await setCap(db.orm, { accountId: team.accountId, memberUserId: user.userId, period: 'daily', limitTokens: 5_000 });
		await setCap(db.orm, { accountId: team.accountId, memberUserId: user.userId, period: 'weekly', limitTokens: 20_000 });
		await setCap(db.orm, { accountId: other.accountId, memberUserId: user.userId, period: 'monthly', limitTokens: 0 });
		await setCap(db.orm, { accountId: user.accountId, period: 'daily', limitTokens: 700 });
		const teamName = (id: string) => db.rows<{ name: string }>(sql`select name from teams where account_id = ${id}::uuid`).then((r) => r[0]!.name);

		const detail = await accountDetail(db.orm, user.accountId);
		expect(detail.caps).toEqual([{ memberUserId: null, memberName: null, period: 'daily', limitTokens: 700 }]);
		expect(detail.teamCaps).toEqual(
			[
				{ accountId: team.accountId, teamName: await teamName(team.accountId), period: 'daily', limitTokens: 5_000 },
				{ accountId: team.accountId, teamName: await teamName(team.accountId), period: 'weekly', limitTokens: 20_000 },
				{ accountId: other.accountId, teamName: await teamName(other.accountId), period: 'monthly', limitTokens: 0 }
			].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
		);

		// A cap removed is no longer listed; the team's own page still lists its member's caps.
		await setCap(db.orm, { accountId: other.accountId, memberUserId: user.userId, period: 'monthly', limitTokens: null });
		expect((await accountDetail(db.orm, user.accountId)).teamCaps.map((c) => c.accountId)).toEqual([team.accountId, team.accountId]);
		expect((await accountDetail(db.orm, team.accountId)).caps.map((c) => [c.memberUserId, c.period])).toEqual([
			[user.userId, 'daily'],
			[user.userId, 'weekly']
		]);
		// A team's page has no caps "on its use of other pools".
		expect((await accountDetail(db.orm, team.accountId)).teamCaps).toEqual([]);
	});
});
