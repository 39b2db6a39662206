import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { queryRows, type Executor } from '../db/client';
import { DomainError } from '../errors';
import { audit, requireAccountAccess, setKeyPaused, type Auth } from '../accounts';
import { setCap, wholeAccountCapForUpdate } from '../ledger';
import { capFigures, keptSuggestions, offeredCap } from './suggest';
import { counted } from '../../counted';
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
 * One tap on a flag: sets the account's daily cap to the one the flag suggested when it was raised
 * (suggest.ts `offeredCap`; a flag from before suggestions were kept: the one suggested now), unless
 * none was suggested or a daily cap no higher is in force now (then nothing changes). Today's use may
 * have reached it since: then the cap stops all spending until the day ends, which the inbox says,
 * and it is set only when `stopToday` says the tapper was told so (else `conflict`, changing nothing).
 * For whoever manages the account (its user; a team's owners and admins) or a site admin. Audited as
 * `cap.lowered_from_flag`. Returns the daily cap in force after, in tokens, and whether it changed.
 * The cap stays whoever's it was (a site admin's stays theirs); a new one is the account user's own
 * when they tapped it (Settings lists it). The tapper's notice of the flag is read after, as after
 * pausing its key. Errors: `not_found` (no such flag, or not the caller's), `conflict` (the cap would
 * stop today's spending and `stopToday` is not set; a flag that suggests no cap and no cap in force).
 */
export async function lowerCapFromFlag(
	db: Db,
	auth: Auth,
	flagId: number,
	opts: { stopToday?: boolean } = {},
	ip?: string | null
): Promise<{ limitTokens: number; changed: boolean }> {
	const f = await flagOf(db.orm, flagId);
	await requireAccountAccess(db, auth, f.account_id, 'manage').catch(() => {
		throw new DomainError('not_found', 'No such flag.');
	});
	return db.orm.transaction(async (tx) => {
		const before = await wholeAccountCapForUpdate(tx, f.account_id, 'daily');
		const kept = (await keptSuggestions(tx, [f.id])).get(f.id)!;
		// One reading: the figures the offer is weighed against and the caps in force.
		const now = await capFigures(tx, f.account_id, !kept.kept);
		const offer = offeredCap(kept, now);
		if (!offer) {
			if (now.dailyCap === null) throw new DomainError('conflict', 'This alert suggests no daily cap.');
			await markFlagRead(tx, f, auth.user.id);
			return { limitTokens: now.dailyCap, changed: false };
		}
		if (offer.blocksToday && !opts.stopToday) {
			throw new DomainError(
				'conflict',
				`Today's use (${counted(offer.usedToday, 'token')}) has reached the suggested cap of ${counted(offer.limitTokens, 'token')}: set now, it stops all spending until the day ends. Look again and choose it if you want that.`
			);
		}
		// Acted on: the tapper's notice of it is read.
		await markFlagRead(tx, f, auth.user.id);
		const own = now.daily.find((c) => !c.siteDefault);
		// A new cap set by the account's own user is theirs to change or remove in Settings; lowering a
		// cap the site's administrators set keeps it theirs, else the member could tap and then remove it.
		const setByUserId = before ? before.setByUserId : f.account_id === auth.user.accountId ? auth.user.id : null;
		await setCap(tx, { accountId: f.account_id, period: 'daily', limitTokens: offer.limitTokens, setByUserId });
		await audit(tx, {
			action: 'cap.lowered_from_flag',
			actorUserId: auth.user.id,
			targetType: 'account',
			targetId: f.account_id,
			accountId: f.account_id,
			ip,
			before: { daily: own?.limitTokens ?? null },
			after: { daily: offer.limitTokens },
			detail: { flagId, usedToday: offer.usedToday, ...(offer.blocksToday && { stoppedToday: true }) }
		});
		return { limitTokens: offer.limitTokens, changed: true };
	});
}
