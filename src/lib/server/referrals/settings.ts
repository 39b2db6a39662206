import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db';
import type { Executor } from '../db/client';
import { referralSettings } from '../db/schema';
import { auditedSave, type Saved, type SetupActor } from '../admin/audited';
import { parseInput } from '../errors';
import { MAX_TOKENS } from '../ledger';

/** The site's referral rules: tokens for each side, whether a first purchase is needed, expiry, daily limit. */
export interface ReferralSettings {
	enabled: boolean;
	/** Tokens for the member whose link was used. */
	referrerTokens: number;
	/** Tokens for the member who signed up through it. */
	referredTokens: number;
	/** The bonus waits for the referred member's first completed purchase. */
	requirePurchase: boolean;
	/** Days the bonus lots last (null: they never expire). */
	expiresDays: number | null;
	/** Referrals rewarded per member and per network address in 24 hours; more are recorded, refused. */
	dailyLimit: number;
}

export const REFERRALS_OFF: ReferralSettings = { enabled: false, referrerTokens: 0, referredTokens: 0, requirePurchase: false, expiresDays: null, dailyLimit: 10 };

const settingsSchema = z
	.strictObject({
		enabled: z.boolean(),
		referrerTokens: z.number().int().min(0).max(MAX_TOKENS),
		referredTokens: z.number().int().min(0).max(MAX_TOKENS),
		requirePurchase: z.boolean(),
		expiresDays: z.number().int().min(1, 'Expiry is at least 1 day.').max(3650, 'Expiry is at most 3,650 days.').nullable(),
		dailyLimit: z.number().int().min(1).max(1000)
	})
	.refine((s) => !s.enabled || s.referrerTokens + s.referredTokens > 0, { message: 'Give at least one side some tokens, or turn referrals off.', path: ['referrerTokens'] });

export { settingsSchema as referralSettingsSchema };

/** The rules now (referrals off when an admin never set them). */
export async function referralRules(exec: Executor): Promise<ReferralSettings> {
	const [row] = await exec.select().from(referralSettings).where(eq(referralSettings.id, 1));
	if (!row) return REFERRALS_OFF;
	const { enabled, referrerTokens, referredTokens, requirePurchase, expiresDays, dailyLimit } = row;
	return { enabled, referrerTokens: Number(referrerTokens), referredTokens: Number(referredTokens), requirePurchase, expiresDays, dailyLimit };
}

/**
 * Saves the site's referral rules (site admins; the edge checks the role), audited as
 * `referrals.settings_saved`; saved as they were, nothing is recorded (`changed` false). They apply to
 * referrals settled from now on; a pending referral takes the rules of the day it is settled.
 * Errors: `invalid_input` naming the field.
 */
export async function setReferralRules(db: Db, actor: SetupActor, input: ReferralSettings): Promise<Saved<ReferralSettings>> {
	const v = parseInput(settingsSchema, input);
	return auditedSave(db, actor, { action: 'referrals.settings_saved', targetType: 'site', targetId: null, detail: v, before: referralRules }, async (tx) => {
		const values = { ...v, updatedBy: 'userId' in actor ? actor.userId : null, updatedAt: new Date() };
		await tx.insert(referralSettings).values({ id: 1, ...values }).onConflictDoUpdate({ target: referralSettings.id, set: values });
		return referralRules(tx);
	});
}
