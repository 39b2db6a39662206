import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { userSettings } from '../db/schema';
import { read, readOne, together, type Read } from '../db/reads';
import { DomainError } from '../errors';

export interface SpendableAccount {
	accountId: string;
	kind: 'user' | 'team';
	name: string;
	teamId: string | null;
	/** The user's role in the team (null for the personal account). */
	role: 'owner' | 'admin' | 'member' | null;
}

/** The pools a user can draw from: the personal account first, then each team, by name. */
export function spendableAccounts(db: Db, userId: string): Promise<SpendableAccount[]> {
	return readOne(db.orm, spendableAccountsRead(userId));
}

function spendableAccountsRead(userId: string): Read<SpendableAccount[]> {
	return read(
		sql`
		select u.account_id, 'user' as kind, 'Personal' as name, null::uuid as team_id, null as role, 0 as ord
		from users u where u.id = ${userId}
		union all
		select t.account_id, 'team', t.name, t.id, m.role, 1
		from team_members m join teams t on t.id = m.team_id where m.user_id = ${userId}
		order by ord, name`,
		(rows: { account_id: string; kind: 'user' | 'team'; name: string; team_id: string | null; role: SpendableAccount['role'] }[]) =>
			rows.map((r) => ({ accountId: r.account_id, kind: r.kind, name: r.name, teamId: r.team_id, role: r.role }))
	);
}

/** The account the user's uses draw from now: their choice if they may still use it, else personal (one statement). */
export async function activeAccount(db: Db, userId: string): Promise<SpendableAccount> {
	const { accounts, chosen } = await readOne(
		db.orm,
		together({
			accounts: spendableAccountsRead(userId),
			chosen: read(sql`select active_account_id from user_settings where user_id = ${userId}`, (rows: { active_account_id: string | null }[]) => rows[0]?.active_account_id)
		})
	);
	if (!accounts.length) throw new DomainError('not_found', 'This user no longer exists.');
	return accounts.find((a) => a.accountId === chosen) ?? accounts[0]!;
}

/** Chooses which pool (personal or a team's) the user's uses draw from. */
export async function setActiveAccount(db: Db, userId: string, accountId: string): Promise<SpendableAccount> {
	const account = (await spendableAccounts(db, userId)).find((a) => a.accountId === accountId);
	if (!account) throw new DomainError('forbidden', 'You can only draw from your own account or a team you belong to.');
	await db.orm
		.insert(userSettings)
		.values({ userId, activeAccountId: accountId })
		.onConflictDoUpdate({ target: userSettings.userId, set: { activeAccountId: accountId, updatedAt: sql`now()` } });
	return account;
}
