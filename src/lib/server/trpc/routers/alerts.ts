import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { listNotifications } from '../../alerts';

export const alertsRouter = router({
	/** The signed-in user's recent low-balance and out-of-tokens alerts (own tokens and managed team pools). */
	list: memberProcedure
		.input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).optional())
		.query(({ ctx, input }) => listNotifications(ctx.db.orm, ctx.auth.user.id, input?.limit))
});
