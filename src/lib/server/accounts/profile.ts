import type { Db } from '../db';
import { activeAccount, spendableAccounts } from './active-account';
import type { Auth } from './types';

/** What the app shows about the signed-in user: who they are, their teams, which pool is active. */
export async function profile(db: Db, auth: Auth) {
	const [accounts, active] = await Promise.all([spendableAccounts(db, auth.user.id), activeAccount(db, auth.user.id)]);
	const { id, name, email, siteRole, timeZone, accountId } = auth.user;
	return {
		id,
		name,
		email,
		siteRole,
		timeZone,
		personalAccountId: accountId,
		teams: accounts.filter((a) => a.kind === 'team').map((a) => ({ id: a.teamId!, name: a.name, accountId: a.accountId, role: a.role! })),
		accounts,
		activeAccountId: active.accountId
	};
}
