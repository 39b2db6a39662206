import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { applySettingsWrite, getSettings } from '../../accounts/settings';

export const settingsRouter = router({
	get: memberProcedure.query(({ ctx }) => getSettings(ctx.db, ctx.auth.user.id)),

	/** A change made on a device (maybe offline, sent later): applied once per device-made key. */
	update: memberProcedure
		.input(
			z.object({
				key: z.string().min(8).max(100),
				changes: z
					.object({
						emailAlerts: z.boolean().optional(),
						timeZone: z.string().max(64).nullable().optional(),
						activeAccountId: z.uuid().optional()
					})
					.strict()
			})
		)
		.mutation(({ ctx, input }) => applySettingsWrite(ctx.db, ctx.auth.user.id, input.key, input.changes))
});
