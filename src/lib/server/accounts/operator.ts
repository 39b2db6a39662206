// What the operator of a deployment does from the server's shell, outside any session.
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { users } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { addressProven } from './address-confirmation';
import { setSiteRole } from './users';
import { emailSchema } from './validation';

/**
 * Makes the user with this e-mail a site admin: how a deployment without demo data gets its first
 * admin (`npm run admin:promote -- someone@example.com`, after they have signed up). The console's
 * `setSiteRole`, credited to Quota: `user.role_changed` with no actor and `detail.via = 'command line'`.
 * The operator at the server's shell names the address and vouches for it, so an address that awaits
 * its link is confirmed too (`user.email_confirmed`, via the command line): an admin's mail (the
 * contacts' and alerts') goes to it without one.
 * Returns `{ userId, changed, confirmed }` (`changed`: false when they were admin already; `confirmed`:
 * true when the address was confirmed now, false when it was before).
 * Errors: `invalid_input` for a malformed e-mail, `not_found` when no user has it.
 */
export async function promoteToSiteAdmin(db: Db, email: string): Promise<{ userId: string; changed: boolean; confirmed: boolean }> {
	const address = parseInput(emailSchema, email);
	const [user] = await db.orm.select({ id: users.id, confirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.email, address));
	if (!user) throw new DomainError('not_found', `No user has the e-mail ${address}: they sign up first.`);
	const { changed } = await setSiteRole(db, { via: 'command line' }, user.id, 'admin');
	const confirmed = !user.confirmedAt && (await db.orm.transaction((tx) => addressProven(tx, user.id, address, { via: 'command line' })));
	return { userId: user.id, changed, confirmed };
}

/** What `admin:promote` prints of promoteToSiteAdmin's answer: the role, then the address it confirmed, if it did. */
export function promotionWords(email: string, r: { changed: boolean; confirmed: boolean }): string {
	const role = r.changed ? `${email} is now a site admin.` : `${email} was a site admin already.`;
	return r.confirmed ? `${role} Their address is confirmed now: you vouched for it on this server, so admin mail and alerts reach it.` : role;
}

/**
 * What a start says while the site has no admin (a new deployment without demo data): how to make
 * the first one, which nothing in the app can do. Null once there is one.
 */
export async function firstAdminHint(db: Db, origin: string): Promise<string | null> {
	const [row] = await db.rows<{ any: boolean }>(sql`select exists (select 1 from users where site_role = 'admin') as any`);
	if (row?.any) return null;
	return `Quota: no site admin yet. Sign up at ${origin}/signup, then, on this server with the same DATABASE_URL: npm run admin:promote -- you@example.com`;
}
