// A module's free allowances as the Limits page sets them (issue 15; the seeds' "Token Management":
// guest limit, limit type general or role-based, reset period, limit message). They are stored as the
// allowance rules the ledger already reads (quota_allowance_rule: member > role > all users; guest),
// so nothing here changes how a spend is decided, only which rules exist and which of them are ended
// (None: the audience pays from its balance; the rule and its windows stay).
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/client';
import { allowanceRules, modules } from '../db/schema';
import { DomainError } from '../errors';
import type { Period } from './types';
import { rolloverFollowsModule } from './rollover';
import { EVERY_ACCOUNT, noticeFigures } from './change-notices';
import { NO_LIMIT_CHOSEN, NONE, UNLIMITED, type LimitChoice } from '../../limit-choice';

/** How members' free allowance is set: one limit for all, one per site role, or none (they pay from their balance). */
export type LimitType = 'none' | 'general' | 'role';

/** A limit as the ledger reads it: tokens per period; null = unlimited, 0 = disabled (DESIGN.md "Allowance"). */
export type Limit = number | null;

/**
 * What an audience's rule gives, as the Limits page says it: tokens per period (0: not available to
 * them, even with a balance), null = unlimited, or `'none'`: no free tokens, they pay from their
 * balance (no rule, or an ended one).
 */
export type RuleLimit = Limit | typeof NONE;

export interface ModuleLimits {
	module: string;
	name: string;
	/** Guests' free tokens per period; 'none' (no guest rule, or an ended one) and 0 alike: a guest has no balance, so it needs an account (quota_spend_plan). */
	guest: RuleLimit;
	limitType: LimitType;
	/** General: every user's limit. Role-based: the limit of a user whose role has no rule of its own. */
	members: RuleLimit;
	/** The limits of the roles with a rule of their own, by site role. */
	roles: Record<string, RuleLimit>;
	period: Period;
	limitMessage: string;
	onExhausted: 'message' | 'inactive';
}

/**
 * The Limits page's form. Each limit is tokens, `'unlimited'` or `'none'`, chosen; null is a field left
 * empty, refused where the limit applies (`invalid_input` naming the field), never read as either.
 */
export interface ModuleLimitsInput {
	module: string;
	guest: LimitChoice | null;
	limitType: LimitType;
	/** General: all members. Role-based: members whose role has no limit below. Ignored for `none`. */
	members: LimitChoice | null;
	/** Role-based: one limit per role. Ignored otherwise. */
	roles: Record<string, LimitChoice | null>;
	period: Period;
	limitMessage: string;
	onExhausted: 'message' | 'inactive';
}

/** Every role a rule that gives a free allowance names (not an ended one), sorted (role keys). */
export async function rolesWithRules(exec: Executor): Promise<string[]> {
	const rows = await queryRows<{ role: string }>(exec, sql`select distinct role from allowance_rules where role is not null and ended_at is null order by 1`);
	return rows.map((r) => r.role);
}

/** Every module with its free allowances, in key order, for the Limits page. */
export async function listModuleLimits(exec: Executor): Promise<ModuleLimits[]> {
	const [mods, rules] = await Promise.all([
		exec.select().from(modules).orderBy(modules.key),
		exec
			.select()
			.from(allowanceRules)
			.where(inArray(allowanceRules.audience, ['guest', 'user', 'role']))
	]);
	return mods.map((m) => {
		const own = rules.filter((r) => r.module === m.key);
		const limitOf = (r: (typeof own)[number] | undefined): RuleLimit => (!r || r.endedAt ? NONE : r.limitTokens === null ? null : Number(r.limitTokens));
		// One period per module: the guest rule's, else any rule's (they are saved together).
		const period = (own.find((r) => r.audience === 'guest') ?? own[0])?.period ?? 'daily';
		return {
			module: m.key,
			name: m.name,
			guest: limitOf(own.find((r) => r.audience === 'guest')),
			limitType: m.limitType,
			members: limitOf(own.find((r) => r.audience === 'user')),
			roles: Object.fromEntries(own.filter((r) => r.audience === 'role').map((r) => [r.role!, limitOf(r)])),
			period,
			limitMessage: m.limitMessage,
			onExhausted: m.onExhausted
		};
	});
}

/**
 * What a field of the form asks the rule to give (null = unlimited, 'none' = ended). `field`: the
 * input's name for `fieldErrors` (`roles.<role>` for a role's); `what`: the field in words.
 */
function chosenLimit(field: string, what: string, v: LimitChoice | null): RuleLimit {
	if (v === UNLIMITED) return null;
	if (v === NONE) return NONE;
	if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
	const words = `${what}: ${v === null ? NO_LIMIT_CHOSEN : 'a whole number of tokens ≥ 0, unlimited or none.'}`;
	throw new DomainError('invalid_input', words, { fieldErrors: { [field]: [words] } });
}

/**
 * Saves a module's free allowances in one go (the Limits page's form) and returns them as saved.
 * - guest: the guest rule. general: the all-members rule; role rules that exist get the same limit,
 *   since a role rule outranks the general one.
 *   role: one rule per role given its own limit (or that has a rule already), plus the all-users rule
 *   for roles without one.
 *   none: ends the members' rules, at any time.
 * - A limit 'none' ends its rule (`ended_at`, made ended if new): the rule gives nothing from now on,
 *   so the next use pays from the balance, while its windows stay as history (statements, reports,
 *   the invariants); a number or unlimited gives it again, counting what was used in the window open
 *   now (quota_allowance_used).
 * - Every rule of the module takes `period`; when the period changes, the windows open now close
 *   (see closeMovedWindows). The limit message and what happens when exhausted go on the module.
 * Errors: unknown_module, invalid_input (limits, message).
 */
export async function saveModuleLimits(exec: Executor, input: ModuleLimitsInput): Promise<ModuleLimits> {
	const message = input.limitMessage.trim();
	if (!message || message.length > 500) throw new DomainError('invalid_input', 'The limit message is required (at most 500 characters).', { field: 'limitMessage' });
	const guest = chosenLimit('guest', 'Guest limit', input.guest);
	const members = input.limitType === 'none' ? NONE : chosenLimit('members', input.limitType === 'role' ? 'Limit of any other role' : 'User limit', input.members);
	const roleLimits: Record<string, RuleLimit> = {};
	for (const [role, v] of Object.entries(input.limitType === 'role' ? input.roles : {})) {
		if (!role.trim() || role.length > 60) throw new DomainError('invalid_input', 'A role name is 1–60 characters.', { field: 'roles' });
		roleLimits[role.trim()] = chosenLimit(`roles.${role}`, `Limit of ${role}`, v);
	}
	const [mod] = await exec.select().from(modules).where(eq(modules.key, input.module)).for('update');
	if (!mod) throw new DomainError('unknown_module', `Unknown module '${input.module}'.`);

	const existing = await exec.select().from(allowanceRules).where(eq(allowanceRules.module, input.module));
	const periodChanged = existing.some((r) => r.period !== input.period);
	// An ended rule keeps the limit it last gave (its history); since when it ended stays as it was.
	const set = (audience: 'guest' | 'user' | 'role', limit: RuleLimit, role: string | null = null) =>
		exec.execute(sql`
			insert into allowance_rules (module, audience, role, limit_tokens, period, ended_at)
			values (${input.module}, ${audience}, ${role}, ${limit === NONE ? null : limit}, ${input.period}, ${limit === NONE ? sql`now()` : null})
			on conflict (module, audience, coalesce(role, ''), coalesce(team_id::text, ''), coalesce(user_id::text, ''))
			do update set limit_tokens = case when excluded.ended_at is null then excluded.limit_tokens else allowance_rules.limit_tokens end,
			  ended_at = case when excluded.ended_at is null then null else coalesce(allowance_rules.ended_at, excluded.ended_at) end,
			  period = excluded.period`);

	await set('guest', guest);
	const memberRules = existing.filter((r) => r.audience === 'user' || r.audience === 'role');
	if (input.limitType === 'none') {
		await exec.execute(sql`update allowance_rules set ended_at = now() where module = ${input.module} and audience in ('user', 'role') and ended_at is null`);
	} else {
		await set('user', members);
		for (const r of memberRules.filter((r) => r.audience === 'role' && !(r.role! in roleLimits))) await set('role', members, r.role);
		// A role given the "any other role" limit needs no rule of its own: one would pin that role to
		// today's figure when the "any other role" limit later changes.
		const ruled = new Set(memberRules.flatMap((r) => (r.audience === 'role' ? [r.role!] : [])));
		for (const [role, v] of Object.entries(roleLimits)) if (ruled.has(role) || v !== members) await set('role', v, role);
	}
	// Rules of other audiences (a team, one member) of this module follow the module's period too.
	await exec.update(allowanceRules).set({ period: input.period }).where(eq(allowanceRules.module, input.module));
	await exec.update(modules).set({ limitMessage: message, onExhausted: input.onExhausted, limitType: input.limitType }).where(eq(modules.key, input.module));
	if (periodChanged) await closeMovedWindows(exec, input.module);
	await rolloverFollowsModule(exec, input.module);
	await noticeFigures(exec, EVERY_ACCOUNT);
	return (await listModuleLimits(exec)).find((m) => m.module === input.module)!;
}

/**
 * Ends, now, every open allowance window that no longer matches its rule's current window (after
 * the site's time zone or week start, or a module's reset period, changed): the ledger looks a
 * window up by the start quota_window_start gives today, so such a window would never be used
 * again; ending it keeps its `used` in the history and makes the next use open a window with the
 * new boundaries, starting from zero. A window whose start does not move carries on, to its new end.
 * `module`: only that module's rules. Returns the number of windows ended.
 */
export async function closeMovedWindows(exec: Executor, module?: string): Promise<number> {
	// A window whose start stays but whose end moves (daily to monthly on the 1st) carries on, with its
	// use, to the new end: the ledger finds it by its start, and its use falls inside the new window.
	const rows = await queryRows<{ id: number; ended: boolean }>(exec, sql`
		with cur as (
		  select w.id, quota_window_start(r.period, s.time_zone, s.week_start, now()) as start_now,
		         quota_window_end(r.period, s.time_zone, s.week_start, now()) as end_now
		    from allowance_windows w, allowance_rules r, site_settings s
		   where r.id = w.rule_id and s.id = 1
		     ${module === undefined ? sql`` : sql`and r.module = ${module}`}
		     and (w.window_end is null or w.window_end > now()))
		update allowance_windows w
		   set window_end = case when w.window_start is distinct from cur.start_now then greatest(w.window_start, now()) else cur.end_now end
		  from cur
		 where cur.id = w.id and (w.window_start is distinct from cur.start_now or w.window_end is distinct from cur.end_now)
		returning w.id, w.window_start is distinct from cur.start_now as ended`);
	return rows.filter((r) => r.ended).length;
}

/** The database's time now as ISO text to the microsecond (a JS Date keeps only the millisecond). */
export const nowText = sql`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * What a notice of an account's free allowance of `module` says beside the allowance's own figures:
 * the module's name, the site's time zone (IANA id) and week start, whether the account has tokens
 * of its own to go on with (a live lot with tokens left, or unlimited use: further use is paid from
 * it, else refused), and when a window of `period` opened now would end (ISO; null for 'never' or
 * no period), and the database's time now (ISO, to the microsecond: as a bound on the rows' own times it
 * must not be cut to a JS Date's millisecond, which would drop a row written in the same millisecond before it). One statement. null: no such module.
 */
export async function allowanceNoticeFacts(
	exec: Executor,
	q: { module: string; accountId?: string | null; period?: string | null }
): Promise<{ moduleName: string; timeZone: string; hasBalance: boolean; windowEnd: string | null; now: string } | null> {
	const [row] = await queryRows<{ name: string; time_zone: string; has_balance: boolean; window_end: string | null; now: string }>(exec, sql`
		select m.name, s.time_zone, ${nowText} as now,
		       exists (select 1 from lots l where l.account_id = ${q.accountId ?? null}::uuid
		                  and (l.expires_at is null or l.expires_at > now()) and (l.remaining > 0 or l.unlimited)) as has_balance,
		       case when ${q.period ?? 'never'}::text <> 'never' then quota_window_end(${q.period ?? 'never'}::text, s.time_zone, s.week_start, now()) end as window_end
		  from modules m, site_settings s where m.key = ${q.module} and s.id = 1`);
	if (!row) return null;
	return { moduleName: row.name, timeZone: row.time_zone, hasBalance: row.has_balance, windowEnd: row.window_end ? new Date(row.window_end).toISOString() : null, now: row.now };
}

/**
 * The ids of the users with a free allowance rule of their own for `module` (audience member, not
 * ended: it outranks their role's and the all-users rule, quota_allowance_rule), as SQL for another
 * domain's set-based statement: a change of a role's or everyone's allowance does not reach them.
 */
export const ownAllowanceUsersSql = (module: string) =>
	sql`select r.user_id from allowance_rules r where r.module = ${module} and r.audience = 'member' and r.user_id is not null and r.ended_at is null`;

/**
 * What the rule that applies to an account gives of `module` now (quota_allowance_rule: member > role >
 * all users; team; guest): tokens per period, null unlimited, 0 not available, 'none' no free allowance
 * (no rule, or an ended one; period 'never' then).
 */
export async function allowanceThatApplies(exec: Executor, accountId: string, module: string): Promise<{ limit: RuleLimit; period: Period }> {
	const [r] = await queryRows<{ id: number | null; limit_tokens: number | string | null; period: Period | null }>(exec, sql`
		select r.id, r.limit_tokens, r.period from quota_allowance_rule(${accountId}::uuid, ${module}) r`);
	if (!r?.id) return { limit: NONE, period: 'never' };
	return { limit: r.limit_tokens === null ? null : Number(r.limit_tokens), period: r.period! };
}

/** The periods whose windows reset (daily, weekly, monthly), in that order. */
export const RESET_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export type ResetPeriod = (typeof RESET_PERIODS)[number];

/**
 * The periods whose window open now ends at another instant under the site's time zone and week start
 * than under `was` (the settings before a change), in RESET_PERIODS order. Empty when none moves.
 */
export async function movedResets(exec: Executor, was: { timeZone: string; weekStart: number }): Promise<ResetPeriod[]> {
	const rows = await queryRows<{ period: ResetPeriod }>(exec, sql`
		select p.period
		  from unnest(array['daily', 'weekly', 'monthly']) with ordinality p(period, n), site_settings s
		 where s.id = 1 and quota_window_end(p.period, s.time_zone, s.week_start, now())
		       is distinct from quota_window_end(p.period, ${was.timeZone}::text, ${was.weekStart}::int, now())
		 order by p.n`);
	return rows.map((r) => r.period);
}

/**
 * The next reset of each of `periods` at `at` under `settings` (the end of the window open then,
 * quota_window_end), ISO, in `periods`' order: said when a move of the resets is told, not when it was made.
 */
export async function nextResets(exec: Executor, settings: { timeZone: string; weekStart: number }, periods: readonly ResetPeriod[], at: Date): Promise<{ period: ResetPeriod; next: string }[]> {
	const rows = await queryRows<{ period: ResetPeriod; end: string }>(exec, sql`
		select p.period, quota_window_end(p.period, ${settings.timeZone}::text, ${settings.weekStart}::int, ${at.toISOString()}::timestamptz) as end
		  from unnest(${`{${periods.join(',')}}`}::text[]) with ordinality p(period, n)
		 order by p.n`);
	return rows.map((r) => ({ period: r.period, next: new Date(r.end).toISOString() }));
}

/**
 * SQL for the periods of `periods` (comma-joined, in RESET_PERIODS order; null for none) in which the
 * account `accountId` (SQL) has a free allowance of some module that resets: a rule that applies to it
 * gives a number of tokens above 0 (unlimited and "not available" have nothing to reset). For another
 * domain's set-based statement, one row per account.
 */
export const resettingPeriodsSql = (accountId: SQL, periods: readonly ResetPeriod[]) => sql`(
	select string_agg(d.period, ',' order by array_position(array['daily', 'weekly', 'monthly'], d.period))
	  from (select distinct r.period from modules m, lateral quota_allowance_rule(${accountId}, m.key) r
	         where r.period = any(${`{${periods.join(',')}}`}::text[]) and r.limit_tokens > 0) d)`;
