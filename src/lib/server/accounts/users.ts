import { and, eq, isNull, sql } from 'drizzle-orm';
import { audit, creditTo } from './audit';
import { noticeFigures } from '../ledger';
import { z } from 'zod';
import type { Db, Executor } from '../db';
import { users } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { isUniqueViolation } from './db-errors';
import { hashPassword } from './passwords';
import { isSiteRole } from './roles';
import { SIGN_UP_ROLE } from '../../roles';
import { emailSchema, externalUserIdSchema, MAX_NAME, nameSchema, passwordSchema, siteRoleSchema } from './validation';
import { nameTooLong } from '../../account-fields';
import { firstCharacters } from '../../text-length';

export interface NewUser {
	email: string | null;
	name: string;
	password?: string | null;
	/** Defaults to SIGN_UP_ROLE (`subscriber`), the role every new sign-up gets. */
	siteRole?: string;
	externalId?: string | null;
	/**
	 * Whether `email` is known to be theirs already (the demo's people): else it is mailed nothing until
	 * they open a confirmation link (sign-up mails one: address-confirmation.ts).
	 */
	emailConfirmed?: boolean;
}

export interface CreatedUser {
	id: string;
	accountId: string;
	email: string | null;
	name: string;
	siteRole: string;
}

const newUserSchema = z.object({
	email: emailSchema.nullable(),
	name: nameSchema,
	password: passwordSchema.nullish(),
	siteRole: siteRoleSchema.default(SIGN_UP_ROLE),
	externalId: externalUserIdSchema.nullish(),
	emailConfirmed: z.boolean().default(false)
});

/**
 * Creates a user and its personal account. Both rows are written by one statement, so a
 * refused insert (duplicate email) leaves no account behind.
 */
export async function createUser(exec: Executor, input: NewUser): Promise<CreatedUser> {
	const v = parseInput(newUserSchema, input);
	const passwordHash = v.password ? await hashPassword(v.password) : null;
	try {
		const result = await exec.execute(sql`
			with account as (insert into accounts (kind, name) values ('user', ${v.name}) returning id),
			-- The site's list of roles knows every role a user holds (accounts/roles.ts).
			listed as (insert into site_roles (key, name) values (${v.siteRole}, initcap(${v.siteRole})) on conflict do nothing)
			insert into users (account_id, email, name, password_hash, site_role, external_id, email_confirmed_at)
			select id, ${v.email}, ${v.name}, ${passwordHash}, ${v.siteRole}, ${v.externalId ?? null}, case when ${v.emailConfirmed} then now() end from account
			returning id, account_id, email, name, site_role`);
		const row = rowsOf<{ id: string; account_id: string; email: string | null; name: string; site_role: string }>(result)[0]!;
		return { id: row.id, accountId: row.account_id, email: row.email, name: row.name, siteRole: row.site_role };
	} catch (e) {
		if (isUniqueViolation(e, 'users_email_unique')) {
			throw new DomainError('conflict', 'An account with this email already exists. Sign in, or reset your password.', {
				fieldErrors: { email: ['An account with this email already exists.'] }
			});
		}
		if (isUniqueViolation(e, 'users_external_id_unique')) throw new DomainError('conflict', 'A user with this external id already exists.');
		throw e;
	}
}

/**
 * The user a host site knows by its own id (metering API): created on first sight with an
 * empty account and no email. Concurrent first requests create it once. `mayCreate` (the site's
 * setting) is asked only when there is no such user: false refuses with `unknown_user`.
 */
export async function findOrCreateExternalUser(db: Db, externalId: string, mayCreate: () => Promise<boolean> = async () => true): Promise<CreatedUser> {
	const id = parseInput(externalUserIdSchema, externalId);
	const existing = await findExternalUser(db.orm, id);
	if (existing) return existing;
	if (!(await mayCreate())) throw unknownUser(id);
	return db.orm.transaction((tx) => makeExternalUser(tx, id));
}

/** The user a host site knows as `externalId` (already checked by externalUserIdSchema), if there is one. */
export async function findExternalUser(exec: Executor, externalId: string): Promise<CreatedUser | undefined> {
	const [u] = await exec
		.select({ id: users.id, accountId: users.accountId, email: users.email, name: users.name, siteRole: users.siteRole })
		.from(users)
		.where(eq(users.externalId, externalId));
	return u;
}

/**
 * Makes the host site's user `externalId` inside the transaction `tx`, or finds the one a
 * concurrent first request made: first uses of one id wait for each other, and each then sees the
 * winner's commit. What `tx` does next decides whether the user is kept (rolled back, it never was).
 */
export async function makeExternalUser(tx: Executor, externalId: string): Promise<CreatedUser> {
	await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${'external-user:' + externalId}, 0))`);
	return (await findExternalUser(tx, externalId)) ?? createUser(tx, { email: null, name: externalUserName(externalId), externalId });
}

/** The refusal of a `user` that names nobody, on a site that does not create users for unknown ids. */
export const unknownUser = (user: string) => new DomainError('unknown_user', `No user "${user}" on this site: check the id. (This site does not create users for unknown ids.)`);

/** The display name of a host site's user: its id, shortened to fit a name (ids are longer than names may be). */
function externalUserName(id: string): string {
	const name = `Site user ${id.trim()}`;
	return nameTooLong(name) ? `${firstCharacters(name, MAX_NAME - 1)}…` : name;
}

export async function findUserByEmail(exec: Executor, email: string) {
	const [u] = await exec.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
	return u;
}

/**
 * The enabled site admins' ids, their rows locked (in id order, before any other user row, so two
 * changes cannot deadlock): a change that could leave the site without an admin (a role change,
 * disabling) takes this first, so two admins demoting or disabling each other at once cannot both
 * see the other one still there. Call inside a transaction.
 */
export async function lockEnabledAdmins(tx: Executor): Promise<string[]> {
	const rows = await tx.select({ id: users.id }).from(users).where(and(eq(users.siteRole, 'admin'), isNull(users.disabledAt))).orderBy(users.id).for('update');
	return rows.map((r) => r.id);
}

/** Who changes a user's site role: a person (only a site admin may), or Quota itself (the demo's roles, `admin:promote`). */
type RoleChanger = { userId: string; siteRole: string; ip?: string | null } | { via: string };

/**
 * Changes a user's site role to one on the site's list (`admin`, or a member role allowances key on);
 * site admins only (or Quota: the demo, `admin:promote`), audited `user.role_changed` when it changes.
 * Returns `{ userId, siteRole, changed }` (`changed` false: they had that role already).
 * Errors: `forbidden` (not a site admin), `invalid_input` for a role not on the list, `not_found`,
 * `conflict` for the last admin.
 */
export async function setSiteRole(db: Db, by: RoleChanger, userId: string, role: string) {
	if ('siteRole' in by && by.siteRole !== 'admin') throw new DomainError('forbidden', 'Only site admins can change roles.');
	const next = parseInput(siteRoleSchema, role);
	return db.orm.transaction(async (tx) => {
		if (!(await isSiteRole(tx, next))) throw new DomainError('invalid_input', `“${next}” is not one of the site's roles: add it to the list first.`);
		const admins = await lockEnabledAdmins(tx);
		const [before] = await tx.select({ siteRole: users.siteRole, accountId: users.accountId }).from(users).where(eq(users.id, userId)).for('update');
		if (!before) throw new DomainError('not_found', 'No such user.');
		if (before.siteRole === 'admin' && next !== 'admin' && !admins.some((id) => id !== userId)) {
			throw new DomainError('conflict', 'The site needs an admin: make someone else admin first.');
		}
		if (before.siteRole === next) return { userId, siteRole: next, changed: false };
		await tx.update(users).set({ siteRole: next }).where(eq(users.id, userId));
		// Allowances follow the role: the user's open pages show the new figures.
		await noticeFigures(tx, before.accountId);
		await audit(tx, {
			action: 'user.role_changed',
			...creditTo('via' in by ? by : { userId: by.userId, ip: by.ip ?? null }),
			targetType: 'user',
			targetId: userId,
			accountId: before.accountId,
			before: { siteRole: before.siteRole },
			after: { siteRole: next }
		});
		return { userId, siteRole: next, changed: true };
	});
}

export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}
