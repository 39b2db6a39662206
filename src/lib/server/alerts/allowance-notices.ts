import { sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { queryRows, type Db, type Executor } from '../db/client';
import { subscribeDomainEvents, type DomainEvent } from '../domain-events';
import { allowanceNoticeFacts, allowanceThatApplies, ownAllowanceUsersSql, type ModuleLimits, type Period, type RuleLimit } from '../ledger';
import { enqueue, type JobDefinition } from '../schedule/jobs';
import { counted } from '../../counted';
import { teamsPool } from '../../pool-name';
import { plainFormatter } from '../../refusal-message';
import { tellLookers } from './tell';
import { tellMembersBatch, type MembersBatch } from './tell-members';

/** The inbox kinds of a free allowance: used up for its window, or changed by the site for the member's role. */
export type AllowanceNoticeKind = 'allowance_used_up' | 'allowance_changed';

/**
 * The words of a used-up allowance: "Your free Chatbot allowance is used up until Dec 6, 2026, 00:00
 * UTC" (a team's pool named for its owners and admins: "Acme Studio's free …"; one that never resets:
 * "… is used up"), and what happens next: "Further use is paid from your balance." or, with no tokens
 * of its own, "Further use is refused until then, unless you add tokens." `resetsAt`: ISO or null.
 */
export function usedUpWords(d: { moduleName: string; resetsAt: string | null; timeZone: string; teamName: string | null; hasBalance: boolean }): { title: string; body: string } {
	const until = d.resetsAt ? ` until ${plainFormatter.time(d.resetsAt, d.timeZone)}` : '';
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
	return `${counted(a.limit, 'token', plainFormatter.tokens)} ${per[a.period]}`;
}

/**
 * The words of a change of a member's free allowance of a module by the site: "Your free Chatbot
 * allowance is now 2,000 tokens a day" (unlimited: "is now unlimited"; None: "Your free Chatbot allowance
 * has ended"; 0: "Chatbot is no longer available to you"), and in the body what it was and from when it
 * applies: "It was 10,000 tokens a day. It applies from now on; this window resets Dec 6, 2026, 00:00
 * UTC." `windowEnd`: ISO, the end of the window open now under the new period (null: never resets).
 * A team pool's (`teamName`, to its owners and admins): "Acme Studio's free Chatbot allowance …",
 * "… no longer available to Acme Studio's pool", "… paid from Acme Studio's pool".
 */
export function allowanceChangeWords(d: { moduleName: string; from: Allowance; to: Allowance; windowEnd: string | null; timeZone: string; teamName: string | null }): { title: string; body: string } {
	const was = `It was ${amount(d.from)}.`;
	const whose = d.teamName ? `${d.teamName}'s` : 'Your';
	const pool = d.teamName ? teamsPool(d.teamName) : null;
	if (d.to.limit === 'none') return { title: `${whose} free ${d.moduleName} allowance has ended`, body: `${was} From now on, ${d.moduleName} use is paid from ${pool ?? 'your balance'}.` };
	if (d.to.limit === 0) return { title: `${d.moduleName} is no longer available to ${pool ?? 'you'}`, body: `${was} From now on, ${d.moduleName} cannot be used, even with a balance.` };
	const resets = d.to.limit !== null && d.windowEnd ? `; this window resets ${plainFormatter.time(d.windowEnd, d.timeZone)}` : '';
	return { title: `${whose} free ${d.moduleName} allowance is now ${amount(d.to)}`, body: `${was} It applies from now on${resets}.` };
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
export function ruleChanges(rules: RuleRow[], set: { audience: 'role' | 'user'; role?: string | null; limitTokens: RuleLimit; period: Period }): AllowanceChanges {
	const allowanceOf = (r: RuleRow | undefined): Allowance => ({ limit: !r || r.endedAt ? 'none' : r.limitTokens === null ? null : Number(r.limitTokens), period: (r?.period ?? set.period) as Period });
	const users = rules.find((r) => r.audience === 'user');
	const to: Allowance = { limit: set.limitTokens, period: set.period };
	if (set.audience === 'role') return { byRole: { [set.role!]: changed(allowanceOf(rules.find((r) => r.audience === 'role' && r.role === set.role) ?? users), to) }, others: null };
	return { byRole: Object.fromEntries(rules.filter((r) => r.audience === 'role').map((r) => [r.role!, null])), others: changed(allowanceOf(users), to) };
}

/** Whether the site has anyone to tell: a site set up before anyone joined (the demo's seed: its people are then dated months back) has not. */
export async function anyoneToTell(tx: Executor): Promise<boolean> {
	const [anyone] = await queryRows<{ yes: boolean }>(tx, sql`select exists (select 1 from users where disabled_at is null) as yes`);
	return !!anyone?.yes;
}

/** Separates these advisory locks from other users of pg_advisory_xact_lock(int, int) (7243019 is the feature lock's, feature_lock.sql). */
const OWN_ALLOWANCE_LOCK_CLASS = 7243020;

/**
 * Before a rule for one member or one team pool (`rule`: audience member or team) is set: locks the
 * account's free allowance of the module until `tx` commits (so of two such changes at once the second
 * sees the first's result as its before), reads what the account gets now, and answers the telling:
 * after the rule is set, whoever looks after the account (the member; a team's owners and admins;
 * tell.ts tellLookers, so not a disabled user) is told once, in the role change's words, when what the
 * account gets changed (same limit and period again, or a rule that gives what their role's did: no
 * one). An unknown member or team: nothing is told (the rule's own check refuses it).
 */
export async function watchOwnAllowance(tx: Executor, rule: { module: string; audience: 'member' | 'team'; userId?: string | null; teamId?: string | null }): Promise<() => Promise<void>> {
	const id = rule.audience === 'member' ? (rule.userId ?? null) : (rule.teamId ?? null);
	const [owner] = await queryRows<{ account_id: string }>(tx, rule.audience === 'member'
		? sql`select account_id from users where id = ${id}::uuid`
		: sql`select account_id from teams where id = ${id}::uuid`);
	if (!owner) return async () => {};
	const accountId = owner.account_id;
	await tx.execute(sql`select pg_advisory_xact_lock(${OWN_ALLOWANCE_LOCK_CLASS}, hashtext(${`${accountId}:${rule.module}`}))`);
	const from = await allowanceThatApplies(tx, accountId, rule.module);
	return async () => {
		const to = await allowanceThatApplies(tx, accountId, rule.module);
		if (same(from, to)) return;
		const facts = await allowanceNoticeFacts(tx, { module: rule.module, period: to.period });
		if (!facts) return;
		await tellLookers(tx, {
			accountId,
			kind: 'allowance_changed',
			key: `${rule.module}:${randomUUID()}`,
			tag: `allowance-${accountId}-${rule.module}`,
			say: (who) => ({
				...allowanceChangeWords({ moduleName: facts.moduleName, from, to, windowEnd: facts.windowEnd, timeZone: who.timeZone, teamName: who.teamName }),
				detail: { module: rule.module }
			})
		});
	};
}

const CHANGE_JOB = 'alerts.allowance-change';

interface ChangePayload extends MembersBatch {
	module: string;
	/** The words for the members of each role the change named (JSON null: unchanged for them). */
	byRole: Record<string, { title: string; body: string } | null>;
	/** The words for every other role's members (null: unchanged for them). */
	others: { title: string; body: string } | null;
}

const saidSchema = z.object({ title: z.string(), body: z.string() }).nullable();
const changePayload: z.ZodType<ChangePayload> = z.object({ key: z.string(), module: z.string(), byRole: z.record(z.string(), saidSchema), others: saidSchema, at: z.string(), after: z.string().nullable() });

/**
 * After the site changed a module's free allowances for members (`changes`: limitsChanges of a Limits
 * page save, ruleChanges of one rule set; `period`: the module's period after it), queues, in `tx`, the
 * change's transaction, the telling of every member whose allowance it changed. Members with a rule of
 * their own for the module, disabled users, users who joined after it, guests and teams are not told. Nothing is queued when no
 * member's allowance changed (the same form saved again) or the site has no users yet. The members are told by the schedule's
 * `alerts.allowance-change`, MEMBERS_BATCH at a time, each once per change: the request does one insert.
 */
export async function noticeAllowanceChange(tx: Executor, module: string, period: Period, changes: AllowanceChanges): Promise<void> {
	if (!changes.others && !Object.values(changes.byRole).some(Boolean)) return;
	if (!(await anyoneToTell(tx))) return;
	const facts = await allowanceNoticeFacts(tx, { module, period });
	if (!facts) return;
	const words = (c: AllowanceChange | null) => c && allowanceChangeWords({ moduleName: facts.moduleName, ...c, windowEnd: facts.windowEnd, timeZone: facts.timeZone, teamName: null });
	const byRole = Object.fromEntries(Object.entries(changes.byRole).map(([role, c]) => [role, words(c)]));
	const payload: ChangePayload = { key: randomUUID(), module, byRole, others: words(changes.others), at: facts.now, after: null };
	await enqueue(tx, CHANGE_JOB, payload, { key: payload.key });
}

/** One batch of a change's notices (tellMembersBatch): a member's role's words, else every other role's; not those with a rule of their own. */
const tellChangeBatch = (db: Db, p: ChangePayload): Promise<number> =>
	tellMembersBatch(db, {
		kind: 'allowance_changed',
		job: CHANGE_JOB,
		tag: `allowance-${p.module}`,
		batch: p,
		payload: p,
		said: sql`coalesce(${JSON.stringify(p.byRole)}::jsonb -> u.site_role, ${JSON.stringify(p.others)}::jsonb) || jsonb_build_object('module', ${p.module}::text)`,
		where: sql`u.id not in (${ownAllowanceUsersSql(p.module)})`
	});

/** The schedule's `alerts.allowance-change`: one batch of a change's notices (noticeAllowanceChange). */
export function allowanceChangeJob(): JobDefinition {
	return { name: CHANGE_JOB, run: ({ db, payload }) => tellChangeBatch(db, changePayload.parse(payload)) };
}
