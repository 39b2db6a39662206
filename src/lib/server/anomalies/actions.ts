import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { audit, requireAccountAccess, setKeyPaused, type Auth } from '../accounts';
import { setCap, wholeAccountCapForUpdate } from '../ledger';
import { dailyCapFigures } from './suggest';
import { markFlagRead } from './notify';

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
	const paused = await setKeyPaused(db, auth, f.api_key_id, true, ip);
	await markFlagRead(db.orm, f, auth.user.id);
	return paused;
}

/**
 * One tap on a flag: sets the account's daily cap to the one suggested now (suggest.ts: above what
 * today has used, so the account is not blocked at once), unless a daily cap at or below it is
 * already in force (then nothing changes). For whoever manages the account (its user; a team's
 * owners and admins) or a site admin. Audited as `cap.lowered_from_flag`. Returns the daily cap in
 * force after, in tokens, and whether it changed. The cap stays whoever's it was (a site admin's
 * stays theirs); a new one is the account user's own when they tapped it (Settings lists it). The
 * tapper's notice of the flag is read after, as after pausing its key.
 */
export async function lowerCapFromFlag(db: Db, auth: Auth, flagId: number, ip?: string | null): Promise<{ limitTokens: number; changed: boolean }> {
	const f = await flagOf(db.orm, flagId);
	await requireAccountAccess(db, auth, f.account_id, 'manage').catch(() => {
		throw new DomainError('not_found', 'No such flag.');
	});
	return db.orm.transaction(async (tx) => {
		const before = await wholeAccountCapForUpdate(tx, f.account_id, 'daily');
		// One reading: the suggestion and the caps it was weighed against.
		const { suggestion: suggested, daily } = await dailyCapFigures(tx, f.account_id);
		// Acted on, whether or not the cap changed: the tapper's notice of it is read.
		await markFlagRead(tx, f, auth.user.id);
		if (!suggested) return { limitTokens: Math.min(...daily.map((c) => c.limitTokens)), changed: false };
		const own = daily.find((c) => !c.siteDefault);
		// A new cap set by the account's own user is theirs to change or remove in Settings; lowering a
		// cap the site's administrators set keeps it theirs, else the member could tap and then remove it.
		const setByUserId = before ? before.setByUserId : f.account_id === auth.user.accountId ? auth.user.id : null;
		await setCap(tx, { accountId: f.account_id, period: 'daily', limitTokens: suggested.limitTokens, setByUserId });
		await audit(tx, {
			action: 'cap.lowered_from_flag',
			actorUserId: auth.user.id,
			targetType: 'account',
			targetId: f.account_id,
			accountId: f.account_id,
			ip,
			before: { daily: own?.limitTokens ?? null },
			after: { daily: suggested.limitTokens },
			detail: { flagId, usedToday: suggested.usedToday }
		});
		return { limitTokens: suggested.limitTokens, changed: true };
	});
}
