import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, uuidArray, type Executor } from '../db/client';
import { notifications } from '../db/schema';
import { allocationShares, everGrantedTokens, noticeInbox, type AllocationShare } from '../ledger';
import { config } from '../config';
import type { MailMessage } from '../mail';
import { mailAddress } from '../mail/addresses';
import { queueMail } from '../mail/job';
import { lowBalanceMail, outOfTokensMail } from '../mail/templates';
import { decide, measuredShare, stageOf, stageShare, stageTokens, type AlertSteps, type Recorded, type Stage } from './level';
import { alertStepsOf } from './steps';
import { pushWords, stepShort, stepWords } from './words';
import { queuePushes, type UserPush } from './push/send';
import { announceStage } from './events';

export type AlertKind = 'balance_low' | 'balance_empty';

/**
 * Why a step was passed: `drop`, the tokens left fell below it; `set`, they were below it already
 * when the steps were saved (the evaluation of a steps change), so no alert says they dropped.
 */
export type AlertCause = 'drop' | 'set';

export interface SentAlert {
	userId: string;
	kind: AlertKind;
	/** The step crossed: 'share:<percent>', 'tokens:<tokens>' or 'depleted'. */
	stage: Stage;
	notificationId: number;
	mailed: boolean;
}

interface Recipient {
	account_id: string;
	user_id: string;
	email: string | null;
	name: string;
	email_alerts: boolean;
	stage: Stage | null;
	tokens_left: number | null;
	base: number | null;
	last_base: number | null;
	last_allowance_base: number | null;
	generation: number | null;
	team_name: string | null;
}

/** Separates these advisory locks from other users of pg_advisory_xact_lock(int, int). */
const ALERT_LOCK_CLASS = 7243002;

/**
 * Who is told about each account's balance: the user of a personal account; the owners and
 * admins of a team pool. Disabled users are skipped. With each, the stage last recorded for them.
 */
function recipients(exec: Executor, accountIds: string[]): Promise<Recipient[]> {
	return queryRows(exec, sql`
		with ids as (select ${uuidArray(accountIds)} as list),
		r as (
			-- = any(array): index scans on users and teams, whatever the number of accounts
			select u.account_id, u.id from ids, users u where u.account_id = any(ids.list)
			union
			select t.account_id, m.user_id from ids, teams t join team_members m on m.team_id = t.id
			 where t.account_id = any(ids.list) and m.role in ('owner', 'admin')
		)
		select r.account_id, u.id as user_id, ${mailAddress(sql.raw('u'))} as email, u.name,
		       coalesce(s.email_alerts, true) as email_alerts, st.stage, st.tokens_left::int8 as tokens_left, st.base::int8 as base, st.last_base::int8 as last_base, st.last_allowance_base::int8 as last_allowance_base, st.generation,
		       (select name from teams where account_id = r.account_id) as team_name
		  from r join users u on u.id = r.id
		  left join user_settings s on s.user_id = u.id
		  left join alert_states st on st.account_id = r.account_id and st.user_id = u.id
		 where u.disabled_at is null
		 order by r.account_id, u.id`);
}

/** One account's figures as the alerts compare them. */
interface Figures {
	share: AllocationShare;
	steps: AlertSteps;
	/** Ever granted countable tokens: an account that never had any is not "out of tokens". */
	hadTokens: boolean;
}

/** The recipient's recorded stage (null: none yet). */
function recordedOf(r: Recipient): Recorded | null {
	const num = (v: number | null) => (v === null ? null : Number(v));
	return r.stage === null ? null : { stage: r.stage, tokensLeft: num(r.tokens_left), base: num(r.base), lastBase: num(r.last_base), lastAllowanceBase: num(r.last_allowance_base) };
}

/** What an evaluation would change for one recipient (null: nothing): the stage of the share as the change is measured (level.ts `measuredShare`). */
function decisionFor(r: Recipient, f: Figures) {
	const recorded = recordedOf(r);
	return decide(recorded, stageOf(measuredShare(recorded, f.share), f.steps, f.hadTokens), f.share);
}

/** The figures of the accounts given, from the ledger (see ledger/share.ts) and the alert settings: a few reads, whatever their number. */
async function figures(exec: Executor, accountIds: string[]): Promise<(accountId: string) => Figures> {
	const [shares, steps, granted] = await Promise.all([allocationShares(exec, accountIds), alertStepsOf(exec, accountIds), everGrantedTokens(exec, accountIds)]);
	return (id) => ({ share: shares.get(id)!, steps: steps.get(id)!, hadTokens: granted.has(id) });
}

/**
 * The accounts, of those given, where an evaluation would change something for someone (a step
 * crossed or re-armed): the ones worth `evaluateAlerts`. Plain reads for any number of accounts, no lock.
 */
export async function accountsToAlert(exec: Executor, accountIds: string[]): Promise<string[]> {
	if (!accountIds.length) return [];
	const [people, f] = await Promise.all([recipients(exec, accountIds), figures(exec, accountIds)]);
	return [...new Set(people.filter((r) => decisionFor(r, f(r.account_id))).map((r) => r.account_id))];
}

/**
 * Compares an account's allocation share (ledger/share.ts) with its alert steps (alerts/level.ts)
 * for each recipient and, on a crossing, records one notification (the in-app inbox), queues one
 * mail to those who want mail (a `mail.send` job in the same transaction, keyed by the alert: sent
 * after the commit, retried while the SMTP server refuses, never for a rolled-back alert) and queues
 * a push to each of their signed-in devices (`push.send` jobs in the same transaction, held back in
 * quiet hours when sent). Evaluations of one account are serialized by an advisory lock and
 * read the balance after taking it, so they see changes in commit order; the notification's
 * unique dedupe key (account, user, crossing generation, stage) is what guarantees that several
 * processes never record or send the same alert twice. A recorded alert is announced like a
 * balance change of the account (its live streams send the figures again).
 */
export async function evaluateAlerts(db: Db, accountId: string): Promise<SentAlert[]> {
	return db.orm.transaction((tx) => evaluateIn(tx, accountId, 'drop'));
}

/**
 * `evaluateAlerts` in the caller's transaction (the alerts it records say `cause`): a steps change
 * evaluates in its own, so no other evaluation sees the new steps before it (it waits on the lock).
 */
export async function evaluateIn(tx: Executor, accountId: string, cause: AlertCause): Promise<SentAlert[]> {
	await tx.execute(sql`select pg_advisory_xact_lock(${ALERT_LOCK_CLASS}, hashtext(${accountId}))`);
	const people = await recipients(tx, [accountId]);
	// Guests and teams without managers have nobody to tell: skip reading the balance.
	if (!people.length) return [];
	const f = (await figures(tx, [accountId]))(accountId);
	const made: SentAlert[] = [];
	for (const r of people) {
		const d = decisionFor(r, f);
		if (!d) continue;
		// What the alert says the step is a share of: the base the crossing was measured by.
		const share = measuredShare(recordedOf(r), f.share);
		// A re-arm ends the crossing: the next drop is a new one, with new dedupe keys.
		const generation = (r.generation ?? 0) + (d.rearm ? 1 : 0);
		await tx.execute(sql`
			insert into alert_states (account_id, user_id, stage, tokens_left, base, last_base, last_allowance_base, generation)
			values (${accountId}::uuid, ${r.user_id}::uuid, ${d.stage}, ${d.tokensLeft}, ${d.base}, ${d.lastBase}, ${d.lastAllowanceBase}, ${generation})
			on conflict (account_id, user_id) do update
			  set stage = excluded.stage, tokens_left = excluded.tokens_left, base = excluded.base, last_base = excluded.last_base,
			      last_allowance_base = excluded.last_allowance_base,
			      generation = excluded.generation, updated_at = now()`);
		if (!d.alert) continue;
		const kind: AlertKind = d.stage === 'depleted' ? 'balance_empty' : 'balance_low';
		const mailed = r.email_alerts && r.email !== null;
		const step = { sharePercent: stageShare(d.stage), tokensStep: stageTokens(d.stage) };
		const [row] = await tx
			.insert(notifications)
			.values({
				accountId,
				userId: r.user_id,
				kind,
				dedupeKey: `${d.stage}:${accountId}:${r.user_id}:${generation}`,
				balance: share.left,
				detail: { ...step, base: share.base, teamName: r.team_name, mailed, cause }
			})
			.onConflictDoNothing({ target: notifications.dedupeKey })
			.returning({ id: notifications.id });
		if (!row) continue;
		await announceStage(tx, accountId, d.stage, generation, share);
		made.push({ userId: r.user_id, kind, stage: d.stage, notificationId: row.id, mailed });
		if (mailed) await queueMail(tx, alertMail(r, d.stage, share.left, cause), `alert:${row.id}`);
		await queuePushes(tx, [alertPush(r, d.stage, share.left, row.id)]);
	}
	// Open pages of the account refresh on the notice at its commit: the unread count shows the alert at once.
	if (made.length) await noticeInbox(tx, accountId);
	return made;
}

/** One alert as a push: opens the dashboard; one notification per account (a deeper step replaces the last one). */
function alertPush(r: Recipient, stage: Stage, left: number, notificationId: number): UserPush {
	return {
		key: `alert:${notificationId}`,
		userId: r.user_id,
		message: { ...pushWords({ teamName: r.team_name }, stage, left), url: '/dashboard', tag: `balance-${r.account_id}` },
		urgency: stage === 'depleted' ? 'high' : 'normal',
		topic: r.account_id.replaceAll('-', '')
	};
}

function alertMail(r: Recipient, stage: Stage, left: number, cause: AlertCause): MailMessage {
	const who = { name: r.name, teamName: r.team_name };
	const link = `${config().ORIGIN}/store`;
	return stage === 'depleted'
		? outOfTokensMail(r.email!, who, link)
		: lowBalanceMail(r.email!, who, { left, step: stepWords(stage, r.team_name !== null), short: stepShort(stage), cause }, link);
}
