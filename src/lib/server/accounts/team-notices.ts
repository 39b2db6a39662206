import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db';
import { config } from '../config';
import { notifications, teamMembers, users, userSettings } from '../db/schema';
import { noticeInbox, usedByActorSince } from '../ledger';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';
import { mailAddress } from '../mail/addresses';
import { queueMail } from '../mail/job';
import { noticeMail } from '../mail/templates';

/**
 * The inbox kinds of a membership that ended: removed by a manager, or left by the member; and, to the
 * team's owners and admins, a member who left (a removal is a manager's own doing).
 */
export type TeamNoticeKind = 'team_removed' | 'team_left' | 'team_member_left';

/** What a membership notice says, worded here (server-side) as the inbox and its mail show it. */
export interface TeamNoticeDetail {
	teamName: string;
	/** Who removed them (their name); null when they left. */
	byName: string | null;
	/** Tokens they used from the pool while a member (absent in notices from before it was said). */
	used?: number;
	title: string;
	body: string;
	mailed: boolean;
}

/** What the member's pages show from now on; the same for a removal and a leaving. */
const AFTER = 'Your pages now show your own tokens.';

/**
 * The notice's words: "Maya Patel removed you from Acme Studio", "You left Acme Studio"; the body
 * says how many of the pool's tokens they used while a member (`used`, tokens), then what changes.
 */
export function teamNoticeWords(teamName: string, byName: string | null, used: number): { title: string; body: string } {
	const use = used > 0 ? `You used ${counted(used, 'token', plainFormatter.tokens)} of its pool while you were a member; that use stays in its records.` : "You used none of its pool's tokens while you were a member.";
	return { title: byName === null ? `You left ${teamName}` : `${byName} removed you from ${teamName}`, body: `${use} ${AFTER}` };
}

/**
 * What the team's owners and admins are told when `memberName` left: "Leo Martin left Acme Studio", then how
 * many of the pool's tokens they used while a member (`used`) and what ended with them.
 */
export function memberLeftWords(teamName: string, memberName: string, used: number): { title: string; body: string } {
	const use = used > 0 ? `They used ${counted(used, 'token', plainFormatter.tokens)} of its pool while they were a member; that use stays in its records.` : "They used none of its pool's tokens while they were a member.";
	return { title: `${memberName} left ${teamName}`, body: `${use} They no longer draw from it; any cap on their use of it ended.` };
}

/**
 * Tells `userId` that they are no longer in the team (in `tx`, the transaction that ended the
 * membership, so there is never one without the other): an inbox entry on the team's pool
 * (naming the team and who removed them, or confirming they left, and how many of the pool's
 * tokens they used since they joined, `joinedAt`) and the same words by mail, unless they turned
 * alert mails off in Settings (as balance alerts do).
 * Their open pages hear of it at once: the stream of their own account (where their pages go now)
 * gets an `inbox` event with the commit. When they left, the team's owners and admins are told too
 * (`memberLeftWords`), in the pool's inbox and by mail on the same terms; a removal was one of theirs.
 */
export async function noticeTeamLeft(tx: Executor, input: { userId: string; teamId: string; accountId: string; teamName: string; byUserId: string | null; joinedAt: Date }): Promise<void> {
	const told = await telling(tx, [input.userId]);
	const member = told[0];
	if (!member) return;
	const [by] = input.byUserId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, input.byUserId)) : [];
	const byName = input.byUserId ? (by?.name ?? 'A site administrator') : null;
	const kind: TeamNoticeKind = byName === null ? 'team_left' : 'team_removed';
	const used = await usedByActorSince(tx, input.accountId, input.userId, input.joinedAt);
	// Once per ending: a member may join and leave the same team again.
	const ending = randomUUID();
	await tell(tx, member, { accountId: input.accountId, kind, key: `${input.teamId}:${input.userId}:${ending}`, teamName: input.teamName, byName, used, words: teamNoticeWords(input.teamName, byName, used) });
	await noticeInbox(tx, member.accountId);
	if (byName !== null) return;
	// The team's owners and admins hear that a member left, in the pool's inbox (a removal was one of theirs).
	const ids = await tx.select({ userId: teamMembers.userId }).from(teamMembers).where(and(eq(teamMembers.teamId, input.teamId), inArray(teamMembers.role, ['owner', 'admin'])));
	const managers = (await telling(tx, ids.map((x) => x.userId))).filter((m) => !m.disabledAt);
	const words = memberLeftWords(input.teamName, member.name, used);
	for (const m of managers) {
		await tell(tx, m, { accountId: input.accountId, kind: 'team_member_left', key: `${input.teamId}:${input.userId}:${ending}:${m.id}`, teamName: input.teamName, byName: null, used, words });
	}
	if (managers.length) await noticeInbox(tx, input.accountId);
}

/** The people a team notice is for, with what its mail needs. */
const telling = (tx: Executor, ids: string[]) =>
	ids.length
		? tx
				.select({ id: users.id, name: users.name, email: mailAddress(), accountId: users.accountId, disabledAt: users.disabledAt, emailAlerts: userSettings.emailAlerts })
				.from(users)
				.leftJoin(userSettings, eq(userSettings.userId, users.id))
				.where(inArray(users.id, ids))
		: Promise.resolve([]);

/** One team notice: its inbox entry on the pool (`accountId`) and, unless they turned alert mails off (or are disabled), its mail. */
async function tell(
	tx: Executor,
	to: Awaited<ReturnType<typeof telling>>[number],
	n: { accountId: string; kind: TeamNoticeKind; key: string; teamName: string; byName: string | null; used: number; words: { title: string; body: string } }
): Promise<void> {
	const mailed = !!to.email && !to.disabledAt && (to.emailAlerts ?? true);
	const dedupeKey = `${n.kind}:${n.key}`;
	const detail: TeamNoticeDetail = { teamName: n.teamName, byName: n.byName, used: n.used, ...n.words, mailed };
	await tx.insert(notifications).values({ accountId: n.accountId, userId: to.id, kind: n.kind, dedupeKey, detail });
	if (mailed) await queueMail(tx, noticeMail(to.email!, to.name, n.words, config().ORIGIN), dedupeKey);
}
