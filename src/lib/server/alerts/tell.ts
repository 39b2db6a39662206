import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { config } from '../config';
import { noticeInboxOf, siteTimeZone } from '../ledger';
import { mailAddress } from '../mail/addresses';
import type { MailMessage } from '../mail';
import { queueMails } from '../mail/job';
import { noticeMail } from '../mail/templates';
import { queuePushes, type UserPush } from './push/send';

/** Who looks after an account, as a server-worded notice addresses them. */
export interface Looker {
	userId: string;
	/** The team whose pool it is, for its owners and admins; null for the user's own tokens. */
	teamName: string | null;
	/** The site's time zone (IANA id), in which an instant is said. */
	timeZone: string;
}

/** A notice's words as shown, pushed and mailed, and what its inbox entry keeps besides (`detail`). */
export interface Said {
	title: string;
	body: string;
	detail?: Record<string, unknown>;
}

/** A notice for whoever looks after an account, as `tellLookers` words and sends it. */
export interface Notice {
	accountId: string;
	/** The inbox entry's kind; with `key` and the person, it is written once ('<kind>:<key>:<user>'). */
	kind: string;
	key: string;
	/** The push's tag: one on screen per tag. */
	tag: string;
	say: (who: Looker) => Said;
	/** false: no mail, whatever the person's e-mail alerts say (an event bonus sent in-app only). Default true. */
	byEmail?: boolean;
}

/**
 * Tells whoever looks after `accountId` (the user of a personal account; a team's owners and admins;
 * disabled users and guests no one) what `say` words for each of them, in `tx`, the transaction of the
 * change: an inbox entry of `kind` (once per `key` and person: '<kind>:<key>:<user>'), a push to their
 * devices (`tag`: one on screen per tag), and a mail unless they turned alert mails off in Settings or
 * have not confirmed their address (mail/addresses.ts), or the notice is not `byEmail`.
 * The entry's detail is `say`'s detail with `teamName`, `title`, `body` and `mailed`. Returns how many were told (not before).
 */
export function tellLookers(tx: Executor, n: Notice): Promise<number> {
	return tellMany(tx, [n]);
}

/**
 * `tellLookers` of many notices, of many accounts, in a handful of statements whatever their number
 * (an event bonus tells its accounts 500 at a time: one statement an account each cost a campaign four
 * times its grants). Returns how many people were told (not before).
 */
export async function tellMany(tx: Executor, notices: Notice[]): Promise<number> {
	if (!notices.length) return 0;
	const accountIds = JSON.stringify([...new Set(notices.map((n) => n.accountId))]);
	const people = await queryRows<{ account_id: string; user_id: string; name: string; email: string | null; email_alerts: boolean; team_name: string | null; time_zone: string }>(tx, sql`
		select r.account_id, u.id as user_id, u.name, ${mailAddress(sql.raw('u'))} as email, coalesce(s.email_alerts, true) as email_alerts, r.team_name, ${siteTimeZone} as time_zone
		  from (select u.account_id, u.id, null::text as team_name from users u where u.account_id in (select jsonb_array_elements_text(${accountIds}::jsonb)::uuid)
		        union all
		        select t.account_id, m.user_id, t.name from teams t join team_members m on m.team_id = t.id
		         where t.account_id in (select jsonb_array_elements_text(${accountIds}::jsonb)::uuid) and m.role in ('owner', 'admin')) r
		  join users u on u.id = r.id
		  left join user_settings s on s.user_id = u.id
		 where u.disabled_at is null`);
	// A mail is rendered only for an entry the insert kept: a notice sent again (a campaign applied again) renders none.
	const told = new Map<string, { push: UserPush; mail: (() => { message: MailMessage; key: string }) | null; row: typeof notifications.$inferInsert }>();
	const lookers = new Map<string, typeof people>();
	for (const p of people) lookers.set(p.account_id, [...(lookers.get(p.account_id) ?? []), p]);
	for (const n of notices) {
		for (const p of lookers.get(n.accountId) ?? []) {
			const { title, body, detail } = n.say({ userId: p.user_id, teamName: p.team_name, timeZone: p.time_zone });
			const mailed = n.byEmail !== false && !!p.email && p.email_alerts;
			const dedupeKey = `${n.kind}:${n.key}:${p.user_id}`;
			told.set(dedupeKey, {
				row: { accountId: n.accountId, userId: p.user_id, kind: n.kind, dedupeKey, detail: { ...detail, teamName: p.team_name, title, body, mailed } },
				push: { key: dedupeKey, userId: p.user_id, message: { title, body, url: '/alerts', tag: n.tag }, urgency: 'normal' },
				mail: mailed ? () => ({ message: noticeMail(p.email!, p.name, { title, body }, config().ORIGIN), key: dedupeKey }) : null
			});
		}
	}
	if (!told.size) return 0;
	const written = await tx
		.insert(notifications)
		.values([...told.values()].map((t) => t.row))
		.onConflictDoNothing({ target: notifications.dedupeKey })
		.returning({ dedupeKey: notifications.dedupeKey, accountId: notifications.accountId });
	const fresh = written.map((w) => told.get(w.dedupeKey)!);
	await queueMails(tx, fresh.flatMap((t) => (t.mail ? [t.mail()] : [])));
	await queuePushes(tx, fresh.map((t) => t.push));
	await noticeInboxOf(tx, [...new Set(written.map((w) => w.accountId))]);
	return written.length;
}
