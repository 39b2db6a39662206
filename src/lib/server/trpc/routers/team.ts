import { z } from 'zod';
import { router } from '../init';
import { memberProcedure, teamAdminProcedure } from '../procedures';
import { acceptInvite, changeMemberRole, createTeam, getTeam, inviteToTeam, isSiteAdmin, leaveTeam, removeMember, renameTeam, resendInvite, revokeInvite, setTeamCap } from '../../accounts';
import type { Context } from '../init';
import type { Auth } from '../../accounts';
import { MAX_TOKENS } from '../../ledger';

const actor = (ctx: Context & { auth: Auth }) => ({ userId: ctx.auth.user.id, siteAdmin: isSiteAdmin(ctx.auth), ip: ctx.ip });
const teamId = z.strictObject({ teamId: z.uuid() });

export const teamRouter = router({
	create: memberProcedure
		.input(z.strictObject({ name: z.string() }))
		.mutation(({ ctx, input }) => ctx.db.orm.transaction((tx) => createTeam(tx, { name: input.name, ownerUserId: ctx.auth.user.id, ip: ctx.ip }))),

	/** The team with its members; pending invitations for its admins. Members and site admins only. */
	get: memberProcedure.input(teamId).query(({ ctx, input }) => getTeam(ctx.db, input.teamId, actor(ctx))),

	invite: teamAdminProcedure({ email: z.string(), role: z.enum(['admin', 'member']).default('member') })
		.mutation(({ ctx, input }) => inviteToTeam(ctx.db, input, actor(ctx))),

	/** Withdraws a pending invitation: its link then says so. */
	revokeInvite: teamAdminProcedure({ inviteId: z.uuid() }).mutation(({ ctx, input }) => revokeInvite(ctx.db, input, actor(ctx))),

	/** Mails a pending invitation again with a new link, valid 7 days from now (the earlier link stops working). */
	resendInvite: teamAdminProcedure({ inviteId: z.uuid() }).mutation(({ ctx, input }) => resendInvite(ctx.db, input, actor(ctx))),

	acceptInvite: memberProcedure
		.input(z.strictObject({ token: z.string().max(64) }))
		.mutation(({ ctx, input }) => acceptInvite(ctx.db, input.token, ctx.auth.user, ctx.ip)),

	/** Renames the team and its pool: owners (and site admins) only. */
	rename: teamAdminProcedure({ name: z.string() }).mutation(({ ctx, input }) => renameTeam(ctx.db, input, actor(ctx))),

	removeMember: teamAdminProcedure({ userId: z.uuid() })
		.mutation(({ ctx, input }) => removeMember(ctx.db, input, actor(ctx))),

	changeRole: teamAdminProcedure({ userId: z.uuid(), role: z.enum(['owner', 'admin', 'member']) })
		.mutation(({ ctx, input }) => changeMemberRole(ctx.db, input, actor(ctx))),

	/** A cap on the team pool: for one member (userId) or the whole team (null); null or -1 removes it. */
	setCap: teamAdminProcedure({ userId: z.uuid().nullable(), period: z.enum(['daily', 'weekly', 'monthly']), limitTokens: z.number().int().min(-1).max(MAX_TOKENS).nullable() })
		.mutation(({ ctx, input }) => setTeamCap(ctx.db, input, actor(ctx))),

	leave: memberProcedure.input(teamId).mutation(({ ctx, input }) => leaveTeam(ctx.db, input.teamId, ctx.auth.user.id, ctx.ip))
});
