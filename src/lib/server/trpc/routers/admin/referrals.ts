// The console's referral rules (site admins only), mounted under `admin` by routers/admin/index.ts.
import { router } from '../../init';
import { siteAdminProcedure } from '../../procedures';
import { referralRules, referralSettingsSchema, setReferralRules } from '../../../referrals';

export const referralsAdminRoutes = {
	referrals: router({
		/** The site's referral rules (off until an admin sets them). */
		rules: siteAdminProcedure.query(({ ctx }) => referralRules(ctx.db.orm)),
		/** Saves the rules, audited; they apply to referrals settled from now on. */
		setRules: siteAdminProcedure
			.input(referralSettingsSchema)
			.mutation(({ ctx, input }) => setReferralRules(ctx.db, { userId: ctx.auth.user.id, ip: ctx.ip }, input))
	})
};
