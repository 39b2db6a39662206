import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { config } from '../config';
import { noticeInbox } from '../ledger';
import { queueMail } from '../mail/job';
import { noticeMail } from '../mail/templates';
import { counted } from '../../counted';
import { teamsPool } from '../../pool-name';
import { queuePushes, type UserPush } from './push/send';

/** The inbox kinds of a site admin's change to an account's tokens: tokens added (a bonus), a balance corrected (an adjustment). */
export type CreditNoticeKind = 'site_grant' | 'balance_corrected';

/** What such a notice keeps: the change (tokens, signed: + added, − taken), the admin's note, and its words as shown and mailed. */
export interface CreditNoticeDetail {
	tokens: number;
	note: string;
	/** The team whose pool it was, for its owners and admins; null for the user's own tokens. */
	teamName: string | null;
	title: string;
	body: string;
	mailed: boolean;
}

const english = new Intl.NumberFormat('en');
/** "+500", "−200" (a true minus sign), with thousands separators. */
const signed = (n: number) => `${n < 0 ? '\u2212' : '+'}${english.format(Math.abs(n))}`;

/**
 * A notice's words: "5,000 tokens added by the site", "Your balance was corrected by −200" (a team's
 * pool named: "5,000 tokens added to Acme Studio's pool by the site", "Acme Studio's balance was
 * corrected by +300"); the body is the admin's note, which says why.
 */
export function creditNoticeWords(kind: CreditNoticeKind, tokens: number, note: string, teamName: string | null): { title: string; body: string } {
	const title =
		kind === 'site_grant'
			? `${counted(tokens, 'token', english.format)} added ${teamName ? `to ${teamsPool(teamName)} ` : ''}by the site`
			: `${teamName ? `${teamName}'s` : 'Your'} balance was corrected by ${signed(tokens)}`;
	return { title, body: `Note from the site: ${note}` };
}

/**
 * Tells whoever looks after `accountId` (the user of a personal account; a team's owners and admins;
 * disabled users not) that a site admin added tokens to it or corrected its balance, in `tx`, the
 * transaction of the change, so there is never one without the other: an inbox entry (once per
 * change and person, `key`), a push to their devices, and a mail unless they turned alert mails off
 * in Settings, as the balance alerts do. A change of nothing (`tokens` 0: a balance set to what it
 * was) tells no one. A site key's grants (REST) are the host site's to announce: they tell no one here.
 */
export async function noticeCredit(tx: Executor, n: { kind: CreditNoticeKind; accountId: string; tokens: number; note: string; key: string }): Promise<void> {
	if (n.tokens === 0) return;
	const people = await queryRows<{ user_id: string; name: string; email: string | null; email_alerts: boolean; team_name: string | null }>(tx, sql`
		select u.id as user_id, u.name, u.email, coalesce(s.email_alerts, true) as email_alerts, r.team_name
		  from (select u.id, null::text as team_name from users u where u.account_id = ${n.accountId}::uuid
		        union all
		        select m.user_id, t.name from teams t join team_members m on m.team_id = t.id
		         where t.account_id = ${n.accountId}::uuid and m.role in ('owner', 'admin')) r
		  join users u on u.id = r.id
		  left join user_settings s on s.user_id = u.id
		 where u.disabled_at is null`);
	const pushes: UserPush[] = [];
	for (const p of people) {
		const words = creditNoticeWords(n.kind, n.tokens, n.note, p.team_name);
		const mailed = !!p.email && p.email_alerts;
		const dedupeKey = `${n.kind}:${n.key}:${p.user_id}`;
		const detail: CreditNoticeDetail = { tokens: n.tokens, note: n.note, teamName: p.team_name, ...words, mailed };
		const [row] = await tx
			.insert(notifications)
			.values({ accountId: n.accountId, userId: p.user_id, kind: n.kind, dedupeKey, detail })
			.onConflictDoNothing({ target: notifications.dedupeKey })
			.returning({ id: notifications.id });
		if (!row) continue;
		pushes.push({ key: dedupeKey, userId: p.user_id, message: { ...words, url: '/alerts', tag: `credit-${n.accountId}` }, urgency: 'normal' });
		if (mailed) await queueMail(tx, noticeMail(p.email!, p.name, words, `${config().ORIGIN}/`), dedupeKey);
	}
	await queuePushes(tx, pushes);
	if (pushes.length) await noticeInbox(tx, n.accountId);
}
