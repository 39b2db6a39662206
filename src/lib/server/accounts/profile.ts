import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { users } from '../db/schema';
import { activeAccount, spendableAccounts } from './active-account';
import type { Auth } from './types';

/**
 * What the app shows about the signed-in user: who they are, whether their address is confirmed
 * (`emailConfirmed`: address-confirmation.ts), their teams, which pool is active.
 */
export async function profile(db: Db, auth: Auth) {
	const [accounts, active, [confirmed]] = await Promise.all([
		spendableAccounts(db, auth.user.id),
		activeAccount(db, auth.user.id),
		db.orm.select({ is: sql<boolean>`${users.emailConfirmedAt} is not null` }).from(users).where(eq(users.id, auth.user.id))
	]);
	const { id, name, email, siteRole, timeZone, accountId } = auth.user;
	return {
		id,
		name,
		email,
		emailConfirmed: confirmed?.is ?? false,
		siteRole,
		timeZone,
		personalAccountId: accountId,
		teams: accounts.filter((a) => a.kind === 'team').map((a) => ({ id: a.teamId!, name: a.name, accountId: a.accountId, role: a.role! })),
		accounts,
		activeAccountId: active.accountId
	};
}
