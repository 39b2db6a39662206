import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { linkIn, useOutboxDb } from '../helpers/mail';
import { configureRates } from '../helpers/ledger';
import { consume, grant } from '../../src/lib/server/ledger';
import { applySettingsWrite } from '../../src/lib/server/accounts/settings';
import { randomUUID } from 'node:crypto';
import { callerKinds, makeWorld, type CallerKind, type World, callerAs } from '../helpers/world';
import { setDb } from '../../src/lib/server/db';
import { listNotifications } from '../../src/lib/server/alerts';
import { watchAvailable } from '../helpers/stream';
import { TRPCError } from '@trpc/server';
import {
	acceptInvite,
	activeAccount,
	changeMemberRole,
	createAccountKey,
	createSiteKey,
	createTeam,
	createUser,
	describeInvite,
	getTeam,
	inviteToTeam,
	leaveTeam,
	removeMember,
	renameTeam,
	requireAccountAccess,
	resendInvite,
	revokeInvite,
	setActiveAccount,
	setTeamCap,
	spendableAccounts,
	authenticateApiKey,
	type AccessLevel
} from '../../src/lib/server/accounts';

let w: World;
const bed = useOutboxDb({ prepare: async (db) => (w = await makeWorld(db)) });

const actor = (who: Exclude<CallerKind, 'guest'>) => ({ userId: w.users[who].id, siteAdmin: who === 'siteAdmin' });
const inviteToken = (link: string) => link.split('/invite/')[1]!;

describe('requireAccountAccess', () => {
	// Who may read / spend / manage memberA's personal account and memberA's team's account.
	const matrix: Record<'personal' | 'team', Record<CallerKind, AccessLevel[]>> = {
		personal: { guest: [], memberA: ['read', 'spend', 'manage'], memberB: [], teamMember: [], otherTeamAdmin: [], siteAdmin: ['read', 'spend', 'manage'] },
		team: { guest: [], memberA: ['read', 'spend', 'manage'], memberB: [], teamMember: ['read', 'spend'], otherTeamAdmin: [], siteAdmin: ['read', 'spend', 'manage'] }
	};
	for (const target of ['personal', 'team'] as const) {
		for (const who of callerKinds) {
			it(`${who} on memberA's ${target} account: ${matrix[target][who].join(', ') || 'nothing'}`, async () => {
				const accountId = target === 'personal' ? w.users.memberA.accountId : w.teamA.accountId;
				for (const level of ['read', 'spend', 'manage'] as const) {
					const outcome = await requireAccountAccess(bed.db, w.auth[who], accountId, level).then(
						(a) => (a.id === accountId ? 'allowed' : 'wrong account'),
						(e: { code: string }) => e.code
					);
					expect(`${level}: ${outcome}`).toBe(`${level}: ${matrix[target][who].includes(level) ? 'allowed' : who === 'guest' ? 'unauthorized' : 'forbidden'}`);
				}
			});
		}
	}

	it('answers "forbidden" for unknown and malformed account ids (no existence oracle)', async () => {
		for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "'; drop table accounts; --"]) {
			await expect(requireAccountAccess(bed.db, w.auth.memberB, id, 'read')).rejects.toMatchObject({ code: 'forbidden' });
		}
	});

	it('lets an account key act only on its own account and within its scopes; a site key on any', async () => {
		const readOnly = await createAccountKey(bed.db, w.auth.memberA!, { accountId: w.teamA.accountId, name: 'Team bot', scopes: ['read'] });
		const k = await authenticateApiKey(bed.db, readOnly.value);
		await expect(requireAccountAccess(bed.db, k, w.teamA.accountId, 'read')).resolves.toMatchObject({ id: w.teamA.accountId });
		await expect(requireAccountAccess(bed.db, k, w.teamA.accountId, 'spend')).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/consume scope/) });
		await expect(requireAccountAccess(bed.db, k, w.users.memberA.accountId, 'read')).rejects.toMatchObject({ code: 'forbidden' });
		await expect(requireAccountAccess(bed.db, k, w.teamA.accountId, 'manage')).rejects.toMatchObject({ code: 'forbidden' });

		const site = await authenticateApiKey(bed.db, (await createSiteKey(bed.db, w.auth.siteAdmin!, { name: 'Chatbot', scopes: ['consume', 'read'] })).value);
		for (const accountId of [w.users.memberB.accountId, w.teamB.accountId]) {
			await expect(requireAccountAccess(bed.db, site, accountId, 'spend')).resolves.toMatchObject({ id: accountId });
		}
		await expect(requireAccountAccess(bed.db, site, w.teamB.accountId, 'manage')).rejects.toMatchObject({ code: 'forbidden' });
	});
});

describe('teams and invitations', () => {
	it('invites by mail; the invited person accepts with the link and shares the pool', async () => {
		const invitee = await createUser(bed.db.orm, { email: `invitee-${w.tag}@example.com`, name: 'Invitee', emailConfirmed: true });
		const invite = await inviteToTeam(bed.db, { teamId: w.teamA.id, email: invitee.email!.toUpperCase(), role: 'member' }, actor('memberA'));
		expect(invite).toMatchObject({ email: invitee.email, role: 'member' });
		const mail = await bed.smtp.waitFor(invitee.email!);
		expect(mail.decoded).toMatch(new RegExp(`^Subject: MemberA ${w.tag} invited you to Team A ${w.tag} on Quota`, 'm'));
		const token = inviteToken(linkIn(mail, '/invite/'));
		await expect(describeInvite(bed.db, token)).resolves.toMatchObject({ teamName: `Team A ${w.tag}`, inviterName: `MemberA ${w.tag}`, email: invitee.email, usable: true });

		// Someone else holding the link cannot use it.
		await expect(acceptInvite(bed.db, token, { id: w.users.memberB.id, email: w.users.memberB.email })).rejects.toMatchObject({ code: 'forbidden' });
		const joined = await acceptInvite(bed.db, token, { id: invitee.id, email: invitee.email });
		expect(joined).toMatchObject({ teamId: w.teamA.id, alreadyMember: false });
		await expect(acceptInvite(bed.db, token, { id: invitee.id, email: invitee.email })).rejects.toMatchObject({ code: 'not_found' });
		await expect(describeInvite(bed.db, token)).resolves.toMatchObject({ usable: false });

		const accounts = await spendableAccounts(bed.db, invitee.id);
		expect(accounts.map((a) => [a.kind, a.role])).toEqual([['user', null], ['team', 'member']]);
		const team = await getTeam(bed.db, w.teamA.id, { userId: invitee.id, siteAdmin: false });
		expect(team.members.map((m) => m.userId)).toContain(invitee.id);
		expect(team.invites).toEqual([]);
		expect(team.canManage).toBe(false);
	});

	it('refuses invites from plain members, admin invites from admins, and members invited twice', async () => {
		await expect(inviteToTeam(bed.db, { teamId: w.teamA.id, email: 'x@example.com', role: 'member' }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		// Someone outside the team is answered as for a team that does not exist.
		await expect(inviteToTeam(bed.db, { teamId: w.teamA.id, email: 'x@example.com', role: 'member' }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'not_found' });
		await expect(inviteToTeam(bed.db, { teamId: w.teamB.id, email: 'x@example.com', role: 'admin' }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(inviteToTeam(bed.db, { teamId: w.teamA.id, email: w.users.teamMember.email!, role: 'member' }, actor('memberA'))).rejects.toMatchObject({ code: 'conflict', details: { fieldErrors: { email: ['Already in this team.'] } } });
		await expect(inviteToTeam(bed.db, { teamId: w.teamA.id, email: 'not an email', role: 'member' }, actor('memberA'))).rejects.toMatchObject({ code: 'invalid_input' });
	});

	it('refuses a second invitation to an address still invited, also when both are sent at once', async () => {
		const email = `twice-${w.tag}@example.com`;
		const both = await Promise.allSettled([1, 2].map(() => inviteToTeam(bed.db, { teamId: w.teamA.id, email, role: 'member' }, actor('memberA'))));
		expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(both.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'conflict', message: `${email} is already invited: send that invitation again instead.`, details: { fieldErrors: { email: ['Already invited.'] } } } });
		await expect(inviteToTeam(bed.db, { teamId: w.teamA.id, email: email.toUpperCase(), role: 'member' }, actor('memberA'))).rejects.toMatchObject({ code: 'conflict' });
		const team = await getTeam(bed.db, w.teamA.id, actor('memberA'));
		expect(team.invites.filter((i) => i.email === email)).toHaveLength(1);
	});

	it('resends a pending invitation with a new link valid 7 more days, and withdraws one so its link says so; both audited', async () => {
		const email = `pending-${w.tag}@example.com`;
		const invitee = await createUser(bed.db.orm, { email, name: 'Pending', emailConfirmed: true });
		const invite = await inviteToTeam(bed.db, { teamId: w.teamA.id, email, role: 'member' }, actor('memberA'));
		const first = inviteToken(linkIn(await bed.smtp.waitFor(email), '/invite/'));
		// Two days before it would have expired.
		await bed.db.orm.execute(sql`update team_invites set expires_at = now() + interval '2 days' where id = ${invite.id}`);

		const mailsBefore = bed.smtp.messages.length;
		const resent = await resendInvite(bed.db, { teamId: w.teamA.id, inviteId: invite.id }, actor('memberA'));
		expect(resent.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 86_400_000);
		const again = await bed.smtp.waitFor(email, mailsBefore);
		const second = inviteToken(linkIn(again, '/invite/'));
		expect(second).not.toBe(first);
		expect(again.decoded).toMatch(new RegExp(`^Subject: MemberA ${w.tag} invited you to Team A ${w.tag} on Quota`, 'm'));
		// Only the newest mail's link joins: the earlier one is no longer valid.
		await expect(describeInvite(bed.db, first)).rejects.toMatchObject({ code: 'not_found' });
		await expect(describeInvite(bed.db, second)).resolves.toMatchObject({ usable: true, revokedAt: null });
		const [pendingRow] = (await getTeam(bed.db, w.teamA.id, actor('memberA'))).invites.filter((i) => i.id === invite.id);
		expect(pendingRow!.expiresAt).toEqual(resent.expiresAt);

		// A plain member cannot withdraw it, someone outside the team learns nothing.
		await expect(revokeInvite(bed.db, { teamId: w.teamA.id, inviteId: invite.id }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(revokeInvite(bed.db, { teamId: w.teamA.id, inviteId: invite.id }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'not_found' });
		// Nor can another team's manager reach it through their own team.
		await expect(revokeInvite(bed.db, { teamId: w.teamB.id, inviteId: invite.id }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'not_found' });

		await revokeInvite(bed.db, { teamId: w.teamA.id, inviteId: invite.id }, actor('memberA'));
		await expect(describeInvite(bed.db, second)).resolves.toMatchObject({ usable: false, revokedAt: expect.any(Date) });
		await expect(acceptInvite(bed.db, second, { id: invitee.id, email })).rejects.toMatchObject({ code: 'not_found', message: 'This invitation was withdrawn by the team. Ask the team admin for a new one.' });
		expect((await getTeam(bed.db, w.teamA.id, actor('memberA'))).invites.map((i) => i.id)).not.toContain(invite.id);
		expect((await spendableAccounts(bed.db, invitee.id)).map((a) => a.kind)).toEqual(['user']);
		// Withdrawn is final: neither withdrawn nor sent again; the address can be invited afresh.
		await expect(revokeInvite(bed.db, { teamId: w.teamA.id, inviteId: invite.id }, actor('memberA'))).rejects.toMatchObject({ code: 'not_found' });
		await expect(resendInvite(bed.db, { teamId: w.teamA.id, inviteId: invite.id }, actor('memberA'))).rejects.toMatchObject({ code: 'not_found' });
		const fresh = await inviteToTeam(bed.db, { teamId: w.teamA.id, email, role: 'member' }, actor('memberA'));
		await revokeInvite(bed.db, { teamId: w.teamA.id, inviteId: fresh.id }, actor('siteAdmin'));

		const audit = await bed.db.rows<{ action: string; detail: { email: string }; after: { expiresAt: string } | null }>(
			sql`select action, detail, after from audit_log where action in ('team.invite_resent', 'team.invite_revoked') and detail->>'email' = ${email} order by id`
		);
		expect(audit.map((a) => a.action)).toEqual(['team.invite_resent', 'team.invite_revoked', 'team.invite_revoked']);
		expect(new Date(audit[0]!.after!.expiresAt)).toEqual(resent.expiresAt);
	});

	it('lets only owners withdraw or resend an invitation for an admin', async () => {
		const invite = await inviteToTeam(bed.db, { teamId: w.teamB.id, email: `admin-${w.tag}@example.com`, role: 'admin' }, { userId: w.users.teamBOwner.id, siteAdmin: false });
		await expect(resendInvite(bed.db, { teamId: w.teamB.id, inviteId: invite.id }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(revokeInvite(bed.db, { teamId: w.teamB.id, inviteId: invite.id }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(revokeInvite(bed.db, { teamId: w.teamB.id, inviteId: invite.id }, { userId: w.users.teamBOwner.id, siteAdmin: false })).resolves.toEqual({ id: invite.id });
	});

	it('hides a team from people outside it', async () => {
		await expect(getTeam(bed.db, w.teamA.id, actor('memberB'))).rejects.toMatchObject({ code: 'not_found' });
		await expect(getTeam(bed.db, w.teamA.id, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'not_found' });
		await expect(getTeam(bed.db, w.teamA.id, actor('siteAdmin'))).resolves.toMatchObject({ canManage: true });
	});

	it('lists the members in one order for everyone: who joined first, and among those who joined together the owner first', async () => {
		// As a team made with its members at one instant (the demo's): their joining times tie.
		await bed.db.rows(sql`update team_members set joined_at = now() - interval '1 day' where team_id = ${w.teamA.id}::uuid`);
		// The owner's row rewritten last, so a tie left to the database would put them last.
		await bed.db.rows(sql`update team_members set role = role where team_id = ${w.teamA.id}::uuid and role = 'owner'`);
		const seen = await Promise.all((['memberA', 'teamMember', 'siteAdmin'] as const).map(async (who) => (await getTeam(bed.db, w.teamA.id, actor(who))).members));
		const roleRank = { owner: 0, admin: 1, member: 2 } as const;
		for (const members of seen) {
			expect(members.map((m) => m.userId)).toEqual(seen[0]!.map((m) => m.userId));
			expect(members[0]).toMatchObject({ userId: w.users.memberA.id, role: 'owner' });
			const ranks = members.map((m) => roleRank[m.role as keyof typeof roleRank]);
			expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
		}
	});

	it('changes roles with an audit record, and always keeps an owner', async () => {
		const u = w.users.teamMember;
		await expect(changeMemberRole(bed.db, { teamId: w.teamA.id, userId: u.id, role: 'admin' }, actor('memberA'))).resolves.toEqual({ userId: u.id, role: 'admin' });
		const [rec] = await bed.db.rows<{ before: unknown; after: unknown }>(sql`select before, after from audit_log where action = 'team.role_changed' and target_id = ${u.id}`);
		expect(rec).toEqual({ before: { role: 'member' }, after: { role: 'admin' } });
		// An admin cannot make owners nor demote the owner; the only owner cannot step down.
		await expect(changeMemberRole(bed.db, { teamId: w.teamA.id, userId: u.id, role: 'owner' }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(changeMemberRole(bed.db, { teamId: w.teamA.id, userId: w.users.memberA.id, role: 'member' }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(changeMemberRole(bed.db, { teamId: w.teamA.id, userId: w.users.memberA.id, role: 'member' }, actor('memberA'))).rejects.toMatchObject({ code: 'conflict' });
		await expect(leaveTeam(bed.db, w.teamA.id, w.users.memberA.id)).rejects.toMatchObject({ code: 'conflict' });
		await changeMemberRole(bed.db, { teamId: w.teamA.id, userId: u.id, role: 'member' }, actor('memberA'));
	});

	it('removes members and lets members leave; their active pool falls back to personal', async () => {
		const a = await createUser(bed.db.orm, { email: `leaver-${w.tag}@example.com`, name: 'Leaver', emailConfirmed: true });
		const b = await createUser(bed.db.orm, { email: `removed-${w.tag}@example.com`, name: 'Removed', emailConfirmed: true });
		for (const u of [a, b]) {
			await inviteToTeam(bed.db, { teamId: w.teamA.id, email: u.email!, role: 'member' }, actor('memberA'));
			await acceptInvite(bed.db, inviteToken(linkIn(await bed.smtp.waitFor(u.email!), '/invite/')), u);
			await setActiveAccount(bed.db, u.id, w.teamA.accountId);
		}
		expect((await activeAccount(bed.db, a.id)).accountId).toBe(w.teamA.accountId);
		await leaveTeam(bed.db, w.teamA.id, a.id);
		await expect(removeMember(bed.db, { teamId: w.teamA.id, userId: b.id }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		await removeMember(bed.db, { teamId: w.teamA.id, userId: b.id }, actor('memberA'));
		for (const u of [a, b]) {
			expect((await activeAccount(bed.db, u.id)).accountId).toBe(u.accountId);
			await expect(setActiveAccount(bed.db, u.id, w.teamA.accountId)).rejects.toMatchObject({ code: 'forbidden' });
			await expect(requireAccountAccess(bed.db, { sessionId: 'x', user: { ...u, timeZone: null } }, w.teamA.accountId, 'read')).rejects.toMatchObject({ code: 'forbidden' });
		}
		await expect(removeMember(bed.db, { teamId: w.teamA.id, userId: w.users.memberA.id }, actor('memberA'))).rejects.toMatchObject({ code: 'conflict' });
	});

	it("ends a member's caps on the team with their membership, audited: invited again, they start without them", async () => {
		const person = (name: string) => createUser(bed.db.orm, { email: `${name}-${w.tag}@example.com`, name, emailConfirmed: true });
		const [leaver, removed, stays] = [await person('capped-leaver'), await person('capped-removed'), await person('capped-stays')];
		const join = async (u: typeof leaver) => {
			const after = bed.smtp.messages.length;
			await inviteToTeam(bed.db, { teamId: w.teamA.id, email: u.email!, role: 'member' }, actor('memberA'));
			await acceptInvite(bed.db, inviteToken(linkIn(await bed.smtp.waitFor(u.email!, after), '/invite/')), u);
		};
		const capsOf = async (userId: string) => (await getTeam(bed.db, w.teamA.id, actor('memberA'))).caps.filter((c) => c.memberUserId === userId);
		for (const u of [leaver, removed, stays]) {
			await join(u);
			await setTeamCap(bed.db, { teamId: w.teamA.id, userId: u.id, period: 'weekly', limitTokens: 2_000 }, actor('memberA'));
			await setTeamCap(bed.db, { teamId: w.teamA.id, userId: u.id, period: 'daily', limitTokens: 500 }, actor('memberA'));
		}

		const told = bed.smtp.messages.length;
		await leaveTeam(bed.db, w.teamA.id, leaver.id);
		await removeMember(bed.db, { teamId: w.teamA.id, userId: removed.id }, actor('memberA'));
		// Each is mailed that they are out (before they are invited again: each join reads the newest mail).
		for (const u of [leaver, removed]) await bed.smtp.waitFor(u.email!, told);
		const left = await bed.db.rows<{ n: number }>(sql`select count(*)::int as n from caps where account_id = ${w.teamA.accountId}::uuid and member_user_id in (${leaver.id}::uuid, ${removed.id}::uuid)`);
		expect(left).toEqual([{ n: 0 }]);
		// Another member's caps are not theirs: they stay.
		expect((await capsOf(stays.id)).map((c) => [c.period, c.limitTokens])).toEqual([['daily', 500], ['weekly', 2_000]]);
		const trail = await bed.db.rows<{ action: string; detail: unknown }>(sql`
			select action, detail from audit_log
			 where (action = 'team.member_left' and actor_user_id = ${leaver.id}::uuid) or (action = 'team.member_removed' and target_id = ${removed.id})
			 order by id`);
		const ended = [{ period: 'daily', limitTokens: 500 }, { period: 'weekly', limitTokens: 2_000 }];
		expect(trail).toEqual([
			{ action: 'team.member_left', detail: { capsEnded: ended } },
			{ action: 'team.member_removed', detail: { capsEnded: ended } }
		]);

		// Invited again, each is a member with no cap of their own; leaving then ends none, and says so.
		for (const u of [leaver, removed]) {
			await join(u);
			expect(await capsOf(u.id)).toEqual([]);
		}
		await leaveTeam(bed.db, w.teamA.id, leaver.id);
		for (const u of [removed, stays]) await removeMember(bed.db, { teamId: w.teamA.id, userId: u.id }, actor('memberA'));
		const [last] = await bed.db.rows<{ detail: unknown }>(sql`select detail from audit_log where action = 'team.member_left' and actor_user_id = ${leaver.id}::uuid order by id desc limit 1`);
		expect(last).toEqual({ detail: { capsEnded: [] } });
	});

	it('tells a removed member who removed them from which team and how many of its pool they used, and confirms a leaving: inbox (live) and mail, unless alert mails are off', async () => {
		const person = (name: string) => createUser(bed.db.orm, { email: `${name.replace(' ', '-')}-${w.tag}@example.com`, name, emailConfirmed: true });
		const [removed, leaver] = [await person('Told Removed'), await person('Told Leaver')];
		for (const u of [removed, leaver]) {
			const after = bed.smtp.messages.length;
			await inviteToTeam(bed.db, { teamId: w.teamA.id, email: u.email!, role: 'member' }, actor('memberA'));
			await acceptInvite(bed.db, inviteToken(linkIn(await bed.smtp.waitFor(u.email!, after), '/invite/')), u);
		}
		const [maya] = await bed.db.rows<{ name: string }>(sql`select name from users where id = ${w.users.memberA.id}::uuid`);
		const team = (await getTeam(bed.db, w.teamA.id, actor('memberA'))).name;
		await configureRates(bed.db);
		await grant(bed.db.orm, { accountId: w.teamA.accountId, tokens: 10_000, source: 'purchase' });
		// What the removed member spent from the pool (2 × 45 tokens), and what the leaver did not.
		await consume(bed.db.orm, { accountId: w.teamA.accountId, feature: 'generate_texts', units: 2, actor: { userId: removed.id }, idempotency: { scope: 'teams-test', key: randomUUID() } });
		const after = 'Your pages now show your own tokens.';
		const removedBody = `You used 90 tokens of its pool while you were a member; that use stays in its records. ${after}`;
		// Their own account's open page (where their pages go now) hears of the entry with the commit.
		const stream = watchAvailable(bed.db, removed.accountId, true);
		try {
			await expect.poll(() => stream.text.seen).toContain('event: balance');
			// A refused removal tells no one.
			await expect(removeMember(bed.db, { teamId: w.teamA.id, userId: removed.id }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
			expect((await listNotifications(bed.db.orm, removed.id)).entries).toEqual([]);
			const mailsBefore = bed.smtp.messages.length;
			await removeMember(bed.db, { teamId: w.teamA.id, userId: removed.id }, actor('memberA'));
			await expect.poll(() => stream.text.seen).toMatch(/event: inbox\ndata: \{\}\n\n/);
			const inbox = await listNotifications(bed.db.orm, removed.id);
			expect(inbox.unread).toBe(1);
			expect(inbox.entries).toMatchObject([{ kind: 'team_removed', accountId: w.teamA.accountId, teamName: team, mailed: true, readAt: null, said: { title: `${maya!.name} removed you from ${team}`, body: removedBody } }]);
			const mail = await bed.smtp.waitFor(removed.email!, mailsBefore);
			expect(mail.decoded).toContain(`Subject: ${maya!.name} removed you from ${team}`);
			expect(mail.decoded).toContain('You used 90 tokens of its pool while you were a member; that use stays in its records.');
			expect(mail.decoded).toContain(after);
		} finally {
			await stream.stop();
		}
		// The leaver turned alert mails off in Settings: the notice is in the inbox only, as a balance alert would be.
		await applySettingsWrite(bed.db, leaver.id, `device-${randomUUID()}`, { emailAlerts: false });
		const mailsBefore = bed.smtp.messages.length;
		await leaveTeam(bed.db, w.teamA.id, leaver.id);
		expect((await listNotifications(bed.db.orm, leaver.id)).entries).toMatchObject([
			{ kind: 'team_left', teamName: team, mailed: false, said: { title: `You left ${team}`, body: `You used none of its pool's tokens while you were a member. ${after}` } }
		]);
		// A mail queued after it (an invitation back) arrives, and none before it said "You left".
		await inviteToTeam(bed.db, { teamId: w.teamA.id, email: leaver.email!, role: 'member' }, actor('memberA'));
		await bed.smtp.waitFor(leaver.email!, mailsBefore);
		expect(bed.smtp.messages.slice(mailsBefore).filter((m) => m.to.includes(leaver.email!)).map((m) => m.decoded)).toEqual([expect.stringContaining('invit')]);
		// The team's owner is told the leaver left, by name and with their use; the removal was their own doing, so nothing of it.
		expect((await listNotifications(bed.db.orm, w.users.memberA.id)).entries.filter((e) => e.said?.title.startsWith('Told '))).toMatchObject([
			{ kind: 'team_member_left', accountId: w.teamA.accountId, teamName: team, mailed: true, said: { title: `Told Leaver left ${team}`, body: "They used none of its pool's tokens while they were a member. They no longer draw from it; any cap on their use of it ended." } }
		]);
		expect((await bed.smtp.waitFor(w.users.memberA.email!, mailsBefore)).decoded).toContain(`Subject: Told Leaver left ${team}`);
		// A plain member of the team is not told.
		expect((await listNotifications(bed.db.orm, w.users.teamMember.id)).entries.filter((e) => e.kind === 'team_member_left')).toEqual([]);
	});

	it('lets team managers cap what one member may spend from the pool, through the ledger, audited', async () => {
		const m = w.users.teamMember;
		await expect(setTeamCap(bed.db, { teamId: w.teamA.id, userId: m.id, period: 'daily', limitTokens: 500 }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setTeamCap(bed.db, { teamId: w.teamA.id, userId: m.id, period: 'daily', limitTokens: 500 }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'not_found' });
		await expect(setTeamCap(bed.db, { teamId: w.teamA.id, userId: w.users.memberB.id, period: 'daily', limitTokens: 500 }, actor('memberA'))).rejects.toMatchObject({ code: 'not_found' });
		await expect(setTeamCap(bed.db, { teamId: w.teamA.id, userId: m.id, period: 'daily', limitTokens: -5 }, actor('memberA'))).rejects.toMatchObject({ code: 'invalid_input' });

		await expect(setTeamCap(bed.db, { teamId: w.teamA.id, userId: m.id, period: 'daily', limitTokens: 500 }, actor('memberA'))).resolves.toEqual({ userId: m.id, period: 'daily', limitTokens: 500 });
		expect((await getTeam(bed.db, w.teamA.id, actor('memberA'))).caps).toEqual([{ memberUserId: m.id, period: 'daily', limitTokens: 500, siteDefault: false }]);
		// The member sees the limit set for them (issue 13.4).
		expect((await getTeam(bed.db, w.teamA.id, actor('teamMember'))).caps).toEqual([{ memberUserId: m.id, period: 'daily', limitTokens: 500, siteDefault: false }]);
		await setTeamCap(bed.db, { teamId: w.teamA.id, userId: m.id, period: 'daily', limitTokens: -1 }, actor('memberA'));
		expect((await getTeam(bed.db, w.teamA.id, actor('memberA'))).caps).toEqual([]);
		const trail = await bed.db.rows<{ before: unknown; after: unknown }>(sql`select before, after from audit_log where action = 'team.cap_set' and target_id = ${m.id} order by id`);
		expect(trail).toEqual([
			{ before: { period: 'daily', limitTokens: null }, after: { period: 'daily', limitTokens: 500 } },
			{ before: { period: 'daily', limitTokens: 500 }, after: { period: 'daily', limitTokens: null } }
		]);
	});

	it('renames a team and its pool for its owner, audited; refuses admins, members, outsiders and a bad name, changing nothing', async () => {
		const team = await bed.db.orm.transaction((tx) => createTeam(tx, { name: `Renamable ${w.tag}`, ownerUserId: w.users.memberA.id }));
		const owner = actor('memberA');
		const named = async () => ({
			team: (await getTeam(bed.db, team.id, owner)).name,
			pool: (await bed.db.rows<{ name: string }>(sql`select name from accounts where id = ${team.accountId}::uuid`))[0]!.name,
			listed: (await spendableAccounts(bed.db, w.users.memberA.id)).find((a) => a.accountId === team.accountId)?.name,
			audited: (await bed.db.rows<{ n: number }>(sql`select count(*)::int as n from audit_log where action = 'team.renamed' and target_id = ${team.id}`))[0]!.n
		});

		// Spaces around the name are not part of it; the pool the member picks from carries the new name.
		await expect(renameTeam(bed.db, { teamId: team.id, name: `  Design ${w.tag} ` }, owner)).resolves.toEqual({ id: team.id, name: `Design ${w.tag}` });
		expect(await named()).toEqual({ team: `Design ${w.tag}`, pool: `Design ${w.tag}`, listed: `Design ${w.tag}`, audited: 1 });
		const [entry] = await bed.db.rows<{ before: unknown; after: unknown; actor_user_id: string; account_id: string }>(
			sql`select before, after, actor_user_id, account_id from audit_log where action = 'team.renamed' and target_id = ${team.id}`
		);
		expect(entry).toEqual({ before: { name: `Renamable ${w.tag}` }, after: { name: `Design ${w.tag}` }, actor_user_id: w.users.memberA.id, account_id: team.accountId });
		// The same name again is no change: nothing more in the log.
		await renameTeam(bed.db, { teamId: team.id, name: `Design ${w.tag}` }, owner);
		expect((await named()).audited).toBe(1);

		// Each refusal typed in the domain, the name's under its field; nothing changes.
		const unchanged = await named();
		for (const [name, said] of [
			['   ', "Enter the team's name."],
			['x'.repeat(101), 'A name is at most 100 characters (an emoji or a flag counts as one).'],
			['Tab\there', 'name cannot contain control characters.']
		] as const) {
			await expect(renameTeam(bed.db, { teamId: team.id, name }, owner)).rejects.toMatchObject({ code: 'invalid_input', details: { fieldErrors: { name: [said] } } });
		}
		await expect(renameTeam(bed.db, { teamId: w.teamA.id, name: 'By a member' }, actor('teamMember'))).rejects.toMatchObject({ code: 'forbidden' });
		await expect(renameTeam(bed.db, { teamId: w.teamB.id, name: 'By an admin' }, actor('otherTeamAdmin'))).rejects.toMatchObject({ code: 'forbidden', message: "Only the team's owner can rename it." });
		await expect(renameTeam(bed.db, { teamId: team.id, name: 'By a stranger' }, actor('memberB'))).rejects.toMatchObject({ code: 'not_found' });
		expect(await named()).toEqual(unchanged);

		// At the edge (tRPC), as the other refusals are: the procedure's code, the field named for the form.
		setDb(bed.db);
		const as = (who: 'memberA' | 'otherTeamAdmin') => callerAs(w.auth[who]!, '10.9.0.7');
		const edge = async (p: Promise<unknown>) => p.then(() => null, (e: TRPCError) => ({ code: e.code, domain: (e.cause as { code?: string }).code }));
		expect(await edge((await as('otherTeamAdmin')).team.rename({ teamId: w.teamB.id, name: 'By an admin' }))).toEqual({ code: 'FORBIDDEN', domain: 'forbidden' });
		expect(await edge((await as('memberA')).team.rename({ teamId: team.id, name: '' }))).toEqual({ code: 'BAD_REQUEST', domain: 'invalid_input' });
		await expect((await as('memberA')).team.rename({ teamId: team.id, name: `Studio ${w.tag}` })).resolves.toEqual({ id: team.id, name: `Studio ${w.tag}` });
		expect(await named()).toMatchObject({ team: `Studio ${w.tag}`, audited: 2 });
		const [viaEdge] = await bed.db.rows<{ ip: string | null }>(sql`select ip::text as ip from audit_log where action = 'team.renamed' and target_id = ${team.id} order by id desc limit 1`);
		expect(viaEdge?.ip).toMatch(/^10\.9\.0\.7/);
	});

	it('lets a user in several teams choose which pool they draw from, only among their own', async () => {
		const m = w.users.teamMember;
		expect((await activeAccount(bed.db, m.id)).accountId).toBe(m.accountId);
		await setActiveAccount(bed.db, m.id, w.teamA.accountId);
		expect((await activeAccount(bed.db, m.id)).accountId).toBe(w.teamA.accountId);
		await expect(setActiveAccount(bed.db, m.id, w.teamB.accountId)).rejects.toMatchObject({ code: 'forbidden' });
		await expect(setActiveAccount(bed.db, m.id, w.users.memberA.accountId)).rejects.toMatchObject({ code: 'forbidden' });
		expect((await activeAccount(bed.db, m.id)).accountId).toBe(w.teamA.accountId);
	});
});

describe('the cap that limits a member now, in whichever window', () => {
	/**
	 * A team of its own (owner memberA, plain member teamMember) with 91,900 tokens in its pool: no other
	 * test's caps or uses touch it. `cap` sets the member's daily cap; each caller is the app's, as that person.
	 */
	async function poolOfItsOwn() {
		await configureRates(bed.db);
		setDb(bed.db);
		const own = await makeWorld(bed.db);
		const pool = own.teamA.accountId;
		await grant(bed.db.orm, { accountId: pool, tokens: 91_900, source: 'purchase' });
		const as = (auth: typeof own.auth.teamMember) => callerAs(auth, '10.9.0.9');
		const [member, owner] = await Promise.all([as(own.auth.teamMember), as(own.auth.memberA)]);
		const cap = (limitTokens: number | null) =>
			setTeamCap(bed.db, { teamId: own.teamA.id, userId: own.users.teamMember.id, period: 'daily', limitTokens }, { userId: own.users.memberA.id, siteAdmin: false });
		return { pool, member, owner, cap };
	}

	it('makes the dashboard’s and the playground’s Available what a capped member can spend: a check’s remaining before its cost, never more than the pool’s Available; the uncapped owner’s is the pool’s', async () => {
		const { pool, member, owner, cap } = await poolOfItsOwn();
		const seen = async (caller: typeof member) => {
			const [dash, summary, check] = await Promise.all([
				caller.ledger.dashboard({ accountId: pool }),
				caller.ledger.summary({ accountId: pool }),
				// The playground's preview is the ledger's check, as POST /api/v1/check answers it.
				caller.ledger.preview({ accountId: pool, feature: 'generate_texts', units: 1 })
			]);
			return { available: dash.summary.available, headline: dash.capBound?.tokens ?? dash.summary.available, dash, playground: summary.capBound, check };
		};

		await cap(5_000);
		await member.ledger.consume({ accountId: pool, feature: 'generate_texts', units: 1, idempotencyKey: randomUUID() });
		const capped = await seen(member);
		const pooled = capped.available.toLocaleString('en-US');
		expect(capped.available).toBeGreaterThan(91_000);
		// His daily cap leaves 4,955 of the pool's tokens: the card's figure, what a check counts down from, the pool's own under it.
		expect(capped.dash.capBound).toEqual({ tokens: 4_955, sub: `of ${pooled} in the pool`, meaning: `For you it is what the cap above leaves, less than the pool's ${pooled}.` });
		expect(capped.headline).toBe(capped.check.remainingAfter! + capped.check.cost);
		expect(capped.dash.capLine).toMatchObject({ left: capped.headline, text: 'Your daily cap in this team: 4,955 of 5,000 tokens left today' });
		expect(capped.playground).toEqual(capped.dash.capBound);

		// The owner has no cap: the pool's Available is what the card shows them, as before, and nothing is added.
		const uncapped = await seen(owner);
		expect([uncapped.dash.capBound, uncapped.playground, uncapped.check.cap]).toEqual([null, null, null]);
		expect(uncapped.headline).toBe(capped.available);
		expect(uncapped.check.remainingAfter! + uncapped.check.cost).toBe(capped.available);

		// A cap that leaves more than the pool holds binds nothing the card shows: the pool's Available.
		await cap(200_000);
		expect((await seen(member)).dash.capBound).toBeNull();
		// Used up: nothing to spend today, the pool's tokens under it.
		await cap(45);
		const none = await seen(member);
		expect(none.dash.capBound).toMatchObject({ tokens: 0, sub: `of ${pooled} in the pool` });
		expect([none.check.allowed, none.check.remainingAfter]).toEqual([false, 0]);
	});

	it('a run from the playground on a pool says what the member can still spend, their cap counted, as on a personal account; the uncapped owner’s is the pool’s', async () => {
		const { pool, member, owner, cap } = await poolOfItsOwn();
		await cap(5_000);
		const run = (caller: typeof member) => caller.ledger.consume({ accountId: pool, feature: 'generate_texts', units: 1, idempotencyKey: randomUUID() });
		const next = (caller: typeof member) => caller.ledger.preview({ accountId: pool, feature: 'generate_texts', units: 1 });

		const ran = await run(member);
		// What his daily cap leaves after the run (5,000 less its 45), not the pool's lots: what the next check counts down from.
		expect(ran.remaining).toBe(5_000 - ran.cost);
		const check = await next(member);
		expect(check.remainingAfter! + check.cost).toBe(ran.remaining);

		// The owner has no cap: what is left on the pool's lots and allowance.
		const theirs = await run(owner);
		expect(theirs.remaining).toBeGreaterThan(90_000);
		const ownerCheck = await next(owner);
		expect(ownerCheck.remainingAfter! + ownerCheck.cost).toBe(theirs.remaining);
	});

	it('is the same on the dashboard, in the playground and on the Team page: a weekly or monthly cap tighter than the daily one, named by its window', async () => {
		await configureRates(bed.db);
		setDb(bed.db);
		const pool = w.teamA.accountId;
		await grant(bed.db.orm, { accountId: pool, tokens: 50_000, source: 'purchase' });
		const as = (who: 'teamMember' | 'memberA') => callerAs(w.auth[who]!, '10.9.0.8');
		const member = await as('teamMember');
		const cap = (period: 'daily' | 'weekly' | 'monthly', limitTokens: number | null, userId: string | null = w.users.teamMember.id) =>
			setTeamCap(bed.db, { teamId: w.teamA.id, userId, period, limitTokens }, actor('memberA'));
		/** What the member is told limits them: the dashboard's words, the playground's figures, the Team page's figures. */
		const told = async () => ({
			dashboard: (await member.ledger.dashboard({ accountId: pool })).capLine?.text ?? null,
			playground: (await member.ledger.preview({ accountId: pool, feature: 'generate_texts', units: 1 })).cap,
			team: (await member.team.get({ teamId: w.teamA.id })).myCap
		});
		try {
			await cap('daily', 5_000);
			await cap('weekly', 3_000);
			await member.ledger.consume({ accountId: pool, feature: 'generate_texts', units: 1, idempotencyKey: randomUUID() });
			const weekly = { limitOf: 'member', period: 'weekly', limit: 3_000, used: 45, left: 2_955 };
			expect(await told()).toEqual({
				dashboard: 'Your weekly cap in this team: 2,955 of 3,000 tokens left this week',
				playground: expect.objectContaining(weekly),
				team: expect.objectContaining(weekly)
			});
			// The Team page's member row says the same cap, to the member and to the team's manager.
			const own = await member.team.get({ teamId: w.teamA.id });
			const managed = await (await as('memberA')).team.get({ teamId: w.teamA.id });
			for (const seen of [own, managed]) expect(seen.members.find((m) => m.userId === w.users.teamMember.id)?.capNow).toEqual(own.myCap);
			// Another member's cap is not a plain member's to know.
			expect(own.members.filter((m) => m.userId !== w.users.teamMember.id).map((m) => m.capNow)).toEqual(own.members.slice(1).map(() => null));
			// A monthly cap tighter still; then the pool's own weekly cap, tighter than all of the member's.
			await cap('monthly', 1_000);
			expect((await told()).dashboard).toBe('Your monthly cap in this team: 955 of 1,000 tokens left this month');
			expect((await told()).team).toMatchObject({ period: 'monthly', left: 955 });
			// A daily cap that leaves as much (955 of 1,000 today): the monthly one still limits longer, and is the one said.
			await cap('daily', 1_000);
			const tie = await told();
			expect(tie.dashboard).toBe('Your monthly cap in this team: 955 of 1,000 tokens left this month');
			expect([tie.playground?.period, tie.team?.period]).toEqual(['monthly', 'monthly']);
			await cap('weekly', 500, null);
			const t = await told();
			expect(t.dashboard).toMatch(/^The team's weekly cap: [\d,]+ of 500 tokens left this week$/);
			expect([t.playground, t.team]).toEqual([expect.objectContaining({ limitOf: 'team', period: 'weekly', limit: 500 }), expect.objectContaining({ limitOf: 'team', period: 'weekly', limit: 500 })]);
			// The member's caps gone, and the pool's: nothing limits them, and nothing is said.
			for (const p of ['daily', 'weekly', 'monthly'] as const) await cap(p, null);
			await cap('weekly', null, null);
			expect(await told()).toEqual({ dashboard: null, playground: null, team: null });
		} finally {
			for (const p of ['daily', 'weekly', 'monthly'] as const) await cap(p, null);
			await cap('weekly', null, null);
		}
	});
});
