import type { Db } from '../db';
import { DomainError } from '../errors';
import { selfSetCaps, setCap, wholeAccountCapForUpdate, type SelfSetCap } from '../ledger';
import { audit } from './audit';
import type { Auth } from './types';

export type OwnCap = SelfSetCap;

/**
 * The caps the signed-in member set on their own (personal) account themselves (Settings, an
 * alert's one tap), daily then weekly then monthly, each with what it leaves this period. Caps a
 * site admin set are not listed: they are not the member's to change (the dashboard still says the
 * one in force).
 */
export const ownCaps = (db: Db, auth: Auth): Promise<OwnCap[]> => selfSetCaps(db.orm, auth.user.accountId, auth.user.id);

/**
 * Sets (a whole number of tokens ≥ 0) or removes (null) the member's own cap of `period` on their
 * own account. A cap of that period a site admin set is not theirs: `forbidden`. Audited
 * `cap.set_own` with before and after. Errors: invalid_input (not a whole number ≥ 0), forbidden.
 * Returns the member's caps after (ownCaps).
 */
export async function setOwnCap(
	db: Db,
	auth: Auth,
	input: { period: OwnCap['period']; limitTokens: number | null },
	ip?: string | null
): Promise<OwnCap[]> {
	const { period, limitTokens } = input;
	if (limitTokens !== null && (!Number.isSafeInteger(limitTokens) || limitTokens < 0)) {
		throw new DomainError('invalid_input', 'A cap is a whole number of tokens, 0 or more (or none).');
	}
	const accountId = auth.user.accountId;
	await db.orm.transaction(async (tx) => {
		const before = await wholeAccountCapForUpdate(tx, accountId, period);
		if (before && before.setByUserId !== auth.user.id) {
			throw new DomainError('forbidden', `Your ${period} cap was set by the site's administrators; ask them to change it.`);
		}
		await setCap(tx, { accountId, period, limitTokens, setByUserId: auth.user.id });
		await audit(tx, {
			action: 'cap.set_own',
			actorUserId: auth.user.id,
			targetType: 'account',
			targetId: accountId,
			accountId,
			ip,
			before: { [period]: before?.limitTokens ?? null },
			after: { [period]: limitTokens }
		});
	});
	return ownCaps(db, auth);
}
