import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, noInput } from '../procedures';
import { changeEmail, changePassword, listSessions, sendConfirmationAgain, invalidateSession, profile, setActiveAccount, signOutEverywhere, updateProfile } from '../../accounts';
import { DomainError } from '../../errors';
import type { Auth } from '../../accounts';

/** The signed-in member, in this session. */
const self = (auth: Auth) => ({ userId: auth.user.id, sessionId: auth.sessionId });

export const meRouter = router({
	profile: memberProcedure.input(noInput).query(({ ctx }) => profile(ctx.db, ctx.auth)),

	updateProfile: memberProcedure
		.input(z.strictObject({ name: z.string().optional(), timeZone: z.string().nullable().optional() }))
		.mutation(({ ctx, input }) => updateProfile(ctx.db, ctx.auth.user.id, input, { ip: ctx.ip })),

	/** Changes the address the member signs in with; needs the current password. Answers `{ email }`. */
	changeEmail: memberProcedure
		.input(z.strictObject({ email: z.string(), currentPassword: z.string() }))
		.mutation(({ ctx, input }) => changeEmail(ctx.db, self(ctx.auth), input, { ip: ctx.ip })),

	/** Mails the member a new link that confirms their address. Answers `{ sentTo }`, or `{ confirmed: true }` when it is confirmed already. */
	sendConfirmation: memberProcedure.input(noInput).mutation(({ ctx }) => sendConfirmationAgain(ctx.db, ctx.auth.user.id)),

	/** Sets a new password (current one needed) and signs out the member's other sessions; this one stays. Answers `{ otherSessionsEnded }`. */
	changePassword: memberProcedure
		.input(z.strictObject({ currentPassword: z.string(), newPassword: z.string() }))
		.mutation(({ ctx, input }) => changePassword(ctx.db, self(ctx.auth), input, { ip: ctx.ip })),

	setActiveAccount: memberProcedure
		.input(z.strictObject({ accountId: z.uuid() }))
		.mutation(({ ctx, input }) => setActiveAccount(ctx.db, ctx.auth.user.id, input.accountId)),

	sessions: memberProcedure.input(noInput).query(({ ctx }) => listSessions(ctx.db.orm, ctx.auth.user.id, ctx.auth.sessionId)),

	/** Ends one of the user's own sessions (another device). */
	revokeSession: memberProcedure.input(z.strictObject({ sessionId: z.string().regex(/^[0-9a-f]{64}$/) })).mutation(async ({ ctx, input }) => {
		const mine = await listSessions(ctx.db.orm, ctx.auth.user.id, ctx.auth.sessionId);
		if (!mine.some((s) => s.id === input.sessionId)) throw new DomainError('not_found', 'No such session.');
		await invalidateSession(ctx.db.orm, input.sessionId);
		return { revoked: true };
	}),

	/** Ends every session of the user, this one included: the app then goes to /signin. */
	signOutEverywhere: memberProcedure.input(noInput).mutation(async ({ ctx }) => ({
		ended: await signOutEverywhere(ctx.db, ctx.auth.user.id, { ip: ctx.ip })
	}))
});
