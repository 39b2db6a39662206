import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { middleware, publicProcedure } from './init';
import { teamRoleOf } from '../accounts/teams';
import { isSiteAdmin } from '../accounts/types';
import { DomainError } from '../errors';

export { publicProcedure };

/**
 * The input of a procedure that takes none: nothing, or an empty object; any key is refused
 * (BAD_REQUEST naming it), never ignored, as every other input's unknown keys are (z.strictObject),
 * and as a REST route that names no query refuses a parameter (rest/handler.ts noQuery).
 */
export const noInput = z.strictObject({}).optional();

/** Signed-in users only; ctx.auth is non-null below this. */
export const memberProcedure = publicProcedure.use(
	middleware(({ ctx, next }) => {
		if (!ctx.auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
		return next({ ctx: { ...ctx, auth: ctx.auth } });
	})
);

/** Site admins only. */
export const siteAdminProcedure = memberProcedure.use(
	middleware(({ ctx, next }) => {
		if (!isSiteAdmin(ctx.auth)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only site admins can do that.' });
		return next();
	})
);

/**
 * Owners and admins of the team named by `input.teamId` (and site admins), with the procedure's other
 * input `fields` in the same strict object: one schema takes the whole input and refuses any other key
 * (two chained inputs would each refuse the other's keys). Adds `ctx.teamRole`.
 */
export const teamAdminProcedure = <F extends z.ZodRawShape>(fields: F) =>
	memberProcedure.input(z.strictObject({ teamId: z.uuid(), ...fields })).use(async ({ ctx, input, next }) => {
		const auth = ctx.auth!;
		const role = await teamRoleOf(ctx.db.orm, (input as { teamId: string }).teamId, auth.user.id);
		if (role !== 'owner' && role !== 'admin' && !isSiteAdmin(auth)) {
			// Someone outside the team is answered as for a team that does not exist (no existence oracle).
			if (!role) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such team.', cause: new DomainError('not_found', 'No such team.') });
			throw new TRPCError({ code: 'FORBIDDEN', message: "Only the team's owners and admins can do that." });
		}
		return next({ ctx: { ...ctx, auth, teamRole: role } });
	});
