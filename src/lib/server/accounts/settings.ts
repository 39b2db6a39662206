import { eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db';
import { appliedClientWrites, teamMembers, teams, userSettings, users } from '../db/schema';
import { DomainError } from '../errors';

/** An account the user may draw tokens from: their own, or the pool of a team they belong to. */
export interface DrawableAccount {
	accountId: string;
	kind: 'user' | 'team';
	name: string;
	/** The user's role in the team (null for their own account). */
	teamRole: 'owner' | 'admin' | 'member' | null;
}

export interface UserSettings {
	/** Below this share of the allocation the balance shows as low (yellow) and an alert goes out. */
	lowSharePercent: number;
	emailAlerts: boolean;
	/** IANA zone for dates and "resets in"; null = the device's own zone. */
	timeZone: string | null;
	/** The account the dashboard and the playground draw from. */
	activeAccountId: string;
	accounts: DrawableAccount[];
}

export interface SettingsChanges {
	lowSharePercent?: number;
	emailAlerts?: boolean;
	timeZone?: string | null;
	activeAccountId?: string;
}

export const LOW_SHARE_RANGE = { min: 1, max: 90 } as const;

async function drawableAccounts(exec: Executor, userId: string): Promise<DrawableAccount[]> {
	const [own] = await exec.select({ accountId: users.accountId, name: users.name }).from(users).where(eq(users.id, userId));
	if (!own) throw new DomainError('not_found', 'This user does not exist.');
	const pools = await exec
		.select({ accountId: teams.accountId, name: teams.name, teamRole: teamMembers.role })
		.from(teamMembers)
		.innerJoin(teams, eq(teams.id, teamMembers.teamId))
		.where(eq(teamMembers.userId, userId))
		.orderBy(teams.name);
	return [
		{ accountId: own.accountId, kind: 'user', name: own.name, teamRole: null },
		...pools.map((p) => ({ ...p, kind: 'team' as const }))
	];
}

/** The user's settings, with defaults for a user who never changed any. */
export async function getSettings(exec: Executor, userId: string): Promise<UserSettings> {
	const accounts = await drawableAccounts(exec, userId);
	const [row] = await exec
		.select({ lowShare: userSettings.lowShare, emailAlerts: userSettings.emailAlerts, activeAccountId: userSettings.activeAccountId, timeZone: users.timeZone })
		.from(users)
		.leftJoin(userSettings, eq(userSettings.userId, users.id))
		.where(eq(users.id, userId));
	// A team the user has left is no longer drawable: fall back to their own account.
	const active = accounts.find((a) => a.accountId === row?.activeAccountId) ?? accounts[0]!;
	return {
		lowSharePercent: row?.lowShare ?? 20,
		emailAlerts: row?.emailAlerts ?? true,
		timeZone: row?.timeZone ?? null,
		activeAccountId: active.accountId,
		accounts
	};
}

function validTimeZone(zone: string) {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/**
 * Applies a settings change made on a device, at most once per device-made key: a write queued
 * offline may be replayed more than once (page and service worker, lost responses), and a late
 * replay must not overwrite a newer change. The key is claimed first, in the same transaction.
 */
export async function applySettingsWrite(
	db: Database,
	userId: string,
	key: string,
	changes: SettingsChanges
): Promise<{ settings: UserSettings; replayed: boolean }> {
	if (changes.lowSharePercent !== undefined) {
		const p = changes.lowSharePercent;
		if (!Number.isInteger(p) || p < LOW_SHARE_RANGE.min || p > LOW_SHARE_RANGE.max) {
			throw new DomainError('invalid_input', `The alert threshold must be a whole percentage from ${LOW_SHARE_RANGE.min} to ${LOW_SHARE_RANGE.max}.`);
		}
	}
	if (changes.timeZone && !validTimeZone(changes.timeZone)) {
		throw new DomainError('invalid_input', `Unknown time zone "${changes.timeZone}".`);
	}
	return db.transaction(async (tx) => {
		const claimed = await tx.insert(appliedClientWrites).values({ key, userId }).onConflictDoNothing().returning({ key: appliedClientWrites.key });
		if (claimed.length === 0) {
			const [earlier] = await tx.select().from(appliedClientWrites).where(eq(appliedClientWrites.key, key));
			// A replay answers with the current settings and changes nothing.
			if (!earlier || earlier.userId !== userId) throw new DomainError('idempotency_key_reused', 'This change key was already used.');
			return { settings: await getSettings(tx, userId), replayed: true };
		}
		if (changes.activeAccountId !== undefined) {
			const accounts = await drawableAccounts(tx, userId);
			if (!accounts.some((a) => a.accountId === changes.activeAccountId)) {
				throw new DomainError('forbidden', 'You cannot draw tokens from that account.');
			}
		}
		const values = {
			...(changes.lowSharePercent !== undefined && { lowShare: changes.lowSharePercent }),
			...(changes.emailAlerts !== undefined && { emailAlerts: changes.emailAlerts }),
			...(changes.activeAccountId !== undefined && { activeAccountId: changes.activeAccountId })
		};
		await tx
			.insert(userSettings)
			.values({ userId, ...values })
			.onConflictDoUpdate({ target: userSettings.userId, set: { ...values, updatedAt: sql`now()` } });
		if (changes.timeZone !== undefined) {
			await tx.update(users).set({ timeZone: changes.timeZone }).where(eq(users.id, userId));
		}
		return { settings: await getSettings(tx, userId), replayed: false };
	});
}
