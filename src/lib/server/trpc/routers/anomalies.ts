import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { lowerCapFromFlag, pauseFlaggedKey } from '../../anomalies';

const flag = z.strictObject({ flagId: z.number().int().positive() });

export const anomaliesRouter = router({
	/** One tap on an anomaly flag: pauses the key it is about (whoever manages the account; site keys: a site admin). */
	pauseKey: memberProcedure.input(flag).mutation(({ ctx, input }) => pauseFlaggedKey(ctx.db, ctx.auth, input.flagId, ctx.ip)),
	/** One tap on an anomaly flag: sets the account's daily cap it suggested when raised, unless one no higher is set; `stopToday` when the inbox said it stops today's spending. */
	lowerCap: memberProcedure
		.input(z.strictObject({ flagId: z.number().int().positive(), stopToday: z.boolean().optional() }))
		.mutation(({ ctx, input }) => lowerCapFromFlag(ctx.db, ctx.auth, input.flagId, { stopToday: input.stopToday }, ctx.ip))
});
