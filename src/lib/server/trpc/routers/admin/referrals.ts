// The console's referral rules and open anomaly flags (site admins only), mounted under `admin` by routers/admin/index.ts.
import { router } from '../../init';
import { siteAdminProcedure, noInput } from '../../procedures';
import { referralRules, referralSettingsSchema, setReferralRules } from '../../../referrals';
import { openFlags } from '../../../anomalies';

export const referralsAdminRoutes = {
	referrals: router({
		/** The site's referral rules (off until an admin sets them). */
		rules: siteAdminProcedure.input(noInput).query(({ ctx }) => referralRules(ctx.db.orm)),
		/** Saves the rules, audited; they apply to referrals settled from now on. */
		setRules: siteAdminProcedure
			.input(referralSettingsSchema)
			.mutation(({ ctx, input }) => setReferralRules(ctx.db, { userId: ctx.auth.user.id, ip: ctx.ip }, input))
	}),
	anomalies: router({
		/** The site's open anomaly flags (Overview), newest first, with the figures and the count. */
		open: siteAdminProcedure.input(noInput).query(({ ctx }) => openFlags(ctx.db.orm))
	})
};
