// One module's Limits form as the owner edits it: each audience's limit chosen in words, the preview
// of what each gets, the slips that stop a save, and what the save sends. A mode has fields of its own
// ("User limit" for one limit for every user, each role's and "Any other role" for role-based), so
// switching modes never carries a value from one audience into another's field: each starts from what
// the owner has saved for that audience, or is left empty for them to choose.
import { limitChoice, limitDraft, readLimit, typedLimit, type LimitDraft, type LimitsForm, type LimitType, type OnExhausted, type Period, type RuleLimit } from '$lib/client/admin/limits';
import type { AdminLimits, AdminModuleLimits } from '$lib/client/admin/types';

type Parsed = ReturnType<typeof readLimit>;

/**
 * What one limit gives every user of a role-based module, when every role and "any other role" gets the
 * same (then it is what a "User limit" would keep); undefined when they differ, or all get 0 (not
 * available): a field is never pre-filled with a value that turns the module off.
 */
function sameForAll(limits: RuleLimit[]): RuleLimit | undefined {
	const [first, ...rest] = limits;
	return first !== 0 && rest.every((l) => l === first) ? first : undefined;
}

export class ModuleLimitsForm {
	guest: LimitDraft;
	limitType: LimitType;
	/** General: "User limit", one limit for every user. */
	general: LimitDraft;
	/** Role-based: "Any other role", the limit of a user whose role has no limit of its own. */
	other: LimitDraft;
	/** Role-based: each role's limit, by the role's key. */
	roles: Record<string, LimitDraft>;
	period: Period;
	limitMessage: string;
	onExhausted: OnExhausted;

	/** Starts from what is saved for `module`; `roleList`, the Limits page's roles, each get a field. */
	constructor(
		private readonly module: AdminModuleLimits,
		private readonly roleList: AdminLimits['roles']
	) {
		// A role without a limit of its own gets the "any other role" limit in the ledger: it starts there.
		const ofRole = (key: string): RuleLimit => (key in module.roles ? module.roles[key]! : module.members);
		this.guest = $state(limitDraft(module.guest));
		this.limitType = $state(module.limitType);
		this.other = $state(limitDraft(module.members));
		this.roles = $state(Object.fromEntries(roleList.map((r) => [r.key, limitDraft(ofRole(r.key))])));
		this.general = $state(limitDraft(module.limitType === 'role' ? sameForAll([module.members, ...roleList.map((r) => ofRole(r.key))]) : module.members));
		this.period = $state(module.period);
		this.limitMessage = $state(module.limitMessage);
		this.onExhausted = $state(module.onExhausted);
	}

	/** The users' field of the mode chosen: "User limit" or "Any other role" (none: no field). */
	get members(): LimitDraft {
		return this.limitType === 'role' ? this.other : this.general;
	}

	/** What the preview and the run-out sentence read. */
	get shown(): LimitsForm {
		return {
			name: this.module.name,
			guest: typedLimit(this.guest),
			limitType: this.limitType,
			members: typedLimit(this.members),
			roles: this.roleList.map((r) => ({ name: r.name, limit: typedLimit(this.roles[r.key]!) })),
			period: this.period,
			onExhausted: this.onExhausted
		};
	}

	/** Each field the form cannot send as it is, in the form's order, with why (field ids under `id`); none when it can be saved. */
	slips(id: string): [string, string][] {
		const limits: [string, Parsed][] = [
			[`${id}-guest`, readLimit(this.guest)],
			...(this.limitType === 'role' ? this.roleList.map((r): [string, Parsed] => [`${id}-role-${r.key}`, readLimit(this.roles[r.key]!)]) : []),
			...(this.limitType === 'none' ? [] : [[`${id}-members`, readLimit(this.members)] as [string, Parsed]])
		];
		const refused = limits.flatMap(([field, p]): [string, string][] => (p.ok ? [] : [[field, p.error]]));
		return this.limitMessage.trim() ? refused : [...refused, [`${id}-message`, 'Write the limit message.']];
	}

	/** What a save sends (admin.limits.save); a field that does not apply, or cannot be read (only then: `slips` stop the rest), is null. */
	input() {
		const value = (d: LimitDraft) => {
			const p = readLimit(d);
			return p.ok ? limitChoice(p.value) : null;
		};
		return {
			module: this.module.module,
			guest: value(this.guest),
			limitType: this.limitType,
			members: this.limitType === 'none' ? null : value(this.members),
			roles: this.limitType === 'role' ? Object.fromEntries(this.roleList.map((r) => [r.key, value(this.roles[r.key]!)])) : {},
			period: this.period,
			limitMessage: this.limitMessage,
			onExhausted: this.onExhausted
		};
	}
}
