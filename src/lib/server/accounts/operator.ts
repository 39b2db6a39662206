// What the operator of a deployment does from the server's shell, outside any session.
import { eq } from 'drizzle-orm';
import type { Db } from '../db';
import { users } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { audit, creditTo } from './audit';
import { emailSchema } from './validation';

/**
 * Makes the user with this e-mail a site admin: how a deployment without demo data gets its first
 * admin (`npm run admin:promote -- someone@example.com`, after they have signed up). Audited as
 * `user.role_changed` with no actor and `detail.via = 'command line'`.
 * Returns `{ userId, changed }` (`changed` is false when they were admin already).
 * Errors: `invalid_input` for a malformed e-mail, `not_found` when no user has it.
 */
export async function promoteToSiteAdmin(db: Db, email: string): Promise<{ userId: string; changed: boolean }> {
	const address = parseInput(emailSchema, email);
	return db.orm.transaction(async (tx) => {
		const [user] = await tx
			.select({ id: users.id, accountId: users.accountId, siteRole: users.siteRole })
			.from(users)
			.where(eq(users.email, address))
			.for('update');
		if (!user) throw new DomainError('not_found', `No user has the e-mail ${address}: they sign up first.`);
		if (user.siteRole === 'admin') return { userId: user.id, changed: false };
		await tx.update(users).set({ siteRole: 'admin' }).where(eq(users.id, user.id));
		await audit(tx, {
			action: 'user.role_changed',
			targetType: 'user',
			targetId: user.id,
			accountId: user.accountId,
			before: { siteRole: user.siteRole },
			after: { siteRole: 'admin' },
			...creditTo({ via: 'command line' })
		});
		return { userId: user.id, changed: true };
	});
}
