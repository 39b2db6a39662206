import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, noInput } from '../procedures';
import { listAlertSteps, listNotifications, markRead, setAlertSteps, unreadCount } from '../../alerts';
import { withCapSuggestions } from '../../anomalies';
import { pushRouter } from './push';

/** A device-made key: a change made offline is sent later, maybe twice, and applied once. */
const deviceKey = z.string().min(8).max(100);

export const alertsRouter = router({
	push: pushRouter,

	/** The inbox: the signed-in user's recent alerts (own tokens and managed team pools), newest first, and the unread count; an anomaly with the daily cap it suggested when raised (and whether today's use has reached it since). */
	list: memberProcedure
		.input(z.strictObject({ limit: z.number().int().min(1).max(200).default(50) }).optional())
		.query(async ({ ctx, input }) => withCapSuggestions(ctx.db.orm, await listNotifications(ctx.db.orm, ctx.auth.user.id, input?.limit))),

	/** The badge in the header: how many alerts are unread. */
	unread: memberProcedure.input(noInput).query(async ({ ctx }) => ({ unread: await unreadCount(ctx.db.orm, ctx.auth.user.id) })),

	/** Marks alerts read: by id, or every one up to an id ("mark all read"). Safe to send twice. */
	markRead: memberProcedure
		.input(
			z.union([
				z.strictObject({ key: deviceKey.optional(), ids: z.array(z.number().int().positive()).min(1).max(200) }),
				z.strictObject({ key: deviceKey.optional(), upTo: z.number().int().positive() })
			])
		)
		.mutation(async ({ ctx, input }) => ({ unread: await markRead(ctx.db.orm, ctx.auth.user.id, 'ids' in input ? { ids: input.ids } : { upTo: input.upTo }) })),

	/** The alert steps of each account the user sets them for (own account; team pools they manage), with the allocation they are shares of. */
	steps: memberProcedure.input(noInput).query(({ ctx }) => listAlertSteps(ctx.db, ctx.auth.user.id)),

	/** Sets an account's alert steps (shares and fixed numbers of tokens): the user's own, or a team pool they own or administer (whose alerts go to them). */
	setSteps: memberProcedure
		.input(
			z.strictObject({
				key: deviceKey,
				accountId: z.uuid(),
				shares: z.array(z.number()).max(20),
				/** Fixed-number steps in tokens; absent = none (a write queued by an older page). */
				tokens: z.array(z.number()).max(20).default([]),
				depleted: z.boolean()
			})
		)
		.mutation(({ ctx, input }) =>
			setAlertSteps(ctx.db, ctx.auth.user.id, input.key, input.accountId, { shares: input.shares, tokens: input.tokens, depleted: input.depleted })
		)
});
