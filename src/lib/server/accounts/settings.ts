import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import type { Executor } from '../db/client';
import { appliedClientWrites, userSettings, users } from '../db/schema';
import { DomainError, parseInput } from '../errors';
import { requestHash } from '../idempotency';
import { activeAccount, spendableAccounts, type SpendableAccount } from './active-account';
import { timeZoneSchema } from './validation';
import { siteTimeZone } from '../ledger';

export interface UserSettings {
	/** Whether alerts (see alerts/level.ts) are also mailed; the in-app inbox gets them always. */
	emailAlerts: boolean;
	/** IANA zone for dates and "resets in"; null = the device's own zone. */
	timeZone: string | null;
	/** The site's IANA zone: its days are the ones windows, caps, reports and the usage filter count. */
	siteTimeZone: string;
	/** The account the dashboard and the playground draw from. */
	activeAccountId: string;
	accounts: SpendableAccount[];
}

export interface SettingsChanges {
	emailAlerts?: boolean;
	timeZone?: string | null;
	activeAccountId?: string;
}

/** The user's settings, with defaults for a user who never changed any. */
export async function getSettings(db: Db, userId: string): Promise<UserSettings> {
	const [accounts, active] = await Promise.all([spendableAccounts(db, userId), activeAccount(db, userId)]);
	const [row] = await db.orm
		.select({ emailAlerts: userSettings.emailAlerts, timeZone: users.timeZone, siteTimeZone: sql<string>`${siteTimeZone}` })
		.from(users)
		.leftJoin(userSettings, eq(userSettings.userId, users.id))
		.where(eq(users.id, userId));
	return {
		emailAlerts: row?.emailAlerts ?? true,
		timeZone: row?.timeZone ?? null,
		siteTimeZone: row?.siteTimeZone ?? 'UTC',
		activeAccountId: active.accountId,
		accounts
	};
}

/**
 * Claims a device-made write key for the user inside the caller's transaction, with the write's
 * request hash (lib/server/idempotency.ts): false the first time (apply the write), true for a
 * replay of the same key and change (change nothing). Throws `idempotency_key_reused` when the key
 * was used by another user or for another change.
 */
export async function claimClientWrite(tx: Executor, userId: string, key: string, hash: string): Promise<boolean> {
	const claimed = await tx
		.insert(appliedClientWrites)
		.values({ key, userId, requestHash: hash })
		.onConflictDoNothing()
		.returning({ key: appliedClientWrites.key });
	if (claimed.length) return false;
	const [earlier] = await tx
		.select({ userId: appliedClientWrites.userId, requestHash: appliedClientWrites.requestHash })
		.from(appliedClientWrites)
		.where(eq(appliedClientWrites.key, key));
	if (earlier?.userId !== userId || earlier.requestHash !== hash) throw new DomainError('idempotency_key_reused', 'This change key was already used for another change.');
	return true;
}

/**
 * Applies a settings change made on a device, at most once per device-made key: a write queued
 * offline may be sent more than once (page and service worker, lost responses), and a late
 * replay must not overwrite a newer change. The key is claimed first, in the same transaction,
 * with the change's request hash: the same key with another change (or by another user) is
 * `idempotency_key_reused`, never applied or answered as if it had been.
 */
export async function applySettingsWrite(db: Db, userId: string, key: string, changes: SettingsChanges): Promise<{ settings: UserSettings; replayed: boolean }> {
	const timeZone = changes.timeZone ? parseInput(timeZoneSchema, changes.timeZone) : changes.timeZone;
	if (changes.activeAccountId !== undefined && !(await spendableAccounts(db, userId)).some((a) => a.accountId === changes.activeAccountId)) {
		throw new DomainError('forbidden', 'You can only draw from your own account or a team you belong to.');
	}
	const hash = requestHash(['settings', userId, { ...changes, timeZone }]);
	const replayed = await db.orm.transaction(async (tx) => {
		if (await claimClientWrite(tx, userId, key, hash)) return true;
		const values = {
			...(changes.emailAlerts !== undefined && { emailAlerts: changes.emailAlerts }),
			...(changes.activeAccountId !== undefined && { activeAccountId: changes.activeAccountId })
		};
		await tx
			.insert(userSettings)
			.values({ userId, ...values })
			.onConflictDoUpdate({ target: userSettings.userId, set: { ...values, updatedAt: sql`now()` } });
		if (timeZone !== undefined) await tx.update(users).set({ timeZone }).where(eq(users.id, userId));
		return false;
	});
	// A replay answers with the current settings and changes nothing.
	return { settings: await getSettings(db, userId), replayed };
}
