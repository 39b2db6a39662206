// What a member is told they used of a team's pool when they leave or are removed ("You used 90 tokens of
// its pool while you were a member"): their consumes and the holds they opened and settled, since they
// joined. A member who left and joined again the same day is told of this membership's use only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { freshDb, backend } from '../helpers/db';
import { configureRates, expectInvariants, makeTeamWithMember } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { consume, hold, settle, usedByActorSince } from '../../src/lib/server/ledger';

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

const idem = () => ({ scope: 'team-use-since', key: randomUUID() });

describe(`a member's use of a team's pool since they joined, on ${backend}`, () => {
	it('counts their consumes and settled holds from the moment they joined, not before it that day, nor others’ use', async () => {
		const { team, owner, member: m } = await makeTeamWithMember(db, 10_000);
		const use = (userId: string, units: number) => consume(db.orm, { accountId: team.accountId, feature: 'generate_texts', units, actor: { userId }, idempotency: idem() });
		const before = await use(m.userId, 2);
		// They joined again now: what they used before is the last membership's.
		const joined = new Date();
		expect(await usedByActorSince(db.orm, team.accountId, m.userId, joined)).toBe(0);

		const now = await use(m.userId, 1);
		const held = await hold(db.orm, { accountId: team.accountId, feature: 'generate_texts', maxTokens: 40, ttlSeconds: 600, actor: { userId: m.userId }, idempotency: idem() });
		expect((await settle(db.orm, held.holdId, 25, idem())).cost).toBe(25);
		await use(owner.userId, 3); // someone else's use of the pool
		expect(await usedByActorSince(db.orm, team.accountId, m.userId, joined)).toBe(now.cost + 25);
		// Since a day before: every use of theirs (the earlier days from the daily rollup).
		expect(await usedByActorSince(db.orm, team.accountId, m.userId, new Date(joined.getTime() - 86_400_000))).toBe(before.cost + now.cost + 25);
		await expectInvariants(db);
	});
});
