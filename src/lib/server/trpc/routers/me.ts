import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { listSessions, invalidateSession, profile, setActiveAccount, signOutEverywhere, updateProfile } from '../../accounts';
import { DomainError } from '../../errors';

export const meRouter = router({
	profile: memberProcedure.query(({ ctx }) => profile(ctx.db, ctx.auth)),

	updateProfile: memberProcedure
		.input(z.object({ name: z.string().optional(), timeZone: z.string().nullable().optional() }))
		.mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.auth.user.id, input)),

	setActiveAccount: memberProcedure
		.input(z.object({ accountId: z.uuid() }))
		.mutation(({ ctx, input }) => setActiveAccount(ctx.db, ctx.auth.user.id, input.accountId)),

	sessions: memberProcedure.query(({ ctx }) => listSessions(ctx.db.orm, ctx.auth.user.id, ctx.auth.sessionId)),

	/** Ends one of the user's own sessions (another device). */
	revokeSession: memberProcedure.input(z.object({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) })).mutation(async ({ ctx, input }) => {
		const mine = await listSessions(ctx.db.orm, ctx.auth.user.id, ctx.auth.sessionId);
		if (!mine.some((s) => s.id === input.sessionId)) throw new DomainError('not_found', 'No such session.');
		await invalidateSession(ctx.db.orm, input.sessionId);
		return { revoked: true };
	}),

	/** Ends every session of the user, this one included: the app then goes to /signin. */
	signOutEverywhere: memberProcedure.mutation(async ({ ctx }) => ({
		ended: await signOutEverywhere(ctx.db, ctx.auth.user.id, { ip: ctx.ip })
	}))
});
