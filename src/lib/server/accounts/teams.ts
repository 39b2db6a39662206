import { and, asc, eq, gt, isNotNull, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '../db';
import { isUuid, queryRows } from '../db/client';
import { config } from '../config';
import { accounts, teamInvites, teamMembers, teams, users } from '../db/schema';
import { capsInForce, endMemberCaps, setCap, tightestCapsRead } from '../ledger';
import { readOne } from '../db/reads';
import { fieldRefusal, DomainError, parseInput } from '../errors';
import { queueMail } from '../mail/job';
import { teamInviteMail } from '../mail/templates';
import { addressProven } from './address-confirmation';
import { audit } from './audit';
import { apiIdentityOf, apiIdsOfUsers } from './contacts';
import { rateLimit } from './rate-limit';
import { noticeTeamLeft } from './team-notices';
import { hashToken, randomToken } from './tokens';
import { findUserByEmail, rowsOf } from './users';
import { emailSchema, teamNameSchema, type TeamRole } from './validation';

/** Who is acting on a team: their role in it (if any) and whether they are a site admin. */
export interface TeamActor {
	userId: string;
	siteAdmin: boolean;
	ip?: string | null;
}

const INVITE_VALID_DAYS = 7;

/**
 * A team with its own account (the shared token pool) and its creator as owner — one
 * statement, so there is never a team without an owner or an account. `ip`: the request's address
 * for its audit entry (none for the demo's team). `at`: when it happened, for history loaded after
 * the fact (its audit entry's time; the demo's team).
 */
export async function createTeam(exec: Executor, input: { name: string; ownerUserId: string; ip?: string | null; at?: Date }) {
	const { name } = parseInput(teamNameInput, { name: input.name });
	const result = await exec.execute(sql`
		with account as (insert into accounts (kind, name) values ('team', ${name}) returning id),
		team as (
			insert into teams (account_id, name, created_by) select id, ${name}, ${input.ownerUserId} from account
			returning id, account_id
		),
		owner as (insert into team_members (team_id, user_id, role) select id, ${input.ownerUserId}, 'owner' from team)
		select id, account_id from team`);
	const row = rowsOf<{ id: string; account_id: string }>(result)[0]!;
	await audit(exec, { action: 'team.created', actorUserId: input.ownerUserId, targetType: 'team', targetId: row.id, accountId: row.account_id, ip: input.ip, after: { name }, at: input.at });
	return { id: row.id, accountId: row.account_id, name };
}

/** A team's name as a field, so a refusal names it (`details.fieldErrors.name`) and a form says it under the name. */
const teamNameInput = z.object({ name: teamNameSchema });

/**
 * Renames a team and its pool (owners and site admins): 1–100 characters, trimmed. The same name
 * again changes nothing and is not audited. Returns `{ id, name }`. Errors: invalid_input (the name,
 * in `fieldErrors.name`), not_found (no such team, or the actor is not in it), forbidden (an admin
 * or member of the team).
 */
export async function renameTeam(db: Db, input: { teamId: string; name: string }, actor: TeamActor) {
	const { name } = parseInput(teamNameInput, { name: input.name });
	const role = await requireTeamManager(db.orm, input.teamId, actor);
	if (role !== 'owner' && !actor.siteAdmin) throw new DomainError('forbidden', "Only the team's owner can rename it.");
	return db.orm.transaction(async (tx) => {
		const [team] = await tx.select().from(teams).where(eq(teams.id, input.teamId)).for('update');
		if (!team) throw new DomainError('not_found', 'No such team.');
		if (team.name === name) return { id: team.id, name };
		await tx.update(teams).set({ name }).where(eq(teams.id, team.id));
		// The pool is named after its team wherever an account's name is shown (the console, the audit log).
		await tx.update(accounts).set({ name }).where(eq(accounts.id, team.accountId));
		await audit(tx, { action: 'team.renamed', actorUserId: actor.userId, targetType: 'team', targetId: team.id, accountId: team.accountId, ip: actor.ip, before: { name: team.name }, after: { name } });
		return { id: team.id, name };
	});
}

export async function teamRoleOf(exec: Executor, teamId: string, userId: string): Promise<TeamRole | null> {
	const [m] = await exec
		.select({ role: teamMembers.role })
		.from(teamMembers)
		.where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
	return m?.role ?? null;
}

/** The name of the team whose pool `accountId` is, or null for a user's own account or a guest's: what the store's "Tokens added to …" and the widget's title name. */
export async function poolName(exec: Executor, accountId: string): Promise<string | null> {
	const [t] = await exec.select({ name: teams.name }).from(teams).where(eq(teams.accountId, accountId));
	return t?.name ?? null;
}

/**
 * The Quota user id of the member of the team whose pool is `poolAccountId` that `user` names (the
 * host site's user id or a Quota user id), or null when it names no member of that team.
 */
export async function teamMemberOf(exec: Executor, poolAccountId: string, user: string): Promise<string | null> {
	const [m] = await queryRows<{ user_id: string }>(
		exec,
		sql`select m.user_id from team_members m join teams t on t.id = m.team_id join users u on u.id = m.user_id
		     where t.account_id = ${poolAccountId}::uuid and (u.external_id = ${user}${isUuid(user) ? sql` or u.id = ${user}::uuid` : sql``})
		     limit 1`
	);
	return m?.user_id ?? null;
}

/**
 * The member of the team whose pool is `poolAccountId` that `member` names (the host site's user id or a
 * Quota user id): who views the pool in an embed token, or spends from it in a site key's consume or hold.
 * Errors: invalid_input on `member` when no member of this team has that id; when it is a member's
 * account id (the console's address of their page), the refusal names the id to send, as `team`'s and
 * `user`'s do (scope.ts refuseAccountId), and so does a member's e-mail (scope.ts refuseMemberEmail).
 * `retried`: who made the use this request retries (its idempotency key's), if any: one who has left
 * the team since is still named by a retry of it.
 */
export async function poolMember(exec: Executor, poolAccountId: string, member: string, retried?: () => Promise<string | null>): Promise<string> {
	const userId = await teamMemberOf(exec, poolAccountId, member);
	if (userId) return userId;
	// A retry of a use they made while in the team (same key) is theirs still, so the ledger replays its
	// answer: refused, the host would take a use that was made for one that was not, and make it again.
	const earlier = retried ? await retried() : null;
	// `member` names them by their Quota user id, or by the host site's id (the one the API names them by).
	if (earlier && (member.toLowerCase() === earlier || (await apiIdsOfUsers(exec, [earlier])).get(earlier) === member)) return earlier;
	const who = isUuid(member) ? await apiIdentityOf(exec, member.toLowerCase()) : null;
	if (who?.kind === 'user' && who.userId && (await teamMemberOf(exec, poolAccountId, who.userId))) {
		throw fieldRefusal('member', `member=${member} is an account id, not a user id: send member=${who.userId} for that member.`);
	}
	// A member's e-mail is what a site most likely has at hand for them; saying only "not a member"
	// of someone who is one sends the developer looking in the wrong place (user= says the same).
	const byEmail = member.includes('@') ? await findUserByEmail(exec, member) : null;
	if (byEmail && (await teamMemberOf(exec, poolAccountId, byEmail.id))) {
		throw fieldRefusal('member', `member=${member} is the e-mail of ${byEmail.name}, a member of this team, not a user id: send member=${byEmail.id} for them.`);
	}
	throw fieldRefusal('member', `member "${member}" is not a member of this team: name one of its members (your site's user id or a Quota user id), or leave member out.`);
}

/**
 * A team, its members and (for its admins) pending invitations, the caps in force its viewer may see,
 * `myCap`: the one that limits the viewer's own use of the pool now (the least left, any window;
 * null for a site admin outside the team, or with none), and each member's `capNow`, the same for
 * them (tightestCapsRead: the dashboard's rule), for the members whose caps the viewer sees (null
 * otherwise); each one's `resets` worded as the viewer's dashboard words a reset (their zone, or the
 * site's, named). Members and site admins only.
 */
export async function getTeam(db: Db, teamId: string, actor: TeamActor) {
	const [team] = await db.orm.select().from(teams).where(eq(teams.id, teamId));
	const role = team ? await teamRoleOf(db.orm, teamId, actor.userId) : null;
	if (!team || (!role && !actor.siteAdmin)) throw new DomainError('not_found', 'No such team, or you are not in it.');
	const members = await db.orm
		.select({ userId: users.id, name: users.name, email: users.email, role: teamMembers.role, joinedAt: teamMembers.joinedAt })
		.from(teamMembers)
		.innerJoin(users, eq(users.id, teamMembers.userId))
		.where(eq(teamMembers.teamId, teamId))
		// Who joined first; among those who joined together (a team made with its members), the owner,
		// then admins, then by name: every member sees the list in the same order.
		.orderBy(asc(teamMembers.joinedAt), sql`case ${teamMembers.role} when 'owner' then 0 when 'admin' then 1 else 2 end`, asc(users.name), asc(users.id));
	const canManage = actor.siteAdmin || role === 'owner' || role === 'admin';
	const invites = canManage
		? await db.orm
				.select({ id: teamInvites.id, email: teamInvites.email, role: teamInvites.role, expiresAt: teamInvites.expiresAt })
				.from(teamInvites)
				.where(and(eq(teamInvites.teamId, teamId), pending()))
				.orderBy(asc(teamInvites.createdAt), asc(teamInvites.id))
		: [];
	// Every member sees the team's own limits and their own; managers see everyone's.
	const limits = (await capsInForce(db.orm, team.accountId)).filter((c) => canManage || c.memberUserId === null || c.memberUserId === actor.userId);
	// What limits each use of the pool now, in whichever window: the dashboard's and the playground's figure.
	const known = members.filter((m) => canManage || m.userId === actor.userId).map((m) => m.userId);
	// Their resets in the viewer's words, as the viewer's dashboard says a reset: in their zone (or the site's), named.
	const capsNow = await readOne(db.orm, tightestCapsRead(team.accountId, role ? [...new Set([...known, actor.userId])] : known, actor.userId));
	const myCap = role ? (capsNow.get(actor.userId) ?? null) : null;
	return {
		id: team.id,
		name: team.name,
		accountId: team.accountId,
		createdAt: team.createdAt,
		myRole: role,
		myUserId: actor.userId,
		canManage,
		members: members.map((m) => ({ ...m, capNow: capsNow.get(m.userId) ?? null })),
		invites,
		caps: limits,
		myCap
	};
}

const inviteSchema = z.object({ email: emailSchema, role: z.enum(['admin', 'member']) });

/** The key of an invitation's first mail (`mail.send`), by the invitation's id; a resend's is this and its new expiry. */
export const inviteMailKey = (inviteId: string) => `invite:${inviteId}`;

/**
 * What an invitation's mail needs before its transaction, for a sender within the rate limit
 * (invitations send mail: a bounded number per inviter, so a team cannot be used to spam): the
 * inviter's name and a new link token (`rate_limited` past 30 an hour).
 */
async function inviteSender(db: Db, actor: TeamActor): Promise<{ name: string; token: string }> {
	await rateLimit(db, `invite:user:${actor.userId}`, 30, 3600);
	const [inviter] = await db.orm.select({ name: users.name }).from(users).where(eq(users.id, actor.userId));
	return { name: inviter?.name ?? 'A team admin', token: randomToken() };
}

/** A new or resent invitation's expiry: 7 days from now. */
const inviteExpiry = () => new Date(Date.now() + INVITE_VALID_DAYS * 86_400_000);

/** The page an invitation's token opens (the link its mail carries). */
const inviteLink = (token: string) => `${config().ORIGIN}/invite/${token}`;

/** Queues an invitation's mail with its link (`mail.send` under `key`), in the invitation's transaction. */
const queueInviteMail = (tx: Executor, email: string, teamName: string, sender: { name: string; token: string }, key: string) =>
	queueMail(tx, teamInviteMail(email, teamName, sender.name, inviteLink(sender.token)), key);

/** An invitation still waiting for its answer: not accepted, not withdrawn, not expired. */
const pending = () => and(isNull(teamInvites.acceptedAt), isNull(teamInvites.revokedAt), gt(teamInvites.expiresAt, sql`now()`));

/**
 * Mails an invitation link (valid 7 days). Only owners may invite admins. The mail is queued with
 * the invitation (`mail.send`, key `inviteMailKey(id)`): sent right after the commit, retried
 * while the SMTP server is down. Refuses (`conflict`) someone already in the team, and an address
 * with an invitation still pending (resend that one instead); the team's row is locked while it
 * decides, so two invitations sent at once do not both pass. Answers the invitation with its `link`
 * (the URL mailed), for the inviter to share another way: said once, as only its hash is kept.
 */
export async function inviteToTeam(db: Db, input: { teamId: string; email: string; role: 'admin' | 'member'; at?: Date }, actor: TeamActor) {
	const v = parseInput(inviteSchema, input);
	const actorRole = await requireTeamManager(db.orm, input.teamId, actor);
	if (v.role === 'admin' && actorRole !== 'owner' && !actor.siteAdmin) {
		throw new DomainError('forbidden', 'Only a team owner can invite admins.');
	}
	const sender = await inviteSender(db, actor);
	return db.orm.transaction(async (tx) => {
		const [team] = await tx.select().from(teams).where(eq(teams.id, input.teamId)).for('update');
		if (!team) throw new DomainError('not_found', 'No such team.');
		const [already] = await tx
			.select({ userId: users.id })
			.from(teamMembers)
			.innerJoin(users, eq(users.id, teamMembers.userId))
			.where(and(eq(teamMembers.teamId, input.teamId), eq(users.email, v.email)));
		// Named as the email field's refusal, so the form says it under the address typed.
		if (already) throw new DomainError('conflict', `${v.email} is already in this team.`, { fieldErrors: { email: ['Already in this team.'] } });
		const [waiting] = await tx.select({ id: teamInvites.id }).from(teamInvites).where(and(eq(teamInvites.teamId, input.teamId), eq(teamInvites.email, v.email), pending()));
		if (waiting) throw new DomainError('conflict', `${v.email} is already invited: send that invitation again instead.`, { fieldErrors: { email: ['Already invited.'] } });
		const [invite] = await tx
			.insert(teamInvites)
			.values({
				teamId: input.teamId,
				email: v.email,
				role: v.role,
				tokenHash: hashToken(sender.token),
				invitedBy: actor.userId,
				expiresAt: inviteExpiry()
			})
			.returning({ id: teamInvites.id, email: teamInvites.email, role: teamInvites.role, expiresAt: teamInvites.expiresAt });
		await audit(tx, { action: 'team.invited', actorUserId: actor.userId, targetType: 'team', targetId: team.id, accountId: team.accountId, ip: actor.ip, detail: { email: v.email, role: v.role }, at: input.at });
		await queueInviteMail(tx, v.email, team.name, sender, inviteMailKey(invite!.id));
		return { ...invite!, link: inviteLink(sender.token) };
	});
}

/**
 * A pending invitation of the team, locked, for a manager allowed to act on it (an admin's
 * invitation: owners and site admins only, as for sending one). `not_found` when it is not pending.
 */
async function lockPendingInvite(exec: Executor, teamId: string, inviteId: string, actor: TeamActor, what: string) {
	const actorRole = await requireTeamManager(exec, teamId, actor);
	const [invite] = await exec
		.select()
		.from(teamInvites)
		.where(and(eq(teamInvites.id, inviteId), eq(teamInvites.teamId, teamId), pending()))
		.for('update');
	if (!invite) throw new DomainError('not_found', 'This invitation is no longer pending: it was accepted, withdrawn or has expired.');
	if (invite.role === 'admin' && actorRole !== 'owner' && !actor.siteAdmin) throw new DomainError('forbidden', `Only a team owner can ${what} an admin's invitation.`);
	const [team] = await exec.select().from(teams).where(eq(teams.id, teamId));
	return { invite, team: team! };
}

/** Withdraws a pending invitation (owners and admins; an admin's, owners only): its link then says it was withdrawn. Audited. */
export async function revokeInvite(db: Db, input: { teamId: string; inviteId: string }, actor: TeamActor) {
	return db.orm.transaction(async (tx) => {
		const { invite, team } = await lockPendingInvite(tx, input.teamId, input.inviteId, actor, 'withdraw');
		await tx.update(teamInvites).set({ revokedAt: sql`now()` }).where(eq(teamInvites.id, invite.id));
		await audit(tx, { action: 'team.invite_revoked', actorUserId: actor.userId, targetType: 'team', targetId: team.id, accountId: team.accountId, ip: actor.ip, detail: { email: invite.email, role: invite.role } });
		return { id: invite.id };
	});
}

/**
 * Sends a pending invitation's mail again, with a new link valid 7 days from now (the earlier
 * link stops working: only the newest mail's link joins). Rate-limited with the invitations. Audited.
 * Answers with the new `link`, as inviteToTeam does.
 */
export async function resendInvite(db: Db, input: { teamId: string; inviteId: string }, actor: TeamActor) {
	const sender = await inviteSender(db, actor);
	return db.orm.transaction(async (tx) => {
		const { invite, team } = await lockPendingInvite(tx, input.teamId, input.inviteId, actor, 'resend');
		const expiresAt = inviteExpiry();
		await tx.update(teamInvites).set({ tokenHash: hashToken(sender.token), expiresAt }).where(eq(teamInvites.id, invite.id));
		await audit(tx, { action: 'team.invite_resent', actorUserId: actor.userId, targetType: 'team', targetId: team.id, accountId: team.accountId, ip: actor.ip, before: { expiresAt: invite.expiresAt }, after: { expiresAt }, detail: { email: invite.email, role: invite.role } });
		await queueInviteMail(tx, invite.email, team.name, sender, `${inviteMailKey(invite.id)}:${expiresAt.toISOString()}`);
		return { id: invite.id, email: invite.email, role: invite.role, expiresAt, link: inviteLink(sender.token) };
	});
}

/** What an invitation link is about, for the page that offers to accept it. */
export async function describeInvite(db: Db, token: string) {
	const [row] = await db.orm
		.select({ teamName: teams.name, inviterName: users.name, email: teamInvites.email, role: teamInvites.role, expiresAt: teamInvites.expiresAt, acceptedAt: teamInvites.acceptedAt, revokedAt: teamInvites.revokedAt })
		.from(teamInvites)
		.innerJoin(teams, eq(teams.id, teamInvites.teamId))
		// Who sent it, as the mail names them: a link passed on by hand says it too (null: that account is gone).
		.leftJoin(users, eq(users.id, teamInvites.invitedBy))
		.where(eq(teamInvites.tokenHash, hashToken(token)));
	if (!row) throw new DomainError('not_found', 'This invitation link is not valid. Ask the team admin for a new one.');
	return { ...row, usable: !row.acceptedAt && !row.revokedAt && row.expiresAt > new Date() };
}

/** Joins the team of an invitation sent to the signed-in user's email (each link works once); `at` as for createTeam. */
export async function acceptInvite(db: Db, token: string, user: { id: string; email: string | null }, ip?: string | null, at?: Date) {
	return db.orm.transaction(async (tx) => {
		const [invite] = await tx
			.update(teamInvites)
			.set({ acceptedAt: sql`now()` })
			.where(and(eq(teamInvites.tokenHash, hashToken(token)), pending()))
			.returning();
		if (!invite) {
			const [revoked] = await tx.select({ id: teamInvites.id }).from(teamInvites).where(and(eq(teamInvites.tokenHash, hashToken(token)), isNotNull(teamInvites.revokedAt)));
			if (revoked) throw new DomainError('not_found', 'This invitation was withdrawn by the team. Ask the team admin for a new one.');
			throw new DomainError('not_found', 'This invitation has expired or was already used. Ask the team admin for a new one.');
		}
		if (!user.email || user.email !== invite.email) {
			throw new DomainError('forbidden', `This invitation was sent to ${invite.email}. Sign in with that email to accept it.`);
		}
		// Its link was mailed to that address: the same proof as a confirmation link.
		await addressProven(tx, user.id, invite.email, { ip });
		const joined = rowsOf(
			await tx.insert(teamMembers).values({ teamId: invite.teamId, userId: user.id, role: invite.role }).onConflictDoNothing().returning()
		);
		const [team] = await tx.select().from(teams).where(eq(teams.id, invite.teamId));
		await audit(tx, { action: 'team.member_joined', actorUserId: user.id, targetType: 'user', targetId: user.id, accountId: team?.accountId, ip, after: { role: invite.role }, detail: { teamId: invite.teamId }, at });
		return { teamId: invite.teamId, teamName: team?.name ?? '', alreadyMember: joined.length === 0 };
	});
}

async function requireTeamManager(exec: Executor, teamId: string, actor: TeamActor): Promise<TeamRole | null> {
	const role = await teamRoleOf(exec, teamId, actor.userId);
	if (role === 'owner' || role === 'admin' || actor.siteAdmin) return role;
	// Someone outside the team is answered as for a team that does not exist.
	if (!role) throw new DomainError('not_found', 'No such team.');
	throw new DomainError('forbidden', "Only the team's owners and admins can do that.");
}

/**
 * A membership change by a manager: the team's member rows locked (so "the last owner" stays
 * true), the actor's role (owner/admin, or null for a site admin) and the target's row.
 */
async function lockForChange(exec: Executor, teamId: string, targetUserId: string, actor: TeamActor, what: string) {
	// Every member's row, in one order: a change that could leave the team without an owner sees the others' changes first, and two cannot deadlock.
	const rows = await exec.select().from(teamMembers).where(eq(teamMembers.teamId, teamId)).orderBy(teamMembers.userId).for('update');
	const [team] = await exec.select().from(teams).where(eq(teams.id, teamId));
	const actorRole = rows.find((r) => r.userId === actor.userId)?.role ?? null;
	// Someone outside the team learns nothing about it: the same answer as for a team that does not exist.
	if (!team || (!actorRole && !actor.siteAdmin)) throw new DomainError('not_found', 'No such team.');
	if (!actor.siteAdmin && actorRole !== 'owner' && actorRole !== 'admin') throw new DomainError('forbidden', `Only the team's owners and admins can ${what}.`);
	const target = rows.find((r) => r.userId === targetUserId);
	if (!target) throw new DomainError('not_found', 'That person is not in this team.');
	const owners = rows.filter((r) => r.role === 'owner').length;
	return { team, actorIsOwner: actorRole === 'owner' || actor.siteAdmin, target, owners };
}

/**
 * Sets a member's role. Admins move people between member and admin; only owners (and
 * site admins) make or unmake owners; a team always keeps one owner.
 */
export async function changeMemberRole(db: Db, input: { teamId: string; userId: string; role: TeamRole }, actor: TeamActor) {
	return db.orm.transaction(async (tx) => {
		const { team, actorIsOwner, target, owners } = await lockForChange(tx, input.teamId, input.userId, actor, 'change roles');
		const touchesOwner = target.role === 'owner' || input.role === 'owner';
		if (touchesOwner && !actorIsOwner) throw new DomainError('forbidden', 'Only an owner can make or unmake owners.');
		if (target.role === 'owner' && input.role !== 'owner' && owners === 1) {
			throw new DomainError('conflict', 'A team needs an owner: make someone else owner first.');
		}
		if (target.role === input.role) return { userId: input.userId, role: input.role };
		await tx.update(teamMembers).set({ role: input.role }).where(and(eq(teamMembers.teamId, input.teamId), eq(teamMembers.userId, input.userId)));
		await audit(tx, { action: 'team.role_changed', actorUserId: actor.userId, targetType: 'user', targetId: input.userId, accountId: team.accountId, ip: actor.ip, before: { role: target.role }, after: { role: input.role }, detail: { teamId: input.teamId } });
		return { userId: input.userId, role: input.role };
	});
}

/** Removes someone from a team (admins remove members; owners anyone; never the last owner); tells them (inbox and mail: noticeTeamLeft). */
export async function removeMember(db: Db, input: { teamId: string; userId: string }, actor: TeamActor) {
	return db.orm.transaction(async (tx) => {
		const { team, actorIsOwner, target, owners } = await lockForChange(tx, input.teamId, input.userId, actor, 'remove people');
		if (target.role !== 'member' && !actorIsOwner) throw new DomainError('forbidden', 'Only an owner can remove admins and owners.');
		if (target.role === 'owner' && owners === 1) throw new DomainError('conflict', 'A team needs an owner: the last owner cannot be removed.');
		await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, input.teamId), eq(teamMembers.userId, input.userId)));
		const capsEnded = await endMembership(tx, input.userId, team.accountId);
		await audit(tx, { action: 'team.member_removed', actorUserId: actor.userId, targetType: 'user', targetId: input.userId, accountId: team.accountId, ip: actor.ip, before: { role: target.role }, detail: { capsEnded } });
		await noticeTeamLeft(tx, { userId: input.userId, teamId: team.id, accountId: team.accountId, teamName: team.name, byUserId: actor.userId, joinedAt: target.joinedAt });
	});
}

/** Leaves a team (confirmed in the leaver's inbox and by mail: noticeTeamLeft); the last owner must hand the team over first. */
export async function leaveTeam(db: Db, teamId: string, userId: string, ip?: string | null) {
	return db.orm.transaction(async (tx) => {
		const rows = await tx.select().from(teamMembers).where(eq(teamMembers.teamId, teamId)).orderBy(teamMembers.userId).for('update');
		const [team] = await tx.select().from(teams).where(eq(teams.id, teamId));
		const me = rows.find((r) => r.userId === userId);
		if (!team || !me) throw new DomainError('not_found', 'You are not in this team.');
		if (me.role === 'owner' && rows.filter((r) => r.role === 'owner').length === 1) {
			throw new DomainError('conflict', 'You are the last owner: make someone else owner before leaving.');
		}
		await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
		const capsEnded = await endMembership(tx, userId, team.accountId);
		await audit(tx, { action: 'team.member_left', actorUserId: userId, targetType: 'team', targetId: teamId, accountId: team.accountId, ip, before: { role: me.role }, detail: { capsEnded } });
		await noticeTeamLeft(tx, { userId, teamId, accountId: team.accountId, teamName: team.name, byUserId: null, joinedAt: me.joinedAt });
	});
}

/**
 * What ends with someone's membership of the team whose pool is `accountId`: they no longer draw from
 * the pool, and the caps set on their use of it end (an owner who invites them again starts from the
 * team's defaults, not from limits set for who they were). Answers the caps ended, for the audit entry.
 */
async function endMembership(exec: Executor, userId: string, accountId: string) {
	await exec.execute(sql`update user_settings set active_account_id = null, updated_at = now() where user_id = ${userId} and active_account_id = ${accountId}`);
	return endMemberCaps(exec, accountId, userId);
}

const capSchema = z.object({
	userId: z.uuid().nullable(),
	period: z.enum(['daily', 'weekly', 'monthly']),
	/** null or -1: no cap. */
	limitTokens: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).nullable()
});

/**
 * Sets how much one member (userId) or the whole team (userId null) may spend from the team
 * pool per period, through the ledger's setCap. Owners and admins (and site admins); audited.
 */
export async function setTeamCap(
	db: Db,
	input: { teamId: string; userId: string | null; period: 'daily' | 'weekly' | 'monthly'; limitTokens: number | null },
	actor: TeamActor
) {
	const v = parseInput(capSchema, input);
	await requireTeamManager(db.orm, input.teamId, actor);
	const [team] = await db.orm.select().from(teams).where(eq(teams.id, input.teamId));
	if (!team) throw new DomainError('not_found', 'No such team.');
	if (v.userId && !(await teamRoleOf(db.orm, input.teamId, v.userId))) throw new DomainError('not_found', 'That person is not in this team.');
	return db.orm.transaction(async (tx) => {
		// The team's own cap, not the site's default one.
		const before = (await capsInForce(tx, team.accountId)).find((c) => !c.siteDefault && c.memberUserId === v.userId && c.period === v.period);
		await setCap(tx, { accountId: team.accountId, memberUserId: v.userId, period: v.period, limitTokens: v.limitTokens });
		const after = v.limitTokens === -1 ? null : v.limitTokens;
		await audit(tx, { action: 'team.cap_set', actorUserId: actor.userId, targetType: v.userId ? 'user' : 'team', targetId: v.userId ?? team.id, accountId: team.accountId, ip: actor.ip, before: { period: v.period, limitTokens: before?.limitTokens ?? null }, after: { period: v.period, limitTokens: after } });
		return { userId: v.userId, period: v.period, limitTokens: after };
	});
}
