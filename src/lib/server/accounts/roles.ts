import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { atMostCharacters, readableText } from '../fields';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { siteRoles } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { audit, creditTo, type SetupActor } from './audit';
import { allowanceRulesForRole, rolesWithRules } from '../ledger';
import { siteRoleSchema } from './validation';
import { BUILT_IN_ROLES } from '../../roles';
import { counted } from '../../counted';
import { plainFormatter } from '../../refusal-message';

/** A role of the site as the admin's roles list shows it. */
export interface SiteRole {
	/** What users and role-based allowances store: `admin`, `subscriber`, `author`, … */
	key: string;
	name: string;
	description: string;
	/** Users who hold it now. */
	users: number;
	/** Why it cannot be removed, in the removal's refusal's words (built in, held, a free allowance is for it); null: it can be. */
	kept: string | null;
}

const roleInput = z
	.object({
		key: siteRoleSchema,
		name: readableText(atMostCharacters(z.string().trim().min(1, 'Name the role.'), 60, 'Keep the name under 60 characters.')),
		description: readableText(atMostCharacters(z.string().trim(), 300, 'Keep the description under 300 characters.')).default(''),
		/** Adding (a key already on the list is refused instead of renaming that role), or editing (a key no longer on it is refused instead of adding it back). */
		isNew: z.boolean()
	})
	.strict();

/** The site's roles with how many users hold each, in key order. */
export async function listSiteRoles(exec: Executor): Promise<SiteRole[]> {
	const [rows, ruled] = await Promise.all([
		queryRows<{ key: string; name: string; description: string; users: number }>(exec, sql`
			select r.key, r.name, r.description, (select count(*) from users u where u.site_role = r.key)::int as users
			  from site_roles r order by r.key`),
		rolesWithRules(exec)
	]);
	return rows.map((row) => {
		const r = { ...row, users: Number(row.users) };
		return { ...r, kept: keptWords(r, ruled.includes(r.key)) };
	});
}

/** Why role `r` cannot be removed, in words that say what to do first; null when it can be (deleteSiteRole). */
function keptWords(r: { key: string; name: string; users: number }, allowanceFor: boolean): string | null {
	if (BUILT_IN_ROLES.includes(r.key)) return `“${r.key}” is built in: the site cannot work without it.`;
	// Named as the Roles page names it ("Beta testers"), not by its key ("beta").
	if (r.users > 0) return roleHeldWords(r.users, r.name);
	if (allowanceFor) return `A free allowance is set for the role “${r.name}”: set it to None on the Limits page first.`;
	return null;
}

/** Whether `key` is on the site's list of roles. */
export async function isSiteRole(exec: Executor, key: string): Promise<boolean> {
	const [row] = await exec.select({ key: siteRoles.key }).from(siteRoles).where(eq(siteRoles.key, key));
	return row !== undefined;
}

/**
 * Adds a role to the site's list (`isNew`) or renames / redescribes one, audited with before and after.
 * Errors: `invalid_input` (key 2–32 lower-case letters, digits, - or _, starting with a letter; a name); `conflict` when
 * another role already has the name (compared without case): every picker and the Limits page show
 * roles by name, so two of one name could not be told apart; `conflict` when adding a key already on
 * the list (an add never renames a role); `not_found` when editing a key no longer on it (an edit
 * never adds a role back). `by`: a site admin, or Quota itself (the demo's roles).
 */
export function saveSiteRole(db: Db, by: SetupActor, input: z.input<typeof roleInput>): Promise<SiteRole> {
	const { isNew, ...role } = parseInput(roleInput, input);
	return db.orm.transaction(async (tx) => {
		// Saves of roles take turns (rare, an admin's), so the checks below see every save before this
		// one: two admins adding one key, or two names alike, at the same moment cannot both pass.
		await tx.execute(sql`lock table site_roles in share row exclusive mode`);
		const [before] = await tx.select({ name: siteRoles.name, description: siteRoles.description }).from(siteRoles).where(eq(siteRoles.key, role.key));
		if (before && isNew) throw new DomainError('conflict', `The key “${role.key}” is already the role “${before.name}”: pick another key, or edit that role in the list.`);
		if (!before && !isNew) throw new DomainError('not_found', `No role has the key “${role.key}” any more: it was deleted. Add it again if it is still needed.`);
		const [namesake] = await tx
			.select({ key: siteRoles.key, name: siteRoles.name })
			.from(siteRoles)
			.where(and(sql`lower(${siteRoles.name}) = lower(${role.name})`, ne(siteRoles.key, role.key)));
		if (namesake) throw new DomainError('conflict', `Another role is already called “${namesake.name}”: give this one another name.`);
		if (isNew) await tx.insert(siteRoles).values(role);
		else await tx.update(siteRoles).set({ name: role.name, description: role.description }).where(eq(siteRoles.key, role.key));
		await audit(tx, {
			action: before ? 'role.updated' : 'role.created',
			...creditTo(by),
			targetType: 'role',
			targetId: role.key,
			before: before ?? null,
			after: { name: role.name, description: role.description }
		});
		const [saved] = (await listSiteRoles(tx)).filter((r) => r.key === role.key);
		return saved!;
	});
}

/** Why the role named `name` that `holders` users have cannot be deleted: "1,200 users have the role “Tester”: …", "1 user has …". */
export const roleHeldWords = (holders: number, name: string) =>
	`${counted(holders, 'user', plainFormatter.tokens)} ${holders === 1 ? 'has' : 'have'} the role “${name}”: give them another role first.`;

/**
 * Takes a role off the site's list, audited. Errors: `not_found`; `conflict` for a built-in role, a
 * role users still hold, or one a free allowance rule is for (change those first).
 */
export function deleteSiteRole(db: Db, actor: { userId: string; ip: string | null }, key: string): Promise<{ key: string }> {
	return db.orm.transaction(async (tx) => {
		const [before] = await tx.select().from(siteRoles).where(eq(siteRoles.key, key)).for('update');
		if (!before) throw new DomainError('not_found', 'No such role.');
		const [use] = await queryRows<{ users: number }>(tx, sql`select count(*)::int as users from users where site_role = ${key}`);
		const kept = keptWords({ key, name: before.name, users: Number(use?.users ?? 0) }, (await allowanceRulesForRole(tx, key)) > 0);
		if (kept) throw new DomainError('conflict', kept);
		await tx.delete(siteRoles).where(eq(siteRoles.key, key));
		await audit(tx, { action: 'role.deleted', actorUserId: actor.userId, targetType: 'role', targetId: key, ip: actor.ip, before: { name: before.name, description: before.description }, after: null });
		return { key };
	});
}

/** The site's role keys in order, for pickers. */
export async function siteRoleKeys(exec: Executor): Promise<string[]> {
	return (await exec.select({ key: siteRoles.key }).from(siteRoles).orderBy(asc(siteRoles.key))).map((r) => r.key);
}

/**
 * The roles the Limits page gives a field each ({ key, name }): the site's list of roles (the Roles
 * page edits it), then any role an allowance rule still names that is not on it, so no saved limit
 * is hidden (its name is its key).
 */
export async function limitRoles(exec: Executor): Promise<{ key: string; name: string }[]> {
	const [listed, ruled] = await Promise.all([listSiteRoles(exec), rolesWithRules(exec)]);
	const keys = new Set(listed.map((r) => r.key));
	return [...listed.map((r) => ({ key: r.key, name: r.name })), ...ruled.filter((k) => !keys.has(k)).map((k) => ({ key: k, name: k }))];
}
