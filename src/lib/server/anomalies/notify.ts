import { sql } from 'drizzle-orm';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { queuePushes, type UserPush } from '../alerts';
import { noticeInbox, noticeInboxOf } from '../ledger';
import type { RaisedFlag } from './check';
import { anomalyWords } from './words';

export interface OpenedFlag extends RaisedFlag {
	keyName: string | null;
	/** A site's keys are paused by a site admin only; an account's own keys by whoever manages the account. */
	keyKind: 'site' | 'account' | null;
}

/** What an anomaly notification keeps (the inbox shows it with its actions and the cap its flag kept when raised: suggest.ts). */
export interface AnomalyDetail {
	flagId: number;
	anomaly: RaisedFlag['kind'];
	figures: RaisedFlag['figures'];
	keyId: string | null;
	keyName: string | null;
	keyKind: 'site' | 'account' | null;
	teamName: string | null;
	/** The flag in words (words.ts), as pushed. */
	title: string;
	body: string;
}

/**
 * Tells each opened flag to whoever looks after the account — the user of a personal account, a
 * team's owners and admins — in the inbox (one notification per flag and person, unique key) and
 * by push (`push.send` jobs queued in the same transaction). Disabled users are skipped.
 */
export async function notifyOpened(tx: Executor, flags: OpenedFlag[]): Promise<void> {
	if (!flags.length) return;
	const people = await queryRows<{ account_id: string; user_id: string; team_name: string | null }>(tx, sql`
		with ids as (select ${uuidArray([...new Set(flags.map((f) => f.accountId))])} as list)
		select u.account_id, u.id as user_id, null::text as team_name from ids, users u where u.account_id = any(ids.list) and u.disabled_at is null
		union all
		select t.account_id, m.user_id, t.name from ids, teams t join team_members m on m.team_id = t.id join users u on u.id = m.user_id
		 where t.account_id = any(ids.list) and m.role in ('owner', 'admin') and u.disabled_at is null`);
	const pushes: UserPush[] = [];
	for (const f of flags) {
		for (const p of people.filter((x) => x.account_id === f.accountId)) {
			const words = anomalyWords(f.kind, f.figures, { teamName: p.team_name, keyName: f.keyName });
			const detail: AnomalyDetail = { flagId: f.id, anomaly: f.kind, figures: f.figures, keyId: f.keyId, keyName: f.keyName, keyKind: f.keyKind, teamName: p.team_name, ...words };
			const dedupeKey = noticeKey(f.id, p.user_id);
			await tx.insert(notifications).values({ accountId: f.accountId, userId: p.user_id, kind: 'anomaly', dedupeKey, detail }).onConflictDoNothing({ target: notifications.dedupeKey });
			pushes.push({ key: dedupeKey, userId: p.user_id, message: { ...words, url: '/alerts', tag: `anomaly-${f.id}` }, urgency: 'high' });
		}
	}
	await queuePushes(tx, pushes);
	await noticeInboxOf(tx, [...new Set(flags.map((f) => f.accountId))]);
}

/** A flag's notification for one person: one per flag and person. */
const noticeKey = (flagId: number, userId: string) => `anomaly:${flagId}:${userId}`;

/**
 * Marks read the notification of a flag that `userId` has just acted on (paused its key, set its
 * cap): an alert acted on is dealt with, and stayed "Unread" under "Daily cap set to 23,500 tokens."
 * Others who look after the account keep theirs unread. Open pages refresh their inbox and badge.
 */
export async function markFlagRead(exec: Executor, flag: { id: number; account_id: string }, userId: string): Promise<void> {
	const read = await queryRows<{ id: number }>(exec, sql`
		update notifications set read_at = now() where dedupe_key = ${noticeKey(flag.id, userId)} and read_at is null returning id`);
	if (read.length) await noticeInbox(exec, flag.account_id);
}
