import { router } from '../init';
import { memberProcedure, noInput } from '../procedures';
import { referralPanel } from '../../referrals';

export const referralsRouter = router({
	/** The signed-in member's referral link (made on first ask), the site's rules and their referrals; `link` null when referrals are off. */
	panel: memberProcedure.input(noInput).query(({ ctx }) => referralPanel(ctx.db.orm, ctx.auth.user.id))
});
