import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { appliedClientWrites, userSettings, users } from '../db/schema';
import { DomainError } from '../errors';
import { requestHash } from '../idempotency';
import { activeAccount, spendableAccounts, type SpendableAccount } from './active-account';
import { parseInput, timeZoneSchema } from './validation';

export interface UserSettings {
	/** Below this share of the allocation the balance shows as low (yellow) and an alert goes out. */
	lowSharePercent: number;
	emailAlerts: boolean;
	/** IANA zone for dates and "resets in"; null = the device's own zone. */
	timeZone: string | null;
	/** The account the dashboard and the playground draw from. */
	activeAccountId: string;
	accounts: SpendableAccount[];
}

export interface SettingsChanges {
	lowSharePercent?: number;
	emailAlerts?: boolean;
	timeZone?: string | null;
	activeAccountId?: string;
}

export const LOW_SHARE_RANGE = { min: 1, max: 99 } as const;

/** The user's settings, with defaults for a user who never changed any. */
export async function getSettings(db: Db, userId: string): Promise<UserSettings> {
	const [accounts, active] = await Promise.all([spendableAccounts(db, userId), activeAccount(db, userId)]);
	const [row] = await db.orm
		.select({ lowShare: userSettings.lowShare, emailAlerts: userSettings.emailAlerts, timeZone: users.timeZone })
		.from(users)
		.leftJoin(userSettings, eq(userSettings.userId, users.id))
		.where(eq(users.id, userId));
	return {
		lowSharePercent: row?.lowShare ?? 20,
		emailAlerts: row?.emailAlerts ?? true,
		timeZone: row?.timeZone ?? null,
		activeAccountId: active.accountId,
		accounts
	};
}

/**
 * Applies a settings change made on a device, at most once per device-made key: a write queued
 * offline may be sent more than once (page and service worker, lost responses), and a late
 * replay must not overwrite a newer change. The key is claimed first, in the same transaction,
 * with the change's request hash: the same key with another change (or by another user) is
 * `idempotency_key_reused`, never applied or answered as if it had been.
 */
export async function applySettingsWrite(db: Db, userId: string, key: string, changes: SettingsChanges): Promise<{ settings: UserSettings; replayed: boolean }> {
	const p = changes.lowSharePercent;
	if (p !== undefined && !(Number.isInteger(p) && p >= LOW_SHARE_RANGE.min && p <= LOW_SHARE_RANGE.max)) {
		throw new DomainError('invalid_input', `The alert threshold must be a whole percentage from ${LOW_SHARE_RANGE.min} to ${LOW_SHARE_RANGE.max}.`);
	}
	const timeZone = changes.timeZone ? parseInput(timeZoneSchema, changes.timeZone) : changes.timeZone;
	if (changes.activeAccountId !== undefined && !(await spendableAccounts(db, userId)).some((a) => a.accountId === changes.activeAccountId)) {
		throw new DomainError('forbidden', 'You can only draw from your own account or a team you belong to.');
	}
	const hash = requestHash(['settings', userId, { ...changes, timeZone }]);
	const replayed = await db.orm.transaction(async (tx) => {
		const claimed = await tx
			.insert(appliedClientWrites)
			.values({ key, userId, requestHash: hash })
			.onConflictDoNothing()
			.returning({ key: appliedClientWrites.key });
		if (claimed.length === 0) {
			const [earlier] = await tx
				.select({ userId: appliedClientWrites.userId, requestHash: appliedClientWrites.requestHash })
				.from(appliedClientWrites)
				.where(eq(appliedClientWrites.key, key));
			if (earlier?.userId !== userId || earlier.requestHash !== hash) throw new DomainError('idempotency_key_reused', 'This change key was already used for another change.');
			return true;
		}
		const values = {
			...(p !== undefined && { lowShare: p }),
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
