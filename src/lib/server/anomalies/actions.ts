import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { audit, requireAccountAccess, setKeyPaused, type Auth } from '../accounts';
import { capsInForce, hourlyBaseline, setCap } from '../ledger';

/** The smallest daily cap suggested, in tokens (an account with next to no baseline still gets a usable day). */
const MIN_SUGGESTED_CAP = 100;

/**
 * The daily cap an anomaly suggests for an account: twice what it spends on a usual day (the sum of
 * its 24 hourly baselines, the forecast's figures), rounded up to a hundred tokens, at least 100.
 */
export async function suggestedDailyCap(exec: Executor, accountId: string): Promise<number> {
	const day = (await hourlyBaseline(exec, [accountId])).get(accountId)!.reduce((a, b) => a + b, 0);
	return Math.max(MIN_SUGGESTED_CAP, Math.ceil((2 * day) / 100) * 100);
}

async function flagOf(exec: Executor, flagId: number) {
	const [f] = await queryRows<{ id: number; account_id: string; api_key_id: string | null }>(exec, sql`
		select id, account_id, api_key_id from anomaly_flags where id = ${flagId}`);
	if (!f) throw new DomainError('not_found', 'No such flag.');
	return f;
}

/**
 * One tap on a flag: pauses the key it is about (accounts/api-keys.ts: the key's owner or, for a site
 * key, a site admin). Errors: `not_found` (no such flag, or not the caller's), `invalid_input` for a
 * flag about the whole account.
 */
export async function pauseFlaggedKey(db: Db, auth: Auth, flagId: number, ip?: string | null) {
	const f = await flagOf(db.orm, flagId);
	await requireAccountAccess(db, auth, f.account_id, 'manage').catch(() => {
		throw new DomainError('not_found', 'No such flag.');
	});
	if (!f.api_key_id) throw new DomainError('invalid_input', 'This flag is about the whole account, not one key.');
	return setKeyPaused(db, auth, f.api_key_id, true, ip);
}

/**
 * One tap on a flag: sets the account's daily cap to the suggested one (`suggestedDailyCap`), unless
 * a lower daily cap is already in force (then nothing changes). For whoever manages the account (its
 * user; a team's owners and admins) or a site admin. Audited as `cap.lowered_from_flag`. Returns the
 * daily cap in force after, in tokens, and whether it changed.
 */
export async function lowerCapFromFlag(db: Db, auth: Auth, flagId: number, ip?: string | null): Promise<{ limitTokens: number; changed: boolean }> {
	const f = await flagOf(db.orm, flagId);
	await requireAccountAccess(db, auth, f.account_id, 'manage').catch(() => {
		throw new DomainError('not_found', 'No such flag.');
	});
	return db.orm.transaction(async (tx) => {
		const suggested = await suggestedDailyCap(tx, f.account_id);
		const daily = (await capsInForce(tx, f.account_id)).find((c) => c.memberUserId === null && c.period === 'daily' && !c.siteDefault);
		if (daily && daily.limitTokens <= suggested) return { limitTokens: daily.limitTokens, changed: false };
		await setCap(tx, { accountId: f.account_id, period: 'daily', limitTokens: suggested });
		await audit(tx, {
			action: 'cap.lowered_from_flag',
			actorUserId: auth.user.id,
			targetType: 'account',
			targetId: f.account_id,
			accountId: f.account_id,
			ip,
			before: { daily: daily?.limitTokens ?? null },
			after: { daily: suggested },
			detail: { flagId }
		});
		return { limitTokens: suggested, changed: true };
	});
}
