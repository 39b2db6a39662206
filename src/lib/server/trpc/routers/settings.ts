import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, noInput } from '../procedures';
import { applySettingsWrite, getSettings } from '../../accounts/settings';
import { ownCaps, setOwnCap } from '../../accounts';

export const settingsRouter = router({
	get: memberProcedure.input(noInput).query(({ ctx }) => getSettings(ctx.db, ctx.auth.user.id)),

	/** A change made on a device (maybe offline, sent later): applied once per device-made key. */
	update: memberProcedure
		.input(
			z.strictObject({
				key: z.string().min(8).max(100),
				changes: z.strictObject({
					emailAlerts: z.boolean().optional(),
					timeZone: z.string().max(64).nullable().optional(),
					activeAccountId: z.uuid().optional()
				})
			})
		)
		.mutation(({ ctx, input }) => applySettingsWrite(ctx.db, ctx.auth.user.id, input.key, input.changes)),

	/** The caps the member set on their own account, with what is left of each this period. */
	ownCaps: memberProcedure.input(noInput).query(({ ctx }) => ownCaps(ctx.db, ctx.auth)),

	/** Sets (tokens) or removes (null) one of the member's own caps; answers the caps after. */
	setOwnCap: memberProcedure
		.input(z.strictObject({ period: z.enum(['daily', 'weekly', 'monthly']), limitTokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable() }))
		.mutation(({ ctx, input }) => setOwnCap(ctx.db, ctx.auth, input, ctx.ip))
});
