import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { config } from '../config';
import { noticeInbox, siteTimeZone } from '../ledger';
import { queueMail } from '../mail/job';
import { noticeMail } from '../mail/templates';
import { counted } from '../../counted';
import { teamsPool } from '../../pool-name';
import { localeFormatter } from '../../refusal-message';
import { queuePushes, type UserPush } from './push/send';

/**
 * The inbox kinds of a site admin's change to an account's tokens: tokens added (a bonus), a balance
 * corrected (an adjustment), unlimited use granted or ended.
 */
export type CreditNoticeKind = 'site_grant' | 'balance_corrected' | 'unlimited_granted' | 'unlimited_ended';

/**
 * What a site admin changed: tokens added or taken (`tokens`, signed), or unlimited use of a model
 * (`modelName`; null: every model) granted until an instant (`until`; null: no end date) or ended.
 */
export type CreditChange =
	| { kind: 'site_grant' | 'balance_corrected'; tokens: number }
	| { kind: 'unlimited_granted'; modelName: string | null; until: Date | null }
	| { kind: 'unlimited_ended'; modelName: string | null };

/** What such a notice keeps: the change (tokens, signed: + added, − taken; 0 for unlimited use), the admin's note, and its words as shown and mailed. */
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
/** "Dec 12, 2026, 00:00 Berlin time (UTC+1)": an instant as the app's pages (and refusals) say it, in a zone. */
const pageWords = localeFormatter('en');

/**
 * A notice's words: "5,000 tokens added by the site", "Your balance was corrected by −200",
 * "Unlimited use of GPT-5 Nano until Dec 12, 2026, 00:00 Berlin time (UTC+1), by the site",
 * "Unlimited use of every model with no end date, by the site", "Your unlimited use of every model
 * ended" (a team's pool named: "5,000 tokens added to Acme Studio's pool by the site", "Acme
 * Studio's balance was corrected by +300", "Unlimited use of every model for Acme Studio's pool …",
 * "Acme Studio's unlimited use of … ended"); the body is the admin's note, which says why (none: empty).
 * `timeZone`: the site's (IANA id), in which an end date is said.
 */
export function creditNoticeWords(change: CreditChange, note: string, teamName: string | null, timeZone = 'UTC'): { title: string; body: string } {
	const body = note ? `Note from the site: ${note}` : '';
	switch (change.kind) {
		case 'site_grant':
			return { title: `${counted(change.tokens, 'token', english.format)} added ${teamName ? `to ${teamsPool(teamName)} ` : ''}by the site`, body };
		case 'balance_corrected':
			return { title: `${teamName ? `${teamName}'s` : 'Your'} balance was corrected by ${signed(change.tokens)}`, body };
		case 'unlimited_granted': {
			const until = change.until ? `until ${pageWords.time(change.until.toISOString(), timeZone)}` : 'with no end date';
			return { title: `Unlimited use of ${change.modelName ?? 'every model'}${teamName ? ` for ${teamsPool(teamName)}` : ''} ${until}, by the site`, body };
		}
		case 'unlimited_ended':
			return { title: `${teamName ? `${teamName}'s` : 'Your'} unlimited use of ${change.modelName ?? 'every model'} ended`, body };
	}
}

/**
 * Tells whoever looks after `accountId` (the user of a personal account; a team's owners and admins;
 * disabled users not) that a site admin added tokens to it, corrected its balance, or granted or ended
 * its unlimited use, in `tx`, the transaction of the change, so there is never one without the other:
 * an inbox entry (once per change and person, `key`), a push to their devices, and a mail unless they
 * turned alert mails off in Settings, as the balance alerts do. A change of no tokens (`tokens` 0: a
 * balance set to what it was) tells no one. A site key's grants and ends (REST) are the host site's to
 * announce: they tell no one here.
 */
export async function noticeCredit(tx: Executor, n: { change: CreditChange; accountId: string; note: string; key: string }): Promise<void> {
	const tokens = 'tokens' in n.change ? n.change.tokens : 0;
	if ('tokens' in n.change && tokens === 0) return;
	const people = await queryRows<{ user_id: string; name: string; email: string | null; email_alerts: boolean; team_name: string | null; time_zone: string }>(tx, sql`
		select u.id as user_id, u.name, u.email, coalesce(s.email_alerts, true) as email_alerts, r.team_name, ${siteTimeZone} as time_zone
		  from (select u.id, null::text as team_name from users u where u.account_id = ${n.accountId}::uuid
		        union all
		        select m.user_id, t.name from teams t join team_members m on m.team_id = t.id
		         where t.account_id = ${n.accountId}::uuid and m.role in ('owner', 'admin')) r
		  join users u on u.id = r.id
		  left join user_settings s on s.user_id = u.id
		 where u.disabled_at is null`);
	const pushes: UserPush[] = [];
	for (const p of people) {
		const words = creditNoticeWords(n.change, n.note, p.team_name, p.time_zone);
		const mailed = !!p.email && p.email_alerts;
		const dedupeKey = `${n.change.kind}:${n.key}:${p.user_id}`;
		const detail: CreditNoticeDetail = { tokens, note: n.note, teamName: p.team_name, ...words, mailed };
		const [row] = await tx
			.insert(notifications)
			.values({ accountId: n.accountId, userId: p.user_id, kind: n.change.kind, dedupeKey, detail })
			.onConflictDoNothing({ target: notifications.dedupeKey })
			.returning({ id: notifications.id });
		if (!row) continue;
		pushes.push({ key: dedupeKey, userId: p.user_id, message: { ...words, url: '/alerts', tag: `credit-${n.accountId}` }, urgency: 'normal' });
		if (mailed) await queueMail(tx, noticeMail(p.email!, p.name, words, `${config().ORIGIN}/`), dedupeKey);
	}
	await queuePushes(tx, pushes);
	if (pushes.length) await noticeInbox(tx, n.accountId);
}
