import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, noInput } from '../procedures';
import { checkTopup, setTopupRule, topupView, TOPUP_LIMITS } from '../../topup';

const L = TOPUP_LIMITS;

export const topupRouter = router({
	/** Auto top-up of each account the user sets it for (own tokens; team pools they own): rule, state, next trigger, this month's top-ups. */
	view: memberProcedure.input(noInput).query(({ ctx }) => topupView(ctx.db, ctx.auth.user.id)),

	/** Sets an account's auto top-up rule (tokens, minor units of the package's currency, seconds), then checks it at once. */
	set: memberProcedure
		.input(
			z.strictObject({
				accountId: z.uuid(),
				enabled: z.boolean(),
				belowTokens: z.number().int().min(1).max(L.maxBelowTokens),
				productId: z.string().min(1).max(100),
				maxPerMonth: z.number().int().min(1).max(L.maxPerMonth).nullable(),
				// In the package's currency: its bounds and whole units are the domain's to check (validRule), in its words.
				maxCentsPerMonth: z.number().nullable(),
				cooldownSeconds: z.number().int().min(0).max(L.maxCooldownSeconds)
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { accountId, ...rule } = input;
			await setTopupRule(ctx.db, ctx.auth.user.id, accountId, rule);
			// A trigger above the tokens available: the top-up starts now (its notice says they were already below it), not at the next consume.
			await checkTopup(ctx.db, accountId);
			return topupView(ctx.db, ctx.auth.user.id);
		})
});
