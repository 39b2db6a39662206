// A host site spends from a team's pool for one of its members (`member` with `team` on consume, hold and check):
// the use is that member's as in the app's own pages (their cap on the pool applies, the team page counts it as
// theirs); without `member` it is the team's alone; a `member` not in the team is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { backend } from '../helpers/db';
import { callJson } from '../helpers/http';
import { bearer, member as ownUser, MEMBER_PASSWORD, openRestApi } from '../helpers/api-fixture';
import { expectInvariants, makeTeamWithMember } from '../helpers/ledger';
import { teamMembers, users } from '../../src/lib/server/db/schema';
import { removeMember, signIn } from '../../src/lib/server/accounts';
import { readOne } from '../../src/lib/server/db/reads';
import type { Db } from '../../src/lib/server/db/client';
import { balances, setCap, viewerAvailableRead } from '../../src/lib/server/ledger';

let db: Db;
let site: string;
beforeAll(async () => void ({ db, site } = await openRestApi()));
afterAll(async () => db?.close());

let k = 0;
const post = (path: string, body: Record<string, unknown>, key = site) => callJson(path, { headers: bearer(key, { 'idempotency-key': `team-member-${backend}-${++k}` }), body });
/** Who each use of the pool (and each refusal) is credited to (null: the team's own) and how it ended, oldest first. */
/** The pool's figures, but when they were read. */
const figures = async (accountId: string) => ({ ...(await balances(db.orm, accountId)), asOf: undefined });
const spenders = async (accountId: string) =>
	(await db.rows<{ user: string | null; kind: string }>(sql`select actor_user_id::text as user, kind || ' ' || coalesce(code, status) as kind from operations where account_id = ${accountId}::uuid and kind in ('consume', 'hold') order by created_at, id`)).map((r) => [r.user, r.kind]);

describe(`a site key spending from a team pool for a member, on ${backend}`, () => {
	it('consume, hold and check with member are that member’s: their cap applies and their use is theirs; without member, the team’s', async () => {
		const { team, member: m } = await makeTeamWithMember(db, 5000);
		await db.orm.update(users).set({ externalId: `host-${m.userId}` }).where(eq(users.id, m.userId));
		await setCap(db.orm, { accountId: team.accountId, memberUserId: m.userId, period: 'daily', limitTokens: 100 });

		const used = await post('/api/v1/consume', { team: team.teamId, member: `host-${m.userId}`, feature: 'search_images', units: 3 });
		expect(used.status, JSON.stringify(used.json)).toBe(200);
		// What the member's dashboard says their cap leaves them, after a use through the API.
		expect((await readOne(db.orm, viewerAvailableRead(team.accountId, m.userId))).capBound).toMatchObject({ tokens: 100 - used.json.cost });

		// Over what their cap leaves: the check says so, the consume is refused, nothing moves.
		const before = await figures(team.accountId);
		const checked = await post('/api/v1/check', { team: team.teamId, member: m.userId, feature: 'search_images', units: 10 });
		expect({ status: checked.status, allowed: checked.json.allowed, reason: checked.json.reason }).toEqual({ status: 200, allowed: false, reason: 'cap_reached' });
		const over = await post('/api/v1/consume', { team: team.teamId, member: m.userId, feature: 'search_images', units: 10 });
		expect({ status: over.status, error: over.json.error }).toEqual({ status: 402, error: 'cap_reached' });
		expect(await figures(team.accountId)).toEqual(before);

		// A hold for the member is theirs too; the team's own use (no member) is bound by no member's cap.
		const held = await post('/api/v1/holds', { team: team.teamId, member: m.userId, feature: 'search_images', max_tokens: 20 });
		expect(held.status, JSON.stringify(held.json)).toBe(201);
		const teams = await post('/api/v1/consume', { team: team.teamId, feature: 'search_images', units: 10 });
		expect(teams.status, JSON.stringify(teams.json)).toBe(200);
		expect(await spenders(team.accountId)).toEqual([[m.userId, 'consume ok'], [m.userId, 'consume cap_reached'], [m.userId, 'hold ok'], [null, 'consume ok']]);
		// The pool's usage names who spent each use as the API takes them back (the site's id), newest first; the team's own names no one.
		const usage = await callJson(`/api/v1/usage?team=${team.teamId}`, { headers: bearer(site) });
		expect(usage.json.data.map((d: { user_id: string | null; tokens_used: number }) => [d.user_id, d.tokens_used])).toEqual([[null, teams.json.cost], [`host-${m.userId}`, used.json.cost]]);
		await expectInvariants(db);
	});

	it("what a member's consume, hold and settle say is left is what their cap leaves, as their next check says; the team's own use says the pool's", async () => {
		const { team, member: m } = await makeTeamWithMember(db, 5000);
		await setCap(db.orm, { accountId: team.accountId, memberUserId: m.userId, period: 'daily', limitTokens: 100 });
		const spendable = async () => (await post('/api/v1/check', { team: team.teamId, member: m.userId, feature: 'search_images', units: 1 })).json.spendable;

		const used = await post('/api/v1/consume', { team: team.teamId, member: m.userId, feature: 'search_images', units: 3 });
		expect(used.status, JSON.stringify(used.json)).toBe(200);
		expect(used.json.remaining).toBe(100 - used.json.cost);
		expect(await spendable()).toBe(used.json.remaining);

		const held = await post('/api/v1/holds', { team: team.teamId, member: m.userId, feature: 'search_images', max_tokens: 20 });
		expect(held.json.remaining).toBe(100 - used.json.cost - 20);
		expect(await spendable()).toBe(held.json.remaining);
		const settled = await post(`/api/v1/holds/${held.json.hold_id}/settle`, { tokens: 5 });
		expect(settled.status, JSON.stringify(settled.json)).toBe(200);
		expect(settled.json.remaining).toBe(100 - used.json.cost - 5);
		expect(await spendable()).toBe(settled.json.remaining);

		// The team's own use is bound by no member's cap: it says what the pool has left.
		const pool = await figures(team.accountId);
		const teams = await post('/api/v1/consume', { team: team.teamId, feature: 'search_images', units: 1 });
		expect(teams.json.remaining).toBe(pool.available - teams.json.cost);
		await expectInvariants(db);
	});

	it('a member not in the team, member without team, or member from a signed-in caller: refused naming member, nothing spent or made', async () => {
		const { team } = await makeTeamWithMember(db, 5000);
		const outsider = await ownUser(db, 0);
		const signedIn = await ownUser(db, 0);
		await db.orm.insert(teamMembers).values({ teamId: team.teamId, userId: signedIn.id, role: 'member' });
		const before = await figures(team.accountId);
		const usersBefore = await db.rows(sql`select count(*)::int as n from users`);
		const refusals: [string, Record<string, unknown>, number, string][] = [
			['/api/v1/consume', { team: team.teamId, member: outsider.id, feature: 'search_images', units: 1 }, 422, `member "${outsider.id}" is not a member of this team: name one of its members (your site's user id or a Quota user id), or leave member out.`],
			['/api/v1/holds', { team: team.teamId, member: 'host-nobody', feature: 'search_images', max_tokens: 5 }, 422, 'member "host-nobody" is not a member of this team: name one of its members (your site\'s user id or a Quota user id), or leave member out.'],
			['/api/v1/check', { team: team.teamId, member: 'host-nobody', feature: 'search_images', units: 1 }, 422, 'member "host-nobody" is not a member of this team: name one of its members (your site\'s user id or a Quota user id), or leave member out.'],
			['/api/v1/consume', { user: outsider.id, member: outsider.id, feature: 'search_images', units: 1 }, 400, 'member goes with team: the member spending from its pool. Leave it out for a user or a guest.']
		];
		for (const [path, body, status, words] of refusals) {
			const r = await post(path, body);
			expect({ status: r.status, error: r.json.error, message: r.json.message, member: r.json.details?.fieldErrors?.member }, `${path} ${JSON.stringify(body)}`).toEqual({ status, error: 'invalid_input', message: words, member: [words] });
		}
		// A member signed in spends as themselves: naming a member is for site keys.
		const session = await signIn(db, { email: signedIn.email!, password: MEMBER_PASSWORD });
		const asSelf = await callJson('/api/v1/consume', { headers: { cookie: `quota_session=${session.token}`, 'idempotency-key': `team-member-${backend}-${++k}` }, body: { team: team.teamId, member: signedIn.id, feature: 'search_images', units: 1 } });
		expect({ status: asSelf.status, error: asSelf.json.error, message: asSelf.json.message }).toEqual({ status: 422, error: 'invalid_input', message: 'member is for site keys: signed in, you spend as yourself. Leave it out.' });
		// An account key is its own account's: it names no team, so no member either.
		const own = await post('/api/v1/consume', { member: outsider.id, feature: 'search_images', units: 1 }, outsider.key);
		expect({ status: own.status, error: own.json.error }).toEqual({ status: 400, error: 'invalid_input' });
		expect(await figures(team.accountId)).toEqual(before);
		expect(await db.rows(sql`select count(*)::int as n from users`)).toEqual(usersBefore);
		await expectInvariants(db);
	});

	it("a member named by their account id (the console's address) is refused naming the member id to send, as team and user are", async () => {
		const { team, member: m } = await makeTeamWithMember(db, 5000);
		const before = await figures(team.accountId);
		const words = `member=${m.accountId} is an account id, not a user id: send member=${m.userId} for that member.`;
		for (const [path, body] of [
			['/api/v1/consume', { team: team.teamId, member: m.accountId, feature: 'search_images', units: 1 }],
			['/api/v1/holds', { team: team.teamId, member: m.accountId, feature: 'search_images', max_tokens: 5 }],
			['/api/v1/check', { team: team.teamId, member: m.accountId, feature: 'search_images', units: 1 }]
		] as const) {
			const r = await post(path, body);
			expect({ status: r.status, error: r.json.error, message: r.json.message, member: r.json.details?.fieldErrors?.member }, path).toEqual({ status: 422, error: 'invalid_input', message: words, member: [words] });
		}
		// The pool's own account id names no member: the refusal stays the plain one.
		const pool = await post('/api/v1/check', { team: team.teamId, member: team.accountId, feature: 'search_images', units: 1 });
		expect(pool.json.message).toBe(`member "${team.accountId}" is not a member of this team: name one of its members (your site's user id or a Quota user id), or leave member out.`);
		expect(await figures(team.accountId)).toEqual(before);
	});

	it('one idempotency key is one spender: the same key for another member, or for the team, is idempotency_key_reused and spends nothing', async () => {
		const { team, owner, member: m } = await makeTeamWithMember(db, 5000);
		for (const [path, amounts] of [
			['/api/v1/consume', { units: 2 }],
			['/api/v1/holds', { max_tokens: 20 }]
		] as const) {
			const keyed = (body: Record<string, unknown>) => callJson(path, { headers: bearer(site, { 'idempotency-key': `team-member-${backend}-same-${path}-${team.teamId}` }), body: { team: team.teamId, feature: 'search_images', ...amounts, ...body } });
			const first = await keyed({ member: m.userId });
			expect(first.status, JSON.stringify(first.json)).toBe(path === '/api/v1/holds' ? 201 : 200);
			// The same request again is the first answer; before, another member's (or the team's own) replayed it too,
			// so their use was never made and the host site took it for made.
			expect((await keyed({ member: m.userId })).json).toEqual(first.json);
			const before = await figures(team.accountId);
			for (const other of [{ member: owner.userId }, {}]) {
				const r = await keyed(other);
				expect({ status: r.status, error: r.json.error }, `${path} ${JSON.stringify(other)}`).toEqual({ status: 422, error: 'idempotency_key_reused' });
			}
			expect(await figures(team.accountId)).toEqual(before);
		}
		expect(await spenders(team.accountId)).toEqual([[m.userId, 'consume ok'], [m.userId, 'hold ok']]);
	});

	it('a retry of a member’s use after they left the team replays its answer; a new use for them is refused', async () => {
		const { team, owner, member: m } = await makeTeamWithMember(db, 5000);
		await db.orm.update(users).set({ externalId: `host-left-${m.userId}` }).where(eq(users.id, m.userId));
		const keyed = (key: string, path: string, body: Record<string, unknown>) =>
			callJson(path, { headers: bearer(site, { 'idempotency-key': `team-member-${backend}-left-${key}-${team.teamId}` }), body: { team: team.teamId, feature: 'search_images', ...body } });
		const used = await keyed('c', '/api/v1/consume', { member: `host-left-${m.userId}`, units: 2 });
		const held = await keyed('h', '/api/v1/holds', { member: m.userId, max_tokens: 20 });
		expect([used.status, held.status], JSON.stringify([used.json, held.json])).toEqual([200, 201]);
		await removeMember(db, { teamId: team.teamId, userId: m.userId }, { userId: owner.userId, siteAdmin: false });
		const before = await figures(team.accountId);
		// The host's retry (its connection dropped) gets the use that was made, by either id of the member:
		// refused, it would take the use for not made, and make it again.
		const again = await keyed('c', '/api/v1/consume', { member: `host-left-${m.userId}`, units: 2 });
		expect({ status: again.status, body: again.json, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 200, body: used.json, replayed: 'true' });
		expect((await keyed('c', '/api/v1/consume', { member: m.userId, units: 2 })).json).toEqual(used.json);
		expect((await keyed('h', '/api/v1/holds', { member: m.userId, max_tokens: 20 })).json).toEqual(held.json);
		// A new use for them, or the same key for someone else who is not in the team, is refused; nothing moves.
		const fresh = await keyed('new', '/api/v1/consume', { member: m.userId, units: 2 });
		expect({ status: fresh.status, error: fresh.json.error }).toEqual({ status: 422, error: 'invalid_input' });
		const stranger = await keyed('c', '/api/v1/consume', { member: 'host-nobody', units: 2 });
		expect({ status: stranger.status, error: stranger.json.error }).toEqual({ status: 422, error: 'invalid_input' });
		expect(await figures(team.accountId)).toEqual(before);
		expect(await spenders(team.accountId)).toEqual([[m.userId, 'consume ok'], [m.userId, 'hold ok']]);
		await expectInvariants(db);
	});

	it('signed in, a retry of their use of a team’s pool after they left it replays its answer; a new use there is refused', async () => {
		const { team, owner } = await makeTeamWithMember(db, 5000);
		const person = await ownUser(db, 0);
		await db.orm.insert(teamMembers).values({ teamId: team.teamId, userId: person.id, role: 'member' });
		const session = await signIn(db, { email: person.email!, password: MEMBER_PASSWORD });
		const keyed = (key: string, path: string, body: Record<string, unknown>) =>
			callJson(path, { headers: { cookie: `quota_session=${session.token}`, 'idempotency-key': `team-session-${backend}-${key}-${team.teamId}` }, body: { team: team.teamId, feature: 'search_images', ...body } });
		const used = await keyed('c', '/api/v1/consume', { units: 2 });
		const held = await keyed('h', '/api/v1/holds', { max_tokens: 20 });
		expect([used.status, held.status], JSON.stringify([used.json, held.json])).toEqual([200, 201]);
		await removeMember(db, { teamId: team.teamId, userId: person.id }, { userId: owner.userId, siteAdmin: false });
		const before = await figures(team.accountId);
		// Their app's retry (the answer lost on a train's tunnel) gets the use that was made.
		const again = await keyed('c', '/api/v1/consume', { units: 2 });
		expect({ status: again.status, body: again.json, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 200, body: used.json, replayed: 'true' });
		expect((await keyed('h', '/api/v1/holds', { max_tokens: 20 })).json).toEqual(held.json);
		// A new use, or another person's retry of a key they never sent, is refused as for any pool they may not use.
		const fresh = await keyed('new', '/api/v1/consume', { units: 2 });
		expect({ status: fresh.status, error: fresh.json.error }).toEqual({ status: 403, error: 'forbidden' });
		const checked = await keyed('check', '/api/v1/check', { units: 2 });
		expect({ status: checked.status, error: checked.json.error }).toEqual({ status: 403, error: 'forbidden' });
		const outsider = await ownUser(db, 0);
		const theirs = await signIn(db, { email: outsider.email!, password: MEMBER_PASSWORD });
		const stranger = await callJson('/api/v1/consume', { headers: { cookie: `quota_session=${theirs.token}`, 'idempotency-key': `team-session-${backend}-c-${team.teamId}` }, body: { team: team.teamId, feature: 'search_images', units: 2 } });
		expect({ status: stranger.status, error: stranger.json.error }).toEqual({ status: 403, error: 'forbidden' });
		expect(await figures(team.accountId)).toEqual(before);
		expect(await spenders(team.accountId)).toEqual([[person.id, 'consume ok'], [person.id, 'hold ok']]);
		// The hold they opened is still theirs to close: the pool pays what the use took, and gets the rest back
		// (refused, the hold would run out and the pool would pay nothing for a use that was made). Not anyone else's.
		const holdId = held.json.hold_id as string;
		const close = (token: string, tokens: number) =>
			callJson(`/api/v1/holds/${holdId}/settle`, { headers: { cookie: `quota_session=${token}`, 'idempotency-key': `team-session-${backend}-settle-${holdId}-${token.slice(0, 6)}` }, body: { tokens } });
		const notTheirs = await close(theirs.token, 5);
		expect({ status: notTheirs.status, error: notTheirs.json.error }).toEqual({ status: 404, error: 'not_found' });
		const settled = await close(session.token, 5);
		expect({ status: settled.status, cost: settled.json.cost, released: settled.json.released }, JSON.stringify(settled.json)).toEqual({ status: 200, cost: 5, released: 15 });
		expect(await figures(team.accountId)).toMatchObject({ available: before.available + 15, held: before.held - 20 });
		await expectInvariants(db);
	});

	it("a member named by their e-mail is refused naming the member id to send, as user is; an outsider's e-mail stays the plain refusal", async () => {
		const { team, member: m, owner } = await makeTeamWithMember(db, 5000);
		const email = `leo-${backend}-${m.userId.slice(0, 8)}@example.com`;
		await db.orm.update(users).set({ email, name: 'Leo Martin' }).where(eq(users.id, m.userId));
		const before = await figures(team.accountId);
		const words = `member=${email.toUpperCase()} is the e-mail of Leo Martin, a member of this team, not a user id: send member=${m.userId} for them.`;
		for (const [path, body] of [
			['/api/v1/consume', { team: team.teamId, member: email.toUpperCase(), feature: 'search_images', units: 1 }],
			['/api/v1/holds', { team: team.teamId, member: email.toUpperCase(), feature: 'search_images', max_tokens: 5 }],
			['/api/v1/check', { team: team.teamId, member: email.toUpperCase(), feature: 'search_images', units: 1 }],
			['/api/v1/embed-tokens', { team: team.teamId, member: email.toUpperCase() }]
		] as const) {
			const r = await post(path, body);
			expect({ status: r.status, error: r.json.error, message: r.json.message, member: r.json.details?.fieldErrors?.member }, path).toEqual({ status: 422, error: 'invalid_input', message: words, member: [words] });
		}
		// Someone's e-mail who is not in this team says no more than any other name of no member.
		const outsider = `out-${backend}-${owner.userId.slice(0, 8)}@example.com`;
		const other = await makeTeamWithMember(db, 1);
		await db.orm.update(users).set({ email: outsider }).where(eq(users.id, other.member.userId));
		const plain = await post('/api/v1/check', { team: team.teamId, member: outsider, feature: 'search_images', units: 1 });
		expect(plain.json.message).toBe(`member "${outsider}" is not a member of this team: name one of its members (your site's user id or a Quota user id), or leave member out.`);
		expect(await figures(team.accountId)).toEqual(before);
	});
});
