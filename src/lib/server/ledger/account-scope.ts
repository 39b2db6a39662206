import type { Db } from '../db';
import { activeAccount, requireAccountAccess, type AccessLevel, type Auth } from '../accounts';

/** The account a signed-in user means: the one named (if they may use it) or their active pool. */
export async function resolveAccount(db: Db, auth: Auth, accountId: string | undefined, level: AccessLevel): Promise<string> {
	if (accountId) return (await requireAccountAccess(db, auth, accountId, level)).id;
	return (await activeAccount(db, auth.user.id)).accountId;
}
