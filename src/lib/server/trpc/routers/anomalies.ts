import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { lowerCapFromFlag, pauseFlaggedKey } from '../../anomalies';

const flag = z.object({ flagId: z.number().int().positive() }).strict();

export const anomaliesRouter = router({
	/** One tap on an anomaly flag: pauses the key it is about (whoever manages the account; site keys: a site admin). */
	pauseKey: memberProcedure.input(flag).mutation(({ ctx, input }) => pauseFlaggedKey(ctx.db, ctx.auth, input.flagId, ctx.ip)),
	/** One tap on an anomaly flag: sets the account's daily cap to twice a usual day's use, unless a lower one is set. */
	lowerCap: memberProcedure.input(flag).mutation(({ ctx, input }) => lowerCapFromFlag(ctx.db, ctx.auth, input.flagId, ctx.ip))
});
