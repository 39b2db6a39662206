import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows, type Db, type Executor } from '../db/client';
import { config } from '../config';
import { subscribeDomainEvents, type DomainEvent } from '../domain-events';
import { allowanceNoticeFacts, EVERY_ACCOUNT, noticeInbox, ownAllowanceUsersSql, type ModuleLimits, type Period, type RuleLimit } from '../ledger';
import { enqueue, type JobDefinition } from '../schedule/jobs';
import { queueMail } from '../mail/job';
import { noticeMail } from '../mail/templates';
import { counted } from '../../counted';
import { teamsPool } from '../../pool-name';
import { localeFormatter } from '../../refusal-message';
import { queuePushes } from './push/send';
import { tellLookers } from './tell';

/** The inbox kinds of a free allowance: used up for its window, or changed by the site for the member's role. */
export type AllowanceNoticeKind = 'allowance_used_up' | 'allowance_changed';

/** "Dec 6, 2026, 00:00 Berlin time (UTC+1)": an instant as the app's pages (and refusals) say it, in a zone. */
const pageWords = localeFormatter('en');
const english = new Intl.NumberFormat('en');

/**
 * The words of a used-up allowance: "Your free Chatbot allowance is used up until Dec 6, 2026, 00:00
 * UTC" (a team's pool named for its owners and admins: "Acme Studio's free …"; one that never resets:
 * "… is used up"), and what happens next: "Further use is paid from your balance." or, with no tokens
 * of its own, "Further use is refused until then, unless you add tokens." `resetsAt`: ISO or null.
 */
export function usedUpWords(d: { moduleName: string; resetsAt: string | null; timeZone: string; teamName: string | null; hasBalance: boolean }): { title: string; body: string } {
	const until = d.resetsAt ? ` until ${pageWords.time(d.resetsAt, d.timeZone)}` : '';
	const whose = d.teamName ? `${d.teamName}'s` : 'Your';
	const pool = d.teamName ? teamsPool(d.teamName) : null;
	const body = d.hasBalance
		? `Further use is paid from ${pool ?? 'your balance'}.`
		: `Further use is refused${d.resetsAt ? ' until then' : ''}, unless ${pool ? `tokens are added to ${pool}` : 'you add tokens'}.`;
	return { title: `${whose} free ${d.moduleName} allowance is used up${until}`, body };
}

/**
 * Tells whoever looks after the account of an `allowance.exhausted` event (ledger/events.ts: the last
 * free tokens of a module's window were just spent) that the allowance is used up until the window
 * ends, once per window and person (the event's key: account, module, window end), in the event's
 * transaction: inbox, push, and mail as their settings say (tell.ts). A guest has no one to tell.
 * A team pool's owners and admins are told, as of the pool's other notices: the pool's balance, which
 * further use draws on, is theirs to look after; its other members see the refusal's own words.
 */
export async function noticeAllowanceUsedUp(tx: Executor, event: DomainEvent): Promise<void> {
	const { module, resets_at: resetsAt, limit, period } = event.data as { module: string; resets_at: string | null; limit: number; period: Period };
	const facts = await allowanceNoticeFacts(tx, { module, accountId: event.accountId });
	if (!facts) return;
	await tellLookers(tx, {
		accountId: event.accountId,
		kind: 'allowance_used_up',
		key: event.key,
		tag: `allowance-${event.accountId}-${module}`,
		say: (who) => ({
			...usedUpWords({ moduleName: facts.moduleName, resetsAt, timeZone: who.timeZone, teamName: who.teamName, hasBalance: facts.hasBalance }),
			detail: { module, limit, period, resetsAt }
		})
	});
}

/** Subscribes the used-up notices to the ledger's `allowance.exhausted` (once per process, at start-up); returns the unsubscribe function. */
export function startAllowanceNotices(): () => void {
	return subscribeDomainEvents(async (tx, event) => {
		if (event.type === 'allowance.exhausted') await noticeAllowanceUsedUp(tx, event);
	});
}

/** What a member's rule gives: tokens (null unlimited, 0 not available, 'none' no free allowance) per period. */
export interface Allowance {
	limit: RuleLimit;
	period: Period;
}

const per: Record<Period, string> = { daily: 'a day', weekly: 'a week', monthly: 'a month', never: 'that never reset' };

/** "10,000 tokens a day", "unlimited", "not available", "no free allowance". */
function amount(a: Allowance): string {
	if (a.limit === 'none') return 'no free allowance';
	if (a.limit === null) return 'unlimited';
	if (a.limit === 0) return 'not available';
	return `${counted(a.limit, 'token', english.format)} ${per[a.period]}`;
}

/**
 * The words of a change of a member's free allowance of a module by the site: "Your free Chatbot
 * allowance is now 2,000 tokens a day" (unlimited: "is now unlimited"; None: "Your free Chatbot allowance
 * has ended"; 0: "Chatbot is no longer available to you"), and in the body what it was and from when it
 * applies: "It was 10,000 tokens a day. It applies from now on; this window resets Dec 6, 2026, 00:00
 * UTC." `windowEnd`: ISO, the end of the window open now under the new period (null: never resets).
 */
export function allowanceChangeWords(d: { moduleName: string; from: Allowance; to: Allowance; windowEnd: string | null; timeZone: string }): { title: string; body: string } {
	const was = `It was ${amount(d.from)}.`;
	if (d.to.limit === 'none') return { title: `Your free ${d.moduleName} allowance has ended`, body: `${was} From now on, ${d.moduleName} use is paid from your balance.` };
	if (d.to.limit === 0) return { title: `${d.moduleName} is no longer available to you`, body: `${was} From now on, ${d.moduleName} cannot be used, even with a balance.` };
	const resets = d.to.limit !== null && d.windowEnd ? `; this window resets ${pageWords.time(d.windowEnd, d.timeZone)}` : '';
	return { title: `Your free ${d.moduleName} allowance is now ${amount(d.to)}`, body: `${was} It applies from now on${resets}.` };
}

/** A member's allowance before and after a change. */
export interface AllowanceChange {
	from: Allowance;
	to: Allowance;
}

/** Whose allowance of a module a change reaches: the members of each role named (null: unchanged for them) and of every other role. */
export interface AllowanceChanges {
	byRole: Record<string, AllowanceChange | null>;
	others: AllowanceChange | null;
}

const same = (a: Allowance, b: Allowance) => a.limit === b.limit && (a.period === b.period || a.limit === null || a.limit === 0 || a.limit === 'none');
const changed = (from: Allowance, to: Allowance): AllowanceChange | null => (same(from, to) ? null : { from, to });

/** A member's allowance of a module as the Limits page set it: their role's limit, else "any other role"'s, with the module's period. */
const memberAllowance = (m: ModuleLimits, role: string | null): Allowance => ({
	limit: role !== null && role in m.roles ? m.roles[role]! : m.members,
	period: m.period
});

/**
 * What a Limits page save changed for members: `before` and `after` as listModuleLimits gives them
 * (each role with a rule, an ended one as None; other roles get `members`).
 */
export function limitsChanges(before: ModuleLimits, after: ModuleLimits): AllowanceChanges {
	const roles = [...new Set([...Object.keys(before.roles), ...Object.keys(after.roles)])];
	const of = (role: string | null) => changed(memberAllowance(before, role), memberAllowance(after, role));
	return { byRole: Object.fromEntries(roles.map((r) => [r, of(r)])), others: of(null) };
}

/** An allowance rule as the ledger lists it (listAllowanceRules). */
interface RuleRow {
	audience: string;
	role: string | null;
	limitTokens: number | string | null;
	period: string;
	endedAt: Date | null;
}

/**
 * What setting one rule for a role or for all users changed for members (`rules`: the module's rules
 * before): the role's members get the new limit and period instead of their role's rule, or, without
 * one, the all-users rule; for all users, the members of every role without a rule of its own.
 */
export function ruleChanges(rules: RuleRow[], set: { audience: 'role' | 'user'; role?: string | null; limitTokens: number | null; period: Period }): AllowanceChanges {
	const allowanceOf = (r: RuleRow | undefined): Allowance => ({ limit: !r || r.endedAt ? 'none' : r.limitTokens === null ? null : Number(r.limitTokens), period: (r?.period ?? set.period) as Period });
	const users = rules.find((r) => r.audience === 'user');
	const to: Allowance = { limit: set.limitTokens, period: set.period };
	if (set.audience === 'role') return { byRole: { [set.role!]: changed(allowanceOf(rules.find((r) => r.audience === 'role' && r.role === set.role) ?? users), to) }, others: null };
	return { byRole: Object.fromEntries(rules.filter((r) => r.audience === 'role').map((r) => [r.role!, null])), others: changed(allowanceOf(users), to) };
}

const CHANGE_JOB = 'alerts.allowance-change';
/** Members told per run of the job: one statement and its pushes and mails; the next batch is a job of its own. */
const CHANGE_BATCH = 500;

interface ChangePayload {
	/** One change: part of every notice's key, so a batch run again tells no one twice. */
	key: string;
	module: string;
	/** The words for the members of each role the change named (JSON null: unchanged for them). */
	byRole: Record<string, { title: string; body: string } | null>;
	/** The words for every other role's members (null: unchanged for them). */
	others: { title: string; body: string } | null;
	/** When the change was made (ISO): members who joined since never had the allowance before it. */
	at: string;
	/** The last user id of the batch before (ids ascending); null for the first. */
	after: string | null;
}

const saidSchema = z.object({ title: z.string(), body: z.string() }).nullable();
const changePayload: z.ZodType<ChangePayload> = z.object({ key: z.string(), module: z.string(), byRole: z.record(z.string(), saidSchema), others: saidSchema, at: z.string(), after: z.string().nullable() });

/**
 * After the site changed a module's free allowances for members (`changes`: limitsChanges of a Limits
 * page save, ruleChanges of one rule set; `period`: the module's period after it), queues, in `tx`, the
 * change's transaction, the telling of every member whose allowance it changed. Members with a rule of
 * their own for the module, disabled users, users who joined after it, guests and teams are not told. Nothing is queued when no
 * member's allowance changed (the same form saved again) or the site has no users yet. The members are told by the schedule's
 * `alerts.allowance-change`, CHANGE_BATCH at a time, each once per change: the request does one insert.
 */
export async function noticeAllowanceChange(tx: Executor, module: string, period: Period, changes: AllowanceChanges): Promise<void> {
	if (!changes.others && !Object.values(changes.byRole).some(Boolean)) return;
	// A site set up before anyone joined (the demo's seed: its people are then dated months back) has no one to tell.
	const [anyone] = await queryRows<{ yes: boolean }>(tx, sql`select exists (select 1 from users where disabled_at is null) as yes`);
	if (!anyone?.yes) return;
	const facts = await allowanceNoticeFacts(tx, { module, period });
	if (!facts) return;
	const words = (c: AllowanceChange | null) => c && allowanceChangeWords({ moduleName: facts.moduleName, ...c, windowEnd: facts.windowEnd, timeZone: facts.timeZone });
	const byRole = Object.fromEntries(Object.entries(changes.byRole).map(([role, c]) => [role, words(c)]));
	const payload: ChangePayload = { key: randomUUID(), module, byRole, others: words(changes.others), at: facts.now, after: null };
	await enqueue(tx, CHANGE_JOB, payload, { key: payload.key });
}

/**
 * One batch of a change's notices: the next CHANGE_BATCH members (by user id) it reaches, their inbox
 * entries in one statement ('allowance_changed:<change>:<user>', so a run again tells no one twice),
 * their pushes and mails (unless alert mails are off), one inbox notice for every open page; then the
 * next batch is queued. Returns the members told.
 */
async function tellChangeBatch(db: Db, p: ChangePayload): Promise<number> {
	return db.orm.transaction(async (tx) => {
		const rows = await queryRows<{ id: string; name: string; email: string | null; mailed: boolean; title: string; body: string; told: boolean; last: string }>(tx, sql`
			with picked as (
			  select u.id, u.account_id, u.name, u.email, u.email is not null and coalesce(s.email_alerts, true) as mailed,
			         coalesce(${JSON.stringify(p.byRole)}::jsonb -> u.site_role, ${JSON.stringify(p.others)}::jsonb) as said
			    from users u left join user_settings s on s.user_id = u.id
			   where u.disabled_at is null and u.created_at <= ${p.at}::timestamptz and u.id > coalesce(${p.after}::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
			     and u.id not in (${ownAllowanceUsersSql(p.module)})
			   order by u.id limit ${CHANGE_BATCH}),
			told as (
			  insert into notifications (account_id, user_id, kind, dedupe_key, detail)
			  select account_id, id, 'allowance_changed', 'allowance_changed:' || ${p.key}::text || ':' || id::text,
			         said || jsonb_build_object('module', ${p.module}::text, 'teamName', null, 'mailed', mailed)
			    from picked where jsonb_typeof(said) = 'object'
			  on conflict (dedupe_key) do nothing
			  returning user_id)
			select p.id, p.name, p.email, p.mailed, p.said ->> 'title' as title, p.said ->> 'body' as body,
			       p.id in (select user_id from told) as told, max(p.id::text) over () as last
			  from picked p`);
		const told = rows.filter((r) => r.told);
		const keyOf = (userId: string) => `allowance_changed:${p.key}:${userId}`;
		await queuePushes(tx, told.map((r) => ({ key: keyOf(r.id), userId: r.id, message: { title: r.title, body: r.body, url: '/alerts', tag: `allowance-${p.module}` }, urgency: 'normal' })));
		for (const r of told.filter((r) => r.mailed)) await queueMail(tx, noticeMail(r.email!, r.name, r, `${config().ORIGIN}/`), keyOf(r.id));
		if (told.length) await noticeInbox(tx, EVERY_ACCOUNT);
		if (rows.length === CHANGE_BATCH) await enqueue(tx, CHANGE_JOB, { ...p, after: rows[0]!.last }, { key: `${p.key}:${rows[0]!.last}` });
		return told.length;
	});
}

/** The schedule's `alerts.allowance-change`: one batch of a change's notices (noticeAllowanceChange). */
export function allowanceChangeJob(): JobDefinition {
	return { name: CHANGE_JOB, run: ({ db, payload }) => tellChangeBatch(db, changePayload.parse(payload)) };
}
