import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { allocationsByAccount, availableOf, balances, type Balances, type Level } from '../ledger';
import { config } from '../config';
import { mailer as appMailer, type MailMessage, type Mailer } from '../mail';
import { lowBalanceMail, outOfTokensMail } from '../mail/templates';
import { alertLevel, levelRank } from './level';

export type AlertKind = 'balance_low' | 'balance_empty';

export interface SentAlert {
	userId: string;
	kind: AlertKind;
	notificationId: number;
	mailed: boolean;
}

interface Recipient {
	user_id: string;
	email: string | null;
	name: string;
	share: number;
	email_alerts: boolean;
	level: Level | null;
	generation: number | null;
	team_name: string | null;
	had_tokens: boolean;
}

/** Separates these advisory locks from other users of pg_advisory_xact_lock(int, int). */
const ALERT_LOCK_CLASS = 7243002;

/**
 * Who is told about each account's balance: the user of a personal account; the owners and
 * admins of a team pool. Disabled users are skipped. With each, their threshold and last alerted level.
 */
function recipients(exec: Executor, accountIds: string[]): Promise<(Recipient & { account_id: string })[]> {
	return queryRows(exec, sql`
		with ids as (select ${uuidArray(accountIds)} as list),
		r as (
			-- = any(array): index scans on users and teams, whatever the number of accounts
			select u.account_id, u.id from ids, users u where u.account_id = any(ids.list)
			union
			select t.account_id, m.user_id from ids, teams t join team_members m on m.team_id = t.id
			 where t.account_id = any(ids.list) and m.role in ('owner', 'admin')
		)
		select r.account_id, u.id as user_id, u.email, u.name, coalesce(s.low_share_percent, 20) as share,
		       coalesce(s.email_alerts, true) as email_alerts, st.level, st.generation,
		       (select name from teams where account_id = r.account_id) as team_name,
		       exists (select 1 from lots where account_id = r.account_id and not unlimited) as had_tokens
		  from r join users u on u.id = r.id
		  left join user_settings s on s.user_id = u.id
		  left join alert_states st on st.account_id = r.account_id and st.user_id = u.id
		 where u.disabled_at is null
		 order by r.account_id, u.id`);
}

/**
 * The accounts, of those given, whose alert level moved for someone since it was last recorded:
 * the ones worth `evaluateAlerts`. Two plain reads for any number of accounts, no lock.
 */
export async function accountsToAlert(exec: Executor, accountIds: string[]): Promise<string[]> {
	if (!accountIds.length) return [];
	const [people, allocations] = await Promise.all([recipients(exec, accountIds), allocationsByAccount(exec, accountIds)]);
	const due = new Set<string>();
	for (const r of people) {
		const own = allocations.get(r.account_id) ?? [];
		if (alertLevel({ available: availableOf(own), allocations: own }, r.share, r.had_tokens) !== (r.level ?? 'ok')) due.add(r.account_id);
	}
	return [...due];
}

/**
 * Compares an account's balance with each recipient's threshold and, on a crossing (below the
 * threshold, or empty), records one notification and mails it once. Evaluations of one account
 * are serialized by an advisory lock and read the balance after taking it, so they see changes in
 * commit order; the notification's unique dedupe key (kind, account, user, crossing generation)
 * is what guarantees that several processes never send the same alert twice. Mail goes out after
 * the commit: a crash in between loses a mail rather than sending one for a rolled-back record.
 */
export async function evaluateAlerts(db: Db, accountId: string, opts: { mailer?: Mailer } = {}): Promise<SentAlert[]> {
	const outbox: MailMessage[] = [];
	const sent = await db.orm.transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(${ALERT_LOCK_CLASS}, hashtext(${accountId}))`);
		const people = await recipients(tx, [accountId]);
		// Guests and teams without managers have nobody to tell: skip reading the balance.
		if (!people.length) return [];
		const b = await balances(tx, accountId);
		const made: SentAlert[] = [];
		for (const r of people) {
			const level = alertLevel(b, r.share, r.had_tokens);
			const previous = r.level ?? 'ok';
			if (level === previous) continue;
			const worse = levelRank[level] > levelRank[previous];
			// A better level ends the crossing: the next drop is a new one, with a new dedupe key.
			const generation = (r.generation ?? 0) + (worse ? 0 : 1);
			await tx.execute(sql`
				insert into alert_states (account_id, user_id, level, generation) values (${accountId}::uuid, ${r.user_id}::uuid, ${level}, ${generation})
				on conflict (account_id, user_id) do update set level = excluded.level, generation = excluded.generation, updated_at = now()`);
			if (!worse) continue;
			const kind: AlertKind = level === 'empty' ? 'balance_empty' : 'balance_low';
			const mailed = r.email_alerts && r.email !== null;
			const [row] = await tx
				.insert(notifications)
				.values({
					accountId,
					userId: r.user_id,
					kind,
					dedupeKey: `${kind}:${accountId}:${r.user_id}:${generation}`,
					balance: b.available,
					detail: { sharePercent: r.share, teamName: r.team_name, mailed }
				})
				.onConflictDoNothing({ target: notifications.dedupeKey })
				.returning({ id: notifications.id });
			if (!row) continue;
			made.push({ userId: r.user_id, kind, notificationId: row.id, mailed });
			if (mailed) outbox.push(alertMail(r, kind, b));
		}
		return made;
	});
	const mail = opts.mailer ?? appMailer();
	for (const m of outbox) {
		await mail.send(m).catch((e) => console.error(`[alerts] mail to ${m.to} failed`, e));
	}
	return sent;
}

function alertMail(r: Recipient, kind: AlertKind, b: Balances): MailMessage {
	const who = { name: r.name, teamName: r.team_name };
	const link = `${config().ORIGIN}/store`;
	return kind === 'balance_empty'
		? outOfTokensMail(r.email!, who, link)
		: lowBalanceMail(r.email!, who, { available: new Intl.NumberFormat('en').format(b.available), sharePercent: r.share }, link);
}
