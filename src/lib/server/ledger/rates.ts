import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { isUuid, queryRows, type Executor } from '../db/client';
import { mapRead, read, readOne, type Read } from '../db/reads';
import { allowanceRules, caps, features, models, modules, siteSettings } from '../db/schema';
import { DomainError } from '../errors';
import type { CapLeft, Period } from './types';
import { cappedText, limitLeftText, limitReachedText, localeFormatter, plainFormatter } from '../../refusal-message';
import { MAX_RATE, RATE_DECIMALS, rateUnits } from '../../cost';
import { closeMovedWindows, type RuleLimit } from './limits';
import { NONE } from '../../limit-choice';
import { rolloverFollowsModule } from './rollover';
import { EVERY_ACCOUNT, noticeFigures } from './change-notices';
import { counted } from '../../counted';
import { percentText } from '../../percent';
import { unknownFeatureWords } from './known-keys';

export type Feature = typeof features.$inferSelect;
export type FeatureInput = Omit<typeof features.$inferInsert, 'tokensPerUnit'> & { tokensPerUnit: number };

/**
 * Refuses a write that names a module, team, user or account that does not exist with its domain
 * code (unknown_module, not_found), before the database would refuse it with a foreign-key error.
 */
async function requireReferences(exec: Executor, r: { module?: string; teamId?: string | null; userId?: string | null; accountId?: string }) {
	const ids = { team: r.teamId, user: r.userId, account: r.accountId };
	for (const [what, id] of Object.entries(ids)) if (id != null && !isUuid(id)) throw new DomainError('not_found', `No such ${what}.`);
	const [found] = await queryRows<{ module: boolean; team: boolean; user: boolean; account: boolean }>(
		exec,
		sql`select ${r.module === undefined ? sql`true` : sql`exists (select 1 from modules where key = ${r.module})`} as module,
			${r.teamId == null ? sql`true` : sql`exists (select 1 from teams where id = ${r.teamId}::uuid)`} as team,
			${r.userId == null ? sql`true` : sql`exists (select 1 from users where id = ${r.userId}::uuid)`} as "user",
			${r.accountId === undefined ? sql`true` : sql`exists (select 1 from accounts where id = ${r.accountId}::uuid)`} as account`
	);
	if (!found!.module) throw new DomainError('unknown_module', `Unknown module '${r.module}'.`);
	for (const what of ['team', 'user', 'account'] as const) if (!found![what]) throw new DomainError('not_found', `No such ${what}.`);
}

/** Highest rate a feature may have, in tokens per unit. */

/**
 * Creates or updates a feature's rate (tokens per unit, > 0, ≤ MAX_RATE). The rate is stored as
 * given, never rounded: more than RATE_DECIMALS (4) decimal places is `invalid_input`, so every
 * cost shown (lib/cost.ts) is computed from the very rate the ledger charges with. A breakdown
 * (composite operation) belongs to an `operation` feature and adds up to its rate.
 * Errors: invalid_input, unknown_module.
 */
export async function upsertFeature(exec: Executor, f: FeatureInput): Promise<void> {
	const rate = rateUnits(f.tokensPerUnit);
	if (rate === null || rate <= 0n || f.tokensPerUnit > MAX_RATE) {
		throw new DomainError(
			'invalid_input',
			`tokens_per_unit must be above 0 and at most ${plainFormatter.tokens(MAX_RATE)}, with at most ${counted(RATE_DECIMALS, 'decimal place', plainFormatter.tokens)}.`,
			{ field: 'tokensPerUnit' }
		);
	}
	if (f.breakdown?.length) {
		// A composite operation's parts make up its fixed cost (seeds: "Generate all" 65 = 45 + 10 + 10).
		const sum = f.breakdown.reduce((t, b) => t + b.tokens, 0);
		if (f.unit !== 'operation' || rateUnits(sum) !== rate) {
			throw new DomainError('invalid_input', f.unit !== 'operation' ? 'Only a fixed-cost operation has a breakdown.' : `The breakdown adds up to ${counted(sum, 'token', String)}, but the operation costs ${f.tokensPerUnit}.`, { field: 'breakdown' });
		}
	}
	await requireReferences(exec, { module: f.module });
	const row = { ...f, breakdown: f.breakdown?.length ? f.breakdown : null, tokensPerUnit: String(f.tokensPerUnit) };
	await exec.insert(features).values(row).onConflictDoUpdate({ target: features.key, set: row });
}

/**
 * What in the ledger's records names a feature: `used`, the charged consumes and settles (the daily
 * rollup's count), `usageDays` (its rows), `holds` (tokens ever held for it) and `refused` (spends of
 * it refused). All 0: nothing would lose its feature by its removal. Caps, allowance rules and windows,
 * lots and rates name modules, accounts and models, never a feature.
 */
export interface FeatureReferences {
	used: number;
	usageDays: number;
	holds: number;
	refused: number;
}

/**
 * Counts what names feature `key` (FeatureReferences) by index (0043): the daily rollup's rows of
 * the feature, and the operations the rollup does not count (holds and refusals, indexed apart); a
 * settle or release has its hold. Milliseconds for an unused feature on a site of any size.
 */
export const featureReferencesRead = (key: string): Read<FeatureReferences> =>
	read(
		sql`select d.used, d.usage_days, o.holds, o.refused
		      from (select coalesce(sum(operations), 0)::int8 as used, count(*)::int as usage_days from usage_daily where feature = ${key}) d,
		           (select (count(*) filter (where status = 'ok'))::int as holds, (count(*) filter (where status = 'refused'))::int as refused
		              from operations where feature = ${key} and (kind = 'hold' or status = 'refused')) o`,
		([r]: { used: number; usage_days: number; holds: number; refused: number }[]) => ({ used: Number(r!.used), usageDays: Number(r!.usage_days), holds: Number(r!.holds), refused: Number(r!.refused) })
	);

/** What names feature `key` now (featureReferencesRead). */
export const featureReferences = (exec: Executor, key: string): Promise<FeatureReferences> => readOne(exec, featureReferencesRead(key));

/** Why a feature named by `refs` stays, in words: how it was used, and that disabling it keeps that history. */
export function inUseWords(name: string, refs: FeatureReferences): string {
	const n = (count: number, noun: string) => counted(count, noun, plainFormatter.tokens);
	const how = refs.used
		? `has been used ${n(refs.used, 'time')}`
		: refs.holds
			? `has ${n(refs.holds, 'hold')} on it`
			: refs.refused
				? `has been asked for ${n(refs.refused, 'time')}, though never charged`
				: 'has use recorded in the daily usage';
	return `“${name}” ${how}; disable it instead: a disabled feature is refused, and its history and rate stay.`;
}

const featureGone = (key: string) => new DomainError('unknown_feature', `No feature has the key “${key}”: another admin may have removed it.`);
const isUsed = (refs: FeatureReferences) => refs.used > 0 || refs.usageDays > 0 || refs.holds > 0 || refs.refused > 0;

/**
 * Why feature `key` would stay if removed now (inUseWords), or null when its removal would go through:
 * asked when Remove… is pressed, so a used feature says so at once instead of asking to confirm first.
 * The removal checks again (removeFeature). Errors: unknown_feature.
 */
export async function featureKept(exec: Executor, key: string): Promise<string | null> {
	const f = await findFeature(exec, key);
	if (!f) throw featureGone(key);
	const refs = await featureReferences(exec, key);
	return isUsed(refs) ? inUseWords(f.name, refs) : null;
}

/**
 * Removes feature `key` when nothing names it (FeatureReferences all 0: one added by mistake),
 * answering it as it was. Named by anything, it stays: `conflict` with inUseWords (`details`: the
 * references). It first takes the feature's lock exclusively (feature_lock.sql), which waits for the
 * spends under way to commit, so their operations are counted; a spend after it finds no feature.
 * The row is locked too, so a save of it waits for the removal. Errors: unknown_feature, conflict.
 */
export async function removeFeature(exec: Executor, key: string) {
	await exec.execute(sql`select quota_feature_removal_lock(${key})`);
	const [f] = await exec.select().from(features).where(eq(features.key, key)).for('update');
	if (!f) throw featureGone(key);
	const refs = await featureReferences(exec, key);
	if (isUsed(refs)) throw new DomainError('conflict', inUseWords(f.name, refs), { ...refs });
	await exec.delete(features).where(eq(features.key, key));
	return { ...f, tokensPerUnit: Number(f.tokensPerUnit) };
}

/**
 * What names module `key`: `features` (the features in it now, which operations name) and
 * `windows` (allowance periods its rules opened for an account: its free allowance was used, and
 * lots rolled over from it name those rules). Both empty: nothing would lose its module by its removal.
 */
export interface ModuleReferences {
	features: { key: string; name: string }[];
	windows: number;
}

async function moduleReferences(exec: Executor, key: string): Promise<ModuleReferences> {
	const inIt = await exec.select({ key: features.key, name: features.name }).from(features).where(eq(features.module, key)).orderBy(asc(features.name));
	const [w] = await queryRows<{ n: number }>(
		exec,
		sql`select count(*)::int as n from allowance_windows w join allowance_rules r on r.id = w.rule_id where r.module = ${key}`
	);
	return { features: inIt, windows: Number(w!.n) };
}

/** Why a module named by `refs` stays, in words: its features go first; a used allowance is history. */
function moduleKeptWords(name: string, refs: ModuleReferences): string {
	if (refs.features.length) {
		const list = refs.features.map((f) => `“${f.name}”`).join(', ');
		return `“${name}” has ${counted(refs.features.length, 'feature')} (${list}): move ${refs.features.length === 1 ? 'it' : 'them'} to another module or remove ${refs.features.length === 1 ? 'it' : 'them'} first. A feature that was used stays: disable it instead.`;
	}
	return `“${name}”'s free allowance was used (${counted(refs.windows, 'period')} of an account's), which its history keeps, so it stays. Its limits on Limits can give no free allowance instead.`;
}

const moduleStays = (refs: ModuleReferences) => refs.features.length > 0 || refs.windows > 0;
const moduleGone = (key: string) => new DomainError('unknown_module', `No module has the key “${key}”: another admin may have removed it.`);

/**
 * Why module `key` would stay if removed now (moduleKeptWords), or null when its removal would go
 * through: asked when Remove… is pressed, as featureKept. Errors: unknown_module.
 */
export async function moduleKept(exec: Executor, key: string): Promise<string | null> {
	const m = await findModule(exec, key);
	if (!m) throw moduleGone(key);
	const refs = await moduleReferences(exec, key);
	return moduleStays(refs) ? moduleKeptWords(m.name, refs) : null;
}

/**
 * Removes module `key` when nothing names it (ModuleReferences empty: one added by mistake), with its
 * allowance rules, which no account ever used; answers the module as it was. The row is locked, so a
 * feature saved into it meanwhile waits and then finds no module; without features no spend can open
 * a window under its rules. Errors: unknown_module, conflict (moduleKeptWords; `details`: the references).
 */
export async function removeModule(exec: Executor, key: string) {
	const [m] = await exec.select().from(modules).where(eq(modules.key, key)).for('update');
	if (!m) throw moduleGone(key);
	const refs = await moduleReferences(exec, key);
	if (moduleStays(refs)) throw new DomainError('conflict', moduleKeptWords(m.name, refs), { ...refs });
	await exec.delete(allowanceRules).where(eq(allowanceRules.module, key));
	await exec.delete(modules).where(eq(modules.key, key));
	return m;
}

export async function listFeatures(exec: Executor) {
	const rows = await exec.select().from(features).orderBy(asc(features.module), asc(features.key));
	return rows.map((f) => ({ ...f, tokensPerUnit: Number(f.tokensPerUnit) }));
}

export async function getFeature(exec: Executor, key: string) {
	const f = await findFeature(exec, key);
	if (!f) throw new DomainError('unknown_feature', await unknownFeatureWords(exec, key));
	return f;
}

export async function upsertModule(exec: Executor, m: typeof modules.$inferInsert): Promise<void> {
	await exec.insert(modules).values(m).onConflictDoUpdate({ target: modules.key, set: m });
}

export async function upsertModel(exec: Executor, m: typeof models.$inferInsert): Promise<void> {
	await exec.insert(models).values(m).onConflictDoUpdate({ target: models.key, set: m });
}

/**
 * What of the ledger names model `key`, read by index (0067, each condition the partial index's own):
 * `lots` for it (bought, granted, unlimited) and `used`, whether any use ran on it (a charged day in the
 * rollup, a hold or a refusal).
 */
export const modelReferencesRead = (key: string): Read<{ lots: number; used: boolean }> =>
	read(
		sql`select (select count(*)::int from lots where model = ${key} and model is not null) as lots,
		           exists (select 1 from usage_daily where model = ${key} and model <> '')
		           or exists (select 1 from operations where model = ${key} and model is not null and (kind = 'hold' or status = 'refused')) as used`,
		([r]: { lots: number; used: boolean }[]) => ({ lots: Number(r!.lots), used: r!.used })
	);

/**
 * Model `key`'s name and what of the ledger names it (modelReferencesRead); null when there is no such
 * model. With `lock`, the model's row is locked first: a lot granted for it meanwhile waits on its
 * foreign key, and is then counted.
 */
export async function modelLedgerReferences(exec: Executor, key: string, { lock = false } = {}): Promise<{ name: string; lots: number; used: boolean } | null> {
	const row = exec.select().from(models).where(eq(models.key, key));
	const [m] = await (lock ? row.for('update') : row);
	if (!m) return null;
	return { name: m.name, ...(await readOne(exec, modelReferencesRead(key))) };
}

/** Deletes model `key` (its removal's last step: admin/model-removal.ts checks that nothing names it). */
export async function deleteModel(exec: Executor, key: string): Promise<void> {
	await exec.delete(models).where(eq(models.key, key));
}

/** One feature, module or model by key as stored (a feature's rate as a number), or null: the audit's before and after. */
export async function findFeature(exec: Executor, key: string) {
	const [f] = await exec.select().from(features).where(eq(features.key, key));
	return f ? { ...f, tokensPerUnit: Number(f.tokensPerUnit) } : null;
}
export const findModule = async (exec: Executor, key: string) => (await exec.select().from(modules).where(eq(modules.key, key)))[0] ?? null;
export const findModel = async (exec: Executor, key: string) => (await exec.select().from(models).where(eq(models.key, key)))[0] ?? null;

export const listModels = (exec: Executor) => exec.select().from(models).orderBy(asc(models.name));

/** Each model's name by key, as a read that joins another statement (the purchases' contents name their models). */
export const modelNamesRead = (): Read<Map<string, string>> =>
	read(sql`select key, name from models`, (rows: { key: string; name: string }[]) => new Map(rows.map((m) => [m.key, m.name])));
export const listModules = (exec: Executor) => exec.select().from(modules).orderBy(asc(modules.key));

export interface AllowanceRuleInput {
	module: string;
	audience: 'guest' | 'user' | 'role' | 'team' | 'member';
	role?: string | null;
	teamId?: string | null;
	userId?: string | null;
	/** null = unlimited, 0 = disabled for this audience, 'none' = the rule ended (see setAllowanceRule). */
	limitTokens: RuleLimit;
	period: Period;
}

/**
 * Sets the free allowance of one audience for one module (one rule per target; an ended one gives
 * again). `limitTokens` 'none' ends the rule (made ended if new; it keeps its last limit and windows):
 * an ended guest, all-users or role rule gives nothing (the Limits page's None), an ended member rule
 * no longer applies, so the member gets what their role gets (quota_allowance_rule), and an ended team
 * rule leaves the pool no free allowance. Errors: invalid_input, unknown_module, not_found (team, user).
 */
export async function setAllowanceRule(exec: Executor, r: AllowanceRuleInput): Promise<void> {
	const target = {
		role: r.audience === 'role' ? (r.role ?? null) : null,
		teamId: r.audience === 'team' ? (r.teamId ?? null) : null,
		userId: r.audience === 'member' ? (r.userId ?? null) : null
	};
	if ((r.audience === 'role' && !target.role) || (r.audience === 'team' && !target.teamId) || (r.audience === 'member' && !target.userId)) {
		throw new DomainError('invalid_input', `A ${r.audience} allowance needs its ${r.audience === 'member' ? 'user' : r.audience}.`);
	}
	if (r.limitTokens !== null && r.limitTokens !== NONE && (!Number.isInteger(r.limitTokens) || r.limitTokens < 0)) {
		throw new DomainError('invalid_input', 'The limit must be a whole number ≥ 0, empty for unlimited, or none.');
	}
	const ended = r.limitTokens === NONE;
	await requireReferences(exec, { module: r.module, ...target });
	// The unique index is on expressions (coalesce), which the query builder cannot name as a conflict target.
	await exec.execute(sql`
		insert into allowance_rules (module, audience, role, team_id, user_id, limit_tokens, period, ended_at)
		values (${r.module}, ${r.audience}, ${target.role}, ${target.teamId}::uuid, ${target.userId}::uuid, ${ended ? null : r.limitTokens}, ${r.period}, ${ended ? sql`now()` : null})
		on conflict (module, audience, coalesce(role, ''), coalesce(team_id::text, ''), coalesce(user_id::text, ''))
		do update set limit_tokens = case when excluded.ended_at is null then excluded.limit_tokens else allowance_rules.limit_tokens end,
		  ended_at = case when excluded.ended_at is null then null else coalesce(allowance_rules.ended_at, excluded.ended_at) end,
		  period = excluded.period`);
	await rolloverFollowsModule(exec, r.module);
	// Whose figures it changes depends on roles, teams and members: every open page looks again.
	await noticeFigures(exec, EVERY_ACCOUNT);
	// The Limits page shows a module the way its member rules are set: a role rule makes it role-based.
	if (r.audience === 'role' || r.audience === 'user') {
		await exec.execute(sql`
			update modules set limit_type = ${r.audience === 'role' ? 'role' : 'general'}
			 where key = ${r.module} and ${r.audience === 'role' ? sql`limit_type <> 'role'` : sql`limit_type = 'none'`}`);
	}
}

export const listAllowanceRules = (exec: Executor) =>
	exec.select().from(allowanceRules).orderBy(asc(allowanceRules.module), asc(allowanceRules.audience));

/**
 * Sets a cap on an account (or on one member's use of a team pool); null or -1 removes it.
 * `setByUserId`: the account's own user when they set it themselves (theirs to change in Settings).
 * The account's open pages are told once `exec` commits (noticeFigures: the caps in force are among
 * their stream's figures). Errors: invalid_input, not_found (account, user).
 */
export async function setCap(
	exec: Executor,
	c: { accountId: string; memberUserId?: string | null; period: 'daily' | 'weekly' | 'monthly'; limitTokens: number | null; setByUserId?: string | null }
): Promise<void> {
	const where = and(
		eq(caps.accountId, c.accountId),
		c.memberUserId ? eq(caps.memberUserId, c.memberUserId) : isNull(caps.memberUserId),
		eq(caps.period, c.period)
	);
	if (c.limitTokens === null || c.limitTokens === -1) {
		await exec.delete(caps).where(where);
		await noticeFigures(exec, c.accountId);
		return;
	}
	if (!Number.isInteger(c.limitTokens) || c.limitTokens < 0) {
		throw new DomainError('invalid_input', 'A cap must be a whole number ≥ 0 (or -1 for none).');
	}
	await requireReferences(exec, { accountId: c.accountId, userId: c.memberUserId });
	await exec.execute(sql`
		insert into caps (account_id, member_user_id, period, limit_tokens, set_by_user_id)
		values (${c.accountId}::uuid, ${c.memberUserId ?? null}::uuid, ${c.period}, ${c.limitTokens}, ${c.setByUserId ?? null}::uuid)
		on conflict (account_id, coalesce(member_user_id::text, ''), period)
		do update set limit_tokens = excluded.limit_tokens, set_by_user_id = excluded.set_by_user_id`);
	await noticeFigures(exec, c.accountId);
}

/**
 * Ends every cap set on `memberUserId`'s use of the pool `accountId` (their membership ended: a cap
 * they would meet again on rejoining was set for the person they were then). Answers the caps ended,
 * by period, daily first (limitTokens in tokens); empty when none was set. The site's default member
 * cap is no row here: it follows membership by itself (quota_account_caps).
 */
export async function endMemberCaps(exec: Executor, accountId: string, memberUserId: string): Promise<{ period: CapInForce['period']; limitTokens: number }[]> {
	const rows = await queryRows<{ period: CapInForce['period']; limit_tokens: number }>(exec, sql`
		delete from caps where account_id = ${accountId}::uuid and member_user_id = ${memberUserId}::uuid
		returning period, limit_tokens`);
	if (rows.length) await noticeFigures(exec, accountId);
	const order = ['daily', 'weekly', 'monthly'];
	return rows.map((r) => ({ period: r.period, limitTokens: Number(r.limit_tokens) })).sort((a, b) => order.indexOf(a.period) - order.indexOf(b.period));
}

export interface CapInForce {
	/** null: the whole account; set: one member's use of a team pool. */
	memberUserId: string | null;
	period: 'daily' | 'weekly' | 'monthly';
	limitTokens: number;
	/** The site's default daily limit of a team that has none of its own. */
	siteDefault: boolean;
}

/** The caps in force on an account: the ones the ledger applies (quota_account_caps). */
export async function capsInForce(exec: Executor, accountId: string): Promise<CapInForce[]> {
	return readOne(exec, capsInForceRead(accountId));
}

/** The read behind `capsInForce`. */
export const capsInForceRead = (accountId: string): Read<CapInForce[]> =>
	read(
		sql`select period, limit_tokens, member_user_id, site_default from quota_account_caps(${accountId}::uuid) order by member_user_id nulls first, period`,
		(rows: { period: CapInForce['period']; limit_tokens: number; member_user_id: string | null; site_default: boolean }[]) =>
			rows.map((r) => ({ memberUserId: r.member_user_id, period: r.period, limitTokens: Number(r.limit_tokens), siteDefault: r.site_default }))
	);

export type TightestRow = { user_id: string; reader_zone: string; site_zone: string; cap: { limit_of: CapLeft['limitOf']; period: CapLeft['period']; limit: number; used: number; left: number; resets_at: string | null } | null };

/**
 * The cap that binds each of `userIds`' use of an account now, in whichever window (quota_caps_use:
 * the account's own or the member's cap in a team pool, daily, weekly or monthly; open holds count),
 * as a check's `cap` gives it, with the zone `readerId` reads times in (their Settings' choice, else
 * the site's). Of the used-up caps, the one that resets last (it holds longest); of none used up, the
 * one that leaves the least, then the member's, then the longer window's: quota_tightest_cap, the
 * order a refusal's cap comes from too. The one rule of "which cap binds and when it resets" of every page.
 */
function tightestCapsRows(accountId: string, userIds: readonly string[], readerId: string): Read<TightestRow[]> {
	const ids = userIds.length ? sql.join(userIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`null::uuid`;
	return read(
		sql`select u.id as user_id, s.time_zone as site_zone,
		           coalesce((select r.time_zone from users r where r.id = ${readerId}::uuid), s.time_zone) as reader_zone,
		           quota_tightest_cap(a.id, a.kind, u.id, 0, s, now()) as cap
		      from accounts a cross join site_settings s join users u on u.id in (${ids})
		     where a.id = ${accountId}::uuid and s.id = 1`,
		(rows: TightestRow[]) => rows
	);
}

/** A cap as quota_tightest_cap gives it (SQL json), in a page's figures. */
export const capLeftOf = (c: NonNullable<TightestRow['cap']>): CapLeft => ({
	limitOf: c.limit_of,
	period: c.period,
	limit: Number(c.limit),
	used: Number(c.used),
	left: Number(c.left),
	resetsAt: c.resets_at ? new Date(c.resets_at).toISOString() : null
});

/**
 * The dashboard's formatter of a cap's figures for the row's reader (localeFormatter): numbers in
 * English, a reset time in the reader's zone (their Settings' choice, else the site's), the zone named:
 * "Dec 7, 2026, 00:00 Berlin time (UTC+1)".
 */
const readerFormatter = (r: TightestRow) => localeFormatter('en', r.reader_zone);

/** A binding cap as a page shows it to its reader: `resets`, when it lets its user spend again in the dashboard's words for that reader (readerFormatter); null: never. */
export type CapNow = CapLeft & { resets: string | null };

/**
 * The tightest cap now of each of `userIds` in `accountId` (tightestCapsRows), by user id, its reset
 * worded for `readerId` as their dashboard words it; a user with none in force is absent.
 */
export const tightestCapsRead = (accountId: string, userIds: readonly string[], readerId: string): Read<Map<string, CapNow>> =>
	mapRead(tightestCapsRows(accountId, userIds, readerId), (rows) =>
		new Map(
			rows.flatMap((r) => {
				if (!r.cap) return [];
				const c = capLeftOf(r.cap);
				return [[r.user_id, { ...c, resets: c.resetsAt ? readerFormatter(r).time(c.resetsAt, r.site_zone) : null }] as const];
			})
		)
	);

/**
 * The dashboard's cap line: that cap worded (limitLeftText: "Your weekly cap in this team: 1,000 of
 * 3,000 tokens left this week"; used up, limitReachedText: "… is used up: you cannot spend from this
 * pool until Dec 7, 2026, 00:00 …") and its figures for the line's meter, in tokens.
 */
export interface CapLine {
	text: string;
	/** Whose cap it is (a check's `cap.limitOf`): the account's own, or the member's in a team pool. */
	limitOf: CapLeft['limitOf'];
	limit: number;
	left: number;
	/** Nothing is left of it: the Pace card's words in place of a forecast ("Capped: nothing can be spent from this pool until …"); null while some is left. */
	capped: string | null;
}

/** The dashboard's line of `userId`'s tightest cap on `accountId` (tightestCapsRows), its reset in the user's zone; null when no cap is in force. */
export const capLineRead = (accountId: string, userId: string): Read<CapLine | null> =>
	mapRead(tightestCapsRows(accountId, [userId], userId), (rows) => {
		const r = rows[0];
		if (!r?.cap) return null;
		const c = capLeftOf(r.cap);
		const d = { ...c, limit_of: c.limitOf, resets_at: c.resetsAt, time_zone: r.site_zone };
		const f = readerFormatter(r);
		if (c.left > 0) return { text: limitLeftText(d, f), limitOf: c.limitOf, limit: c.limit, left: c.left, capped: null };
		return { text: limitReachedText(d, f), limitOf: c.limitOf, limit: c.limit, left: 0, capped: cappedText(d, f) };
	});

/** A whole-account cap its own user set, with its use this period (open holds count), in tokens. */
export interface SelfSetCap {
	period: 'daily' | 'weekly' | 'monthly';
	limitTokens: number;
	used: number;
	/** limitTokens − used, never below 0. */
	left: number;
}

/** The whole-account caps `userId` set on `accountId` themselves (setCap's setByUserId), daily, weekly, monthly. */
export async function selfSetCaps(exec: Executor, accountId: string, userId: string): Promise<SelfSetCap[]> {
	const rows = await queryRows<{ period: SelfSetCap['period']; limit_tokens: number; used: number | null }>(exec, sql`
		select c.period, c.limit_tokens, u.used
		  from caps c
		  join accounts a on a.id = c.account_id
		  cross join site_settings s
		  left join lateral quota_caps_use(a.id, a.kind, ${userId}::uuid, s, now()) u on u.period = c.period and u.limit_of <> 'member'
		 where c.account_id = ${accountId}::uuid and c.member_user_id is null and c.set_by_user_id = ${userId}::uuid
		   and s.id = 1 and c.limit_tokens >= 0
		 order by array_position(array['daily', 'weekly', 'monthly'], c.period)`);
	return rows.map((r) => {
		const limitTokens = Number(r.limit_tokens);
		const used = Number(r.used ?? 0);
		return { period: r.period, limitTokens, used, left: Math.max(limitTokens - used, 0) };
	});
}

/** An account's whole-account cap of `period` and who set it (null: not its own user), locked for a change; null when none. */
export async function wholeAccountCapForUpdate(
	exec: Executor,
	accountId: string,
	period: SelfSetCap['period']
): Promise<{ limitTokens: number; setByUserId: string | null } | null> {
	const [row] = await queryRows<{ limit_tokens: number; set_by_user_id: string | null }>(exec, sql`
		select limit_tokens, set_by_user_id from caps
		 where account_id = ${accountId}::uuid and member_user_id is null and period = ${period} for update`);
	return row ? { limitTokens: Number(row.limit_tokens), setByUserId: row.set_by_user_id } : null;
}

export type SiteSettings = typeof siteSettings.$inferSelect;

/** The site's settings an admin changes (the console's Limits page, a site key's unknown users). */
export type SiteSettingsPatch = Partial<Pick<SiteSettings, 'timeZone' | 'weekStart' | 'spendOrder' | 'lowSharePercent' | 'defaultTeamDailyCap' | 'defaultMemberDailyCap' | 'createUnknownUsers'>>;

/**
 * The fields of `patch` that differ from `before`: the console's form sends every field, and what it
 * saves as it was changes nothing, wakes no one's page and is recorded nowhere.
 */
export const settingsChanged = (patch: SiteSettingsPatch, before: SiteSettings): (keyof SiteSettingsPatch)[] =>
	(Object.keys(patch) as (keyof SiteSettingsPatch)[]).filter((k) => patch[k] !== undefined && patch[k] !== before[k]);

export async function getSiteSettings(exec: Executor): Promise<SiteSettings> {
	const [s] = await exec.select().from(siteSettings).where(eq(siteSettings.id, 1));
	return s!;
}

/**
 * The site's settings, locked until the transaction `tx` commits: read as a change's before, so that of
 * two changes at once the second waits and reads the first's result (saving what was just saved then
 * changes nothing, and tells no one).
 */
export async function lockedSiteSettings(tx: Executor): Promise<SiteSettings> {
	const [s] = await tx.select().from(siteSettings).where(eq(siteSettings.id, 1)).for('update');
	return s!;
}

/**
 * Changes the site's settings. A new time zone or week start moves window boundaries: the
 * allowance windows open now whose start moves end at once (closeMovedWindows), and the next use
 * opens a window with the new boundaries from zero; caps count by site-local day and follow at
 * once. A new spend order applies from the next spend. Errors: invalid_input.
 */
export async function updateSiteSettings(exec: Executor, patch: SiteSettingsPatch): Promise<SiteSettings> {
	if (patch.timeZone !== undefined && !isTimeZone(patch.timeZone)) {
		throw new DomainError('invalid_input', `Unknown time zone '${patch.timeZone}'.`);
	}
	if (patch.weekStart !== undefined && !(Number.isInteger(patch.weekStart) && patch.weekStart >= 0 && patch.weekStart <= 6)) {
		throw new DomainError('invalid_input', 'week_start must be 0 (Sunday) … 6 (Saturday).');
	}
	if (patch.lowSharePercent !== undefined && !(patch.lowSharePercent >= 1 && patch.lowSharePercent <= 99)) {
		throw new DomainError('invalid_input', `The low share must be from ${percentText(1)} to ${percentText(99)}.`);
	}
	const changedKeys = settingsChanged(patch, await lockedSiteSettings(exec));
	const changed = (k: keyof SiteSettingsPatch) => changedKeys.includes(k);
	const [s] = await exec
		.update(siteSettings)
		.set({ ...patch, updatedAt: new Date() })
		.where(eq(siteSettings.id, 1))
		.returning();
	if (changed('timeZone') || changed('weekStart')) await closeMovedWindows(exec);
	// Windows' resets, the low share and the default caps (in the caps in force) are in every account's figures.
	if ((['timeZone', 'weekStart', 'lowSharePercent', 'defaultTeamDailyCap', 'defaultMemberDailyCap'] as const).some(changed)) await noticeFigures(exec, EVERY_ACCOUNT);
	return s!;
}

export function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat('en', { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}
