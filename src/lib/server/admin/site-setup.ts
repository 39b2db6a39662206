// The Limits page's changes (site settings, free allowances, module limits and rollover) and an
// account's caps, each with its audit entry in the transaction that makes it.
import type { Db } from '../db';
import type { Executor } from '../db/client';
import {
	listAllowanceRules, lockedSiteSettings, listModuleLimits, moduleRollovers, saveModuleLimits, saveModuleRollover, setAllowanceRule, setCap, settingsChanged, updateSiteSettings,
	type AllowanceRuleInput, type ModuleLimits, type ModuleLimitsInput, type RolloverSetting, type SiteSettings, type SiteSettingsPatch
} from '../ledger';
import { limitRoles } from '../accounts';
import { limitsChanges, noticeAllowanceChange, noticeResetsMoved, ruleChanges, watchOwnAllowance } from '../alerts';
import { auditedChange, auditedSave, recordChange, type Saved, type SetupActor } from './audited';

export type { SiteSettingsPatch };
export type CapInput = Parameters<typeof setCap>[1];

/** What a save of the site's settings did: the settings now, and the fields it changed (none: saved as they were). */
export interface SiteSettingsSaved {
	settings: SiteSettings;
	changed: (keyof SiteSettingsPatch)[];
}

/**
 * Changes the site's settings (time zone, week start, spend order, low share, team and member daily
 * cap defaults, whether site keys create unknown users): only the fields given that differ from
 * today's. Audited `site.settings_updated` on `site` with those fields alone (asked, before and
 * after); a save that changes nothing writes nothing, not even its entry. A new time zone or week start
 * tells the members whose free allowances it makes reset at another time, each once
 * (alerts/reset-notices.ts). Errors: invalid_input.
 */
export const saveSiteSettings = (db: Db, actor: SetupActor, patch: SiteSettingsPatch): Promise<SiteSettingsSaved> =>
	db.orm.transaction(async (tx) => {
		// Locked first: of two saves at once, the second's before is the first's after.
		const before = await lockedSiteSettings(tx);
		const changed = settingsChanged(patch, before);
		if (!changed.length) return { settings: before, changed };
		const only = (s: SiteSettingsPatch): SiteSettingsPatch => Object.fromEntries(changed.map((k) => [k, s[k]]));
		const settings = await updateSiteSettings(tx, only(patch));
		await noticeResetsMoved(tx, before, settings);
		await recordChange(tx, actor, { action: 'site.settings_updated', targetType: 'site', targetId: null, detail: only(patch), before: only(before), after: only(settings) });
		return { settings, changed };
	});

/**
 * Sets one audience's free allowance for a module, audited `allowance.set` on `module` (no before or
 * after: the detail is the rule). A role's or all users' rule tells the members whose allowance it
 * changes, each once; one member's or one team pool's (set, or ended with 'none': the member then
 * gets their role's again) tells the member, or the team's owners and admins, once when what the
 * account gets changed (alerts/allowance-notices.ts). Errors: invalid_input,
 * unknown_module, not_found (team, user).
 */
export const setAllowance = (db: Db, actor: SetupActor, rule: AllowanceRuleInput): Promise<void> =>
	auditedChange(db, actor, { action: 'allowance.set', targetType: 'module', targetId: rule.module, detail: rule }, async (tx) => {
		const { audience } = rule;
		const before = audience === 'role' || audience === 'user' ? (await listAllowanceRules(tx)).filter((r) => r.module === rule.module) : null;
		const tellOwn = audience === 'member' || audience === 'team' ? await watchOwnAllowance(tx, { ...rule, audience }) : null;
		await setAllowanceRule(tx, rule);
		if (before && (audience === 'role' || audience === 'user')) await noticeAllowanceChange(tx, rule.module, rule.period, ruleChanges(before, { ...rule, audience }));
		await tellOwn?.();
	});

/**
 * The one module's limits as its audit entry records them before and after: role-based, every role of
 * the Limits page with what it gets (its own limit, else "any other role"'s), so a role that needs no
 * rule of its own is listed too; otherwise no roles (every user has the user limit, or none).
 */
async function moduleLimitsOf(tx: Executor, module: string): Promise<ModuleLimits | null> {
	const m = (await listModuleLimits(tx)).find((x) => x.module === module);
	if (!m) return null;
	if (m.limitType !== 'role') return { ...m, roles: {} };
	return { ...m, roles: Object.fromEntries((await limitRoles(tx)).map((r) => [r.key, r.key in m.roles ? m.roles[r.key]! : m.members])) };
}

/**
 * Saves one module's guest limit, members' limits (general or per role), reset period, message and
 * what happens when exhausted, audited `limits.module_saved` on `module` with its limits before and
 * after; saved as they were, nothing is recorded (`changed` false). Members whose allowance it changes are
 * told, each once (alerts/allowance-notices.ts). Errors: invalid_input, unknown_module.
 */
export const saveLimits = (db: Db, actor: SetupActor, input: ModuleLimitsInput): Promise<Saved<ModuleLimits>> =>
	auditedSave(
		db,
		actor,
		{ action: 'limits.module_saved', targetType: 'module', targetId: input.module, detail: input, before: (tx) => moduleLimitsOf(tx, input.module), after: (tx) => moduleLimitsOf(tx, input.module) },
		async (tx) => {
			// The ledger's own view (every role's rule, an ended one too), not the audit's: what each member had and has.
			const before = (await listModuleLimits(tx)).find((m) => m.module === input.module);
			const saved = await saveModuleLimits(tx, input);
			if (before) await noticeAllowanceChange(tx, input.module, saved.period, limitsChanges(before, saved));
			return saved;
		}
	);

/**
 * How a module's unused free tokens roll over into the next period (cap, expiry), or off (null),
 * audited `limits.rollover_saved` on `module` with the setting before and after; saved as it was, nothing
 * is recorded (`changed` false). Errors: invalid_input, unknown_module.
 */
export const saveRollover = (db: Db, actor: SetupActor, input: { module: string; rollover: RolloverSetting | null }): Promise<Saved<RolloverSetting | null>> =>
	auditedSave(
		db,
		actor,
		{ action: 'limits.rollover_saved', targetType: 'module', targetId: input.module, detail: input, before: async (tx) => (await moduleRollovers(tx))[input.module] ?? null },
		(tx) => saveModuleRollover(tx, input.module, input.rollover)
	);

/**
 * Sets a cap on an account, or on one member's use of a team pool (null or -1 removes it),
 * audited `cap.set` on the `account` (no before or after: the detail is the cap), dated `at` (default:
 * now; the demo's team history is older). Errors: invalid_input, not_found (account, user).
 */
export const setAccountCap = (db: Db, actor: SetupActor, cap: CapInput, at?: Date): Promise<void> =>
	auditedChange(db, actor, { action: 'cap.set', targetType: 'account', targetId: cap.accountId, accountId: cap.accountId, detail: cap, at }, (tx) => setCap(tx, cap));
