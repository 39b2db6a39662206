import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db';
import { config } from '../config';
import { notifications, users, userSettings } from '../db/schema';
import { noticeInbox, usedByActorSince } from '../ledger';
import { counted } from '../../counted';
import { queueMail } from '../mail/job';
import { noticeMail } from '../mail/templates';

/** The inbox kinds of a membership that ended: removed by a manager, or left by the member. */
export type TeamNoticeKind = 'team_removed' | 'team_left';

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

const english = new Intl.NumberFormat('en');

/** What the member's pages show from now on; the same for a removal and a leaving. */
const AFTER = 'Your pages now show your own tokens.';

/**
 * The notice's words: "Maya Patel removed you from Acme Studio", "You left Acme Studio"; the body
 * says how many of the pool's tokens they used while a member (`used`, tokens), then what changes.
 */
export function teamNoticeWords(teamName: string, byName: string | null, used: number): { title: string; body: string } {
	const use = used > 0 ? `You used ${counted(used, 'token', english.format)} of its pool while you were a member; that use stays in its records.` : "You used none of its pool's tokens while you were a member.";
	return { title: byName === null ? `You left ${teamName}` : `${byName} removed you from ${teamName}`, body: `${use} ${AFTER}` };
}

/**
 * Tells `userId` that they are no longer in the team (in `tx`, the transaction that ended the
 * membership, so there is never one without the other): an inbox entry on the team's pool
 * (naming the team and who removed them, or confirming they left, and how many of the pool's
 * tokens they used since they joined, `joinedAt`) and the same words by mail, unless they turned
 * alert mails off in Settings (as balance alerts do).
 * Their open pages hear of it at once: the stream of their own account (where their pages go now)
 * gets an `inbox` event with the commit.
 */
export async function noticeTeamLeft(tx: Executor, input: { userId: string; teamId: string; accountId: string; teamName: string; byUserId: string | null; joinedAt: Date }): Promise<void> {
	const [member] = await tx
		.select({ name: users.name, email: users.email, accountId: users.accountId, disabledAt: users.disabledAt, emailAlerts: userSettings.emailAlerts })
		.from(users)
		.leftJoin(userSettings, eq(userSettings.userId, users.id))
		.where(eq(users.id, input.userId));
	if (!member) return;
	const [by] = input.byUserId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, input.byUserId)) : [];
	const byName = input.byUserId ? (by?.name ?? 'A site administrator') : null;
	const kind: TeamNoticeKind = byName === null ? 'team_left' : 'team_removed';
	const used = await usedByActorSince(tx, input.accountId, input.userId, input.joinedAt);
	const words = teamNoticeWords(input.teamName, byName, used);
	const mailed = !!member.email && !member.disabledAt && (member.emailAlerts ?? true);
	// Once per ending: a member may join and leave the same team again.
	const dedupeKey = `${kind}:${input.teamId}:${input.userId}:${randomUUID()}`;
	const detail: TeamNoticeDetail = { teamName: input.teamName, byName, used, ...words, mailed };
	await tx.insert(notifications).values({ accountId: input.accountId, userId: input.userId, kind, dedupeKey, detail });
	if (mailed) await queueMail(tx, noticeMail(member.email!, member.name, words, config().ORIGIN), dedupeKey);
	await noticeInbox(tx, member.accountId);
}
