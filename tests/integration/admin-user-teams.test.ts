import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { freshDb } from '../helpers/db';
import { configureRates, expectInvariants, makeTeamWithMember, makeUser, outcome } from '../helpers/ledger';
import type { Db } from '../../src/lib/server/db/client';
import { teamMembers } from '../../src/lib/server/db/schema';
import { accountDetail, accountUses, listAccounts } from '../../src/lib/server/admin';
import { consume, grant, hold, lastPoolUseDaySql, settle, poolUsedSinceSql, refreshAccountFigures, setAllowanceRule, setCap, siteMonthStart } from '../../src/lib/server/ledger';
import { queryRows } from '../../src/lib/server/db/client';
import { personUsesSql } from '../../src/lib/server/ledger/history';
import { setDb } from '../../src/lib/server/db';
import { makeWorld, callerAs } from '../helpers/world';

// A newcomer found a member stopped by their team's daily cap of 300 after spending 300 of the
// pool's tokens, while the console said "0 used today" on their page and "No tokens used yet" on the
// users list, and named neither the team nor the cap. The console's user page and list now say what
// the Team page says of them. Another found that once the member left the team the console said they
// had never used a token: what they spent from a pool stays theirs, in or out of its team.

let db: Db;
beforeAll(async () => {
	db = await freshDb();
	await configureRates(db);
});
afterAll(async () => db?.close());

const spend = (accountId: string, userId: string, units: number) =>
	consume(db.orm, { accountId, feature: 'search_images', units, actor: { userId }, idempotency: { scope: 'admin-user-teams', key: randomUUID() } });

describe("a user's teams on the console", () => {
	it("names each team with their role, what they spent from its pool and the cap that stopped them, and the list adds the pools' tokens", async () => {
		const { team, owner, member } = await makeTeamWithMember(db, 10_000);
		// The figures summary as of before their use: its next refresh recomputes only what changed since.
		await refreshAccountFigures(db.orm, { full: true });
		await setCap(db.orm, { accountId: team.accountId, memberUserId: member.userId, period: 'daily', limitTokens: 300 });
		await spend(team.accountId, member.userId, 30);
		// The cap stops them: the console says so, as the Team page does.
		expect(await outcome(spend(team.accountId, member.userId, 1))).not.toBe('ok');
		const { name } = (await db.rows<{ name: string }>(sql`select name from teams where id = ${team.teamId}::uuid`))[0]!;

		const detail = await accountDetail(db.orm, member.accountId);
		expect(detail.teams).toEqual([
			{
				teamId: team.teamId,
				accountId: team.accountId,
				name,
				role: 'member',
				usedToday: 300,
				usedThisMonth: 300,
				cap: expect.objectContaining({ limitOf: 'member', period: 'daily', limit: 300, used: 300, left: 0, resetsAt: expect.any(String) })
			}
		]);
		expect(detail.autoTopup).toBeNull();
		expect(detail.members).toEqual([]);
		// The team's own page names who draws from its pool, owner first, with the same figures and cap.
		const people = await db.rows<{ id: string; name: string; email: string }>(sql`select id, name, email from users where id in (${owner.userId}::uuid, ${member.userId}::uuid)`);
		const person = (userId: string) => people.find((p) => p.id === userId)!;
		expect((await accountDetail(db.orm, team.accountId)).members).toEqual([
			{ userId: owner.userId, accountId: owner.accountId, name: person(owner.userId).name, email: person(owner.userId).email, role: 'owner', usedToday: 0, usedThisMonth: 0, cap: null },
			{ userId: member.userId, accountId: member.accountId, name: person(member.userId).name, email: person(member.userId).email, role: 'member', usedToday: 300, usedThisMonth: 300, cap: detail.teams[0]!.cap }
		]);
		// The owner spent nothing from it, and no cap holds them.
		expect((await accountDetail(db.orm, owner.accountId)).teams).toEqual([expect.objectContaining({ role: 'owner', usedToday: 0, usedThisMonth: 0, cap: null })]);

		// The list: their own account used nothing; the pool's 300 are said beside it.
		const email = (await db.rows<{ email: string }>(sql`select email from users where id = ${member.userId}::uuid`))[0]!.email;
		const [row] = (await listAccounts(db.orm, { search: email })).rows;
		const { today } = (await db.rows<{ today: string }>(sql`select to_char((now() at time zone time_zone)::date, 'YYYY-MM-DD') as today from site_settings where id = 1`))[0]!;
		// Their last use of tokens is the pool's, today: not "No tokens used yet".
		expect(row).toMatchObject({ accountId: member.accountId, usedThisPeriod: 0, usedFromTeams: 300, lastActiveDay: today });
		expect(detail.poolUse).toEqual({ today: 300, month: 300 });
		const teamRow = (await listAccounts(db.orm, { search: name })).rows.find((r) => r.accountId === team.accountId);
		expect(teamRow).toMatchObject({ usedThisPeriod: 300, usedFromTeams: 0 });

		// Out of the team, what they spent from its pool is still theirs: the list and their page still say it.
		await db.orm.delete(teamMembers).where(sql`${teamMembers.userId} = ${member.userId}::uuid`);
		const after = await accountDetail(db.orm, member.accountId);
		expect(after.teams).toEqual([]);
		expect((await accountDetail(db.orm, team.accountId)).members.map((m) => m.userId)).toEqual([owner.userId]);
		expect(after.poolUse).toEqual({ today: 300, month: 300 });
		expect((await listAccounts(db.orm, { search: email })).rows[0]).toMatchObject({ usedThisPeriod: 0, usedFromTeams: 300, lastActiveDay: today });
		// The owner spent nothing, from the pool or their own account.
		const ownerEmail = (await db.rows<{ email: string }>(sql`select email from users where id = ${owner.userId}::uuid`))[0]!.email;
		expect((await listAccounts(db.orm, { search: ownerEmail })).rows[0]).toMatchObject({ usedFromTeams: 0, lastActiveDay: null });
		expect((await accountDetail(db.orm, owner.accountId)).poolUse).toEqual({ today: 0, month: 0 });
		// The list's "Last token use" order (the figures summary) agrees with the date it shows them.
		expect(await refreshAccountFigures(db.orm)).toMatchObject({ full: false });
		const summary = await db.rows<{ day: string | null }>(sql`select to_char(last_active_day, 'YYYY-MM-DD') as day from account_figures where account_id = ${member.accountId}::uuid`);
		expect(summary).toEqual([{ day: today }]);
		await expectInvariants(db);
	});

	it("reads a person's pool use by actor (usage_daily_actor_idx), not through every pool's usage", async () => {
		const plan = await db.orm.transaction(async (tx) => {
			// The test database is small enough that a sequential scan would win; the question is whether the index can serve.
			await tx.execute(sql`set local enable_seqscan = off`);
			const id = sql`${randomUUID()}`;
			const rows = await queryRows<Record<string, string>>(tx, sql`explain select ${poolUsedSinceSql(id, siteMonthStart)}, ${lastPoolUseDaySql(id)}`);
			return rows.map((r) => Object.values(r)[0]).join('\n');
		});
		expect(plan.match(/usage_daily_actor_idx/g), plan).toHaveLength(2);
	});

	it('says the auto top-up rule of the account, with its package', async () => {
		const user = await makeUser(db);
		const product = `topup-${randomUUID().slice(0, 8)}`;
		await db.orm.execute(sql`insert into products (id, kind, name, grants, price_cents) values (${product}, 'one_time', 'Top-up 5k', '[]'::jsonb, 500)`);
		await db.orm.execute(sql`insert into topup_rules (account_id, enabled, below_tokens, product_id, max_per_month) values (${user.accountId}::uuid, true, 1000, ${product}, 3)`);
		expect((await accountDetail(db.orm, user.accountId)).autoTopup).toEqual({ enabled: true, belowTokens: 1000, productName: 'Top-up 5k', offReason: null });
	});
});

describe("a member's uses on the console", () => {
	it("lists every use newest first, a page at a time, from the member's Usage reader: the ones a free allowance paid whole too, which the statement leaves out", async () => {
		setDb(db);
		const w = await makeWorld(db);
		const admin = await callerAs(w.auth.siteAdmin, '10.9.0.2');
		const nina = w.users.memberB;
		await grant(db.orm, { accountId: nina.accountId, tokens: 1_000, source: 'purchase' });
		await setAllowanceRule(db.orm, { module: 'product', audience: 'member', userId: nina.id, limitTokens: 50, period: 'daily' });
		// 30 from the free allowance alone; then 20 from it and 10 from her lot; then 30 from her lot.
		const uses = [];
		for (let i = 0; i < 3; i++) uses.push(await spend(nina.accountId, nina.id, 3));

		const first = await admin.ledger.history({ accountId: nina.accountId, limit: 2 });
		expect(first.rows.map((r) => r.id)).toEqual([uses[2]!, uses[1]!].map((u) => u.operationId));
		expect(first.rows[0]).toMatchObject({ featureName: 'Search images', tokensUsed: 30, paidBy: [expect.objectContaining({ type: 'lot', tokens: 30 })] });
		expect(first.rows[1]!.paidBy).toEqual([expect.objectContaining({ type: 'allowance', label: 'product', tokens: 20 }), expect.objectContaining({ type: 'lot', tokens: 10 })]);
		// "Show more": the oldest use, paid by the allowance alone, and nothing after it.
		const more = await admin.ledger.history({ accountId: nina.accountId, limit: 2, cursor: first.nextCursor });
		expect(more.rows.map((r) => r.id)).toEqual([uses[0]!.operationId]);
		expect(more.rows[0]!.paidBy).toEqual([expect.objectContaining({ type: 'allowance', tokens: 30 })]);
		expect(more.nextCursor).toBeNull();
		// The statement lists the movements of her balance only: that use is not among them.
		const statementIds = (await admin.ledger.statement({ accountId: nina.accountId })).rows.map((r) => r.id);
		expect(statementIds).not.toContain(uses[0]!.operationId);
		expect(statementIds).toEqual(expect.arrayContaining([uses[1]!.operationId, uses[2]!.operationId]));
		await expectInvariants(db);
	});
});

describe("a person's uses of team pools on their console page", () => {
	it('lists them among their own, newest first, each naming the pool that paid, 4 at a time through a month of days; in the team or not, and never another member\'s use', async () => {
		setDb(db);
		const { team: acme, owner, member: cleo } = await makeTeamWithMember(db, 100_000);
		const { team: north } = await makeTeamWithMember(db, 100_000);
		await db.orm.insert(teamMembers).values({ teamId: north.teamId, userId: cleo.userId, role: 'member' });
		await grant(db.orm, { accountId: cleo.accountId, tokens: 1_000, source: 'purchase' });
		const named = async (t: { teamId: string }) => (await db.rows<{ name: string }>(sql`select name from teams where id = ${t.teamId}::uuid`))[0]!.name;
		const pools = new Map([[acme.accountId, await named(acme)], [north.accountId, await named(north)]]);
		const at = (daysAgo: number, minutes = 0) => new Date(Date.now() - daysAgo * 86_400_000 - minutes * 60_000);
		const use = (accountId: string, userId: string, effectiveAt: Date) =>
			consume(db.orm, { accountId, feature: 'search_images', units: 1, actor: { userId }, idempotency: { scope: 'admin-user-uses', key: randomUUID() }, effectiveAt });

		// A month of days: Cleo's own account, Acme's pool and North's in turn; the owner uses Acme's pool every day, and more often.
		const cleos: { id: string; pool: string | null }[] = [];
		for (let day = 30; day >= 1; day--) {
			for (let i = 0; i < 3; i++) await use(acme.accountId, owner.userId, at(day, 30 + i));
			const accountId = [cleo.accountId, acme.accountId, north.accountId][day % 3]!;
			const r = await use(accountId, cleo.userId, at(day));
			cleos.unshift({ id: r.operationId, pool: accountId === cleo.accountId ? null : pools.get(accountId)! });
		}
		// Today: a reply streamed from Acme's pool, held and settled: the settle is hers, as the hold was.
		const held = await hold(db.orm, { accountId: acme.accountId, feature: 'search_images', maxTokens: 100, ttlSeconds: 60, actor: { userId: cleo.userId }, idempotency: { scope: 'admin-user-uses', key: randomUUID() } });
		const settled = await settle(db.orm, held.holdId, 40, { scope: 'admin-user-uses', key: randomUUID() });
		cleos.unshift({ id: settled.operationId, pool: pools.get(acme.accountId)! });
		// She leaves Acme: what she spent from its pool is still hers.
		await db.orm.delete(teamMembers).where(sql`${teamMembers.userId} = ${cleo.userId}::uuid and ${teamMembers.teamId} = ${acme.teamId}::uuid`);

		const admin = await callerAs((await makeWorld(db)).auth.siteAdmin, '10.9.0.3');
		const listed: { id: string; pool: string | null }[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page: Awaited<ReturnType<typeof admin.admin.users.uses>> = await admin.admin.users.uses({ accountId: cleo.accountId, limit: 4, cursor });
			expect(page.rows.length).toBeLessThanOrEqual(4);
			listed.push(...page.rows.map((r) => ({ id: r.id, pool: r.pool?.name ?? null })));
			cursor = page.nextCursor;
			pages++;
		} while (cursor);
		expect(listed).toEqual(cleos);
		expect(pages).toBe(8);
		const [first] = (await accountUses(db.orm, cleo.accountId, { limit: 1 })).rows;
		expect(first).toMatchObject({ featureName: 'Search images', tokensUsed: 40, actorName: expect.any(String), pool: { accountId: acme.accountId, name: pools.get(acme.accountId) }, hold: { held: 100, released: 60 } });
		// Acme's own page lists the pool's uses (hers and the owner's), none of North's, and names her on the settle.
		const acmeUses = await accountUses(db.orm, acme.accountId, { limit: 200 });
		expect(acmeUses.rows).toHaveLength(30 * 3 + 10 + 1);
		expect(acmeUses.rows.every((r) => r.pool === null)).toBe(true);
		expect(acmeUses.rows[0]).toMatchObject({ id: settled.operationId, actorUserId: cleo.userId });
		// The owner used only Acme's pool: their page lists those, and none of Cleo's.
		const ownerUses = (await accountUses(db.orm, owner.accountId, { limit: 200 })).rows;
		expect(ownerUses).toHaveLength(90);
		expect(new Set(ownerUses.map((r) => r.actorUserId))).toEqual(new Set([owner.userId]));
		await expect(admin.admin.users.uses({ accountId: cleo.accountId, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
		await expectInvariants(db);
	});

	it("reads a person's pool uses by actor (usage_daily_actor_idx) and each day's along its pool's operations_history_idx, not every operation", async () => {
		const person = { accountId: randomUUID(), userId: randomUUID() };
		for (const after of [null, { at: new Date().toISOString(), id: randomUUID() }]) {
			const plan = await db.orm.transaction(async (tx) => {
				// The test database is small enough that a sequential scan would win; the question is whether the indexes can serve.
				await tx.execute(sql`set local enable_seqscan = off`);
				const rows = await queryRows<Record<string, string>>(tx, sql`explain ${personUsesSql(person, 20, after)}`);
				return rows.map((r) => Object.values(r)[0]).join('\n');
			});
			expect(plan, plan).toContain('usage_daily_actor_idx');
			expect(plan.match(/operations_history_idx/g)?.length, plan).toBe(2);
			expect(plan, plan).not.toMatch(/Seq Scan on (operations|usage_daily)|operations_created_idx/);
		}
	});
});
