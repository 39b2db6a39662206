import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db';
import { config } from '../config';
import { notifications, users } from '../db/schema';
import { noticeInbox } from '../ledger';
import { queueMail } from '../mail/job';
import { teamLeftMail } from '../mail/templates';

/** The inbox kinds of a membership that ended: removed by a manager, or left by the member. */
export type TeamNoticeKind = 'team_removed' | 'team_left';

/** What a membership notice says, worded here (server-side) as the inbox and its mail show it. */
export interface TeamNoticeDetail {
	teamName: string;
	/** Who removed them (their name); null when they left. */
	byName: string | null;
	title: string;
	body: string;
	mailed: boolean;
}

/** What the member's pages show from now on; the same for a removal and a leaving. */
const AFTER = 'Your pages now show your own tokens; what you used from its pool stays in its records.';

/** The notice's words: "Maya Patel removed you from Acme Studio", "You left Acme Studio". */
export function teamNoticeWords(teamName: string, byName: string | null): { title: string; body: string } {
	return { title: byName === null ? `You left ${teamName}` : `${byName} removed you from ${teamName}`, body: AFTER };
}

/**
 * Tells `userId` that they are no longer in the team (in `tx`, the transaction that ended the
 * membership, so there is never one without the other): an inbox entry on the team's pool
 * (naming the team and who removed them, or confirming they left) and the same words by mail.
 * Their open pages hear of it at once: the stream of their own account (where their pages go now)
 * gets an `inbox` event with the commit.
 */
export async function noticeTeamLeft(tx: Executor, input: { userId: string; teamId: string; accountId: string; teamName: string; byUserId: string | null }): Promise<void> {
	const [member] = await tx.select({ name: users.name, email: users.email, accountId: users.accountId, disabledAt: users.disabledAt }).from(users).where(eq(users.id, input.userId));
	if (!member) return;
	const [by] = input.byUserId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, input.byUserId)) : [];
	const byName = input.byUserId ? (by?.name ?? 'A site administrator') : null;
	const kind: TeamNoticeKind = byName === null ? 'team_left' : 'team_removed';
	const words = teamNoticeWords(input.teamName, byName);
	const mailed = !!member.email && !member.disabledAt;
	// Once per ending: a member may join and leave the same team again.
	const dedupeKey = `${kind}:${input.teamId}:${input.userId}:${randomUUID()}`;
	const detail: TeamNoticeDetail = { teamName: input.teamName, byName, ...words, mailed };
	await tx.insert(notifications).values({ accountId: input.accountId, userId: input.userId, kind, dedupeKey, detail });
	if (mailed) await queueMail(tx, teamLeftMail(member.email!, member.name, words, `${config().ORIGIN}/`), dedupeKey);
	await noticeInbox(tx, member.accountId);
}
