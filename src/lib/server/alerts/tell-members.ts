import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client';
import { config } from '../config';
import { EVERY_ACCOUNT, noticeInbox } from '../ledger';
import { enqueue } from '../schedule/jobs';
import { mailAddress } from '../mail/addresses';
import { queueMail } from '../mail/job';
import { noticeMail } from '../mail/templates';
import { queuePushes } from './push/send';

/** Members told per run of a site-wide notice's job: one statement and its pushes and mails; the next batch is a job of its own. */
export const MEMBERS_BATCH = 500;

/** Where a site-wide notice's telling stands: the change it tells of, when it was made, and the batch it is at. */
export interface MembersBatch {
	/** One change: part of every notice's key, so a batch run again tells no one twice. */
	key: string;
	/** When the change was made (ISO, to the microsecond): members who joined since never had what it changed. */
	at: string;
	/** The last user id of the batch before (ids ascending); null for the first. */
	after: string | null;
}

/**
 * One batch of a site-wide notice (`kind`): the next MEMBERS_BATCH active members (by user id) who
 * joined before the change and pass `where` (SQL on `u`, users); each for whom `said` (SQL on `u`: a
 * jsonb object with title and body, and whatever else the entry's detail keeps; JSON null: nothing to
 * tell) says something gets an inbox entry in one statement ('<kind>:<change>:<user>', so a run
 * again tells no one twice), a push (`tag`) and a mail unless alert mails are off, and every open
 * page one inbox notice; then `job` is queued with the next batch (`payload` plus its cursor).
 * Returns the members told.
 */
export async function tellMembersBatch(
	db: Db,
	n: { kind: string; job: string; tag: string; batch: MembersBatch; said: SQL; where: SQL; payload: object }
): Promise<number> {
	const { key, at, after } = n.batch;
	return db.orm.transaction(async (tx) => {
		const rows = await queryRows<{ id: string; name: string; email: string | null; mailed: boolean; title: string; body: string; told: boolean; last: string }>(tx, sql`
			with picked as (
			  select u.id, u.account_id, u.name, a.email, a.email is not null and coalesce(s.email_alerts, true) as mailed, ${n.said} as said
			    from users u left join user_settings s on s.user_id = u.id
			    cross join lateral (select ${mailAddress(sql.raw('u'))} as email) a
			   where u.disabled_at is null and u.created_at <= ${at}::timestamptz and u.id > coalesce(${after}::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
			     and ${n.where}
			   order by u.id limit ${MEMBERS_BATCH}),
			told as (
			  insert into notifications (account_id, user_id, kind, dedupe_key, detail)
			  select account_id, id, ${n.kind}, ${n.kind}::text || ':' || ${key}::text || ':' || id::text,
			         said || jsonb_build_object('teamName', null, 'mailed', mailed)
			    from picked where jsonb_typeof(said) = 'object'
			  on conflict (dedupe_key) do nothing
			  returning user_id)
			select p.id, p.name, p.email, p.mailed, p.said ->> 'title' as title, p.said ->> 'body' as body,
			       p.id in (select user_id from told) as told, max(p.id::text) over () as last
			  from picked p`);
		const told = rows.filter((r) => r.told);
		const keyOf = (userId: string) => `${n.kind}:${key}:${userId}`;
		await queuePushes(tx, told.map((r) => ({ key: keyOf(r.id), userId: r.id, message: { title: r.title, body: r.body, url: '/alerts', tag: n.tag }, urgency: 'normal' })));
		for (const r of told.filter((r) => r.mailed)) await queueMail(tx, noticeMail(r.email!, r.name, r, config().ORIGIN), keyOf(r.id));
		if (told.length) await noticeInbox(tx, EVERY_ACCOUNT);
		if (rows.length === MEMBERS_BATCH) await enqueue(tx, n.job, { ...n.payload, ...n.batch, after: rows[0]!.last }, { key: `${key}:${rows[0]!.last}` });
		return told.length;
	});
}
