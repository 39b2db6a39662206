import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { config } from '../config';
import { noticeInbox, siteTimeZone } from '../ledger';
import { mailAddress } from '../mail/addresses';
import { queueMail } from '../mail/job';
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

/**
 * Tells whoever looks after `accountId` (the user of a personal account; a team's owners and admins;
 * disabled users and guests no one) what `say` words for each of them, in `tx`, the transaction of the
 * change: an inbox entry of `kind` (once per `key` and person: '<kind>:<key>:<user>'), a push to their
 * devices (`tag`: one on screen per tag), and a mail unless they turned alert mails off in Settings or
 * have not confirmed their address (mail/addresses.ts).
 * The entry's detail is `say`'s detail with `teamName`, `title`, `body` and `mailed`. Returns how many were told (not before).
 */
export async function tellLookers(tx: Executor, n: { accountId: string; kind: string; key: string; tag: string; say: (who: Looker) => Said }): Promise<number> {
	const people = await queryRows<{ user_id: string; name: string; email: string | null; email_alerts: boolean; team_name: string | null; time_zone: string }>(tx, sql`
		select u.id as user_id, u.name, ${mailAddress(sql.raw('u'))} as email, coalesce(s.email_alerts, true) as email_alerts, r.team_name, ${siteTimeZone} as time_zone
		  from (select u.id, null::text as team_name from users u where u.account_id = ${n.accountId}::uuid
		        union all
		        select m.user_id, t.name from teams t join team_members m on m.team_id = t.id
		         where t.account_id = ${n.accountId}::uuid and m.role in ('owner', 'admin')) r
		  join users u on u.id = r.id
		  left join user_settings s on s.user_id = u.id
		 where u.disabled_at is null`);
	const pushes: UserPush[] = [];
	for (const p of people) {
		const { title, body, detail } = n.say({ userId: p.user_id, teamName: p.team_name, timeZone: p.time_zone });
		const mailed = !!p.email && p.email_alerts;
		const dedupeKey = `${n.kind}:${n.key}:${p.user_id}`;
		const [row] = await tx
			.insert(notifications)
			.values({ accountId: n.accountId, userId: p.user_id, kind: n.kind, dedupeKey, detail: { ...detail, teamName: p.team_name, title, body, mailed } })
			.onConflictDoNothing({ target: notifications.dedupeKey })
			.returning({ id: notifications.id });
		if (!row) continue;
		pushes.push({ key: dedupeKey, userId: p.user_id, message: { title, body, url: '/alerts', tag: n.tag }, urgency: 'normal' });
		if (mailed) await queueMail(tx, noticeMail(p.email!, p.name, { title, body }, config().ORIGIN), dedupeKey);
	}
	await queuePushes(tx, pushes);
	if (pushes.length) await noticeInbox(tx, n.accountId);
	return pushes.length;
}
