// The Limits page (/admin/limits): modules' free allowances, the site's time zone, week start and spend order.
import { z } from 'zod';
import { atMostCharacters, readableText } from '../../../fields';
import { router } from '../../init';
import { siteAdminProcedure, noInput } from '../../procedures';
import { saveLimits, saveRollover, saveSiteSettings, setAllowance } from '../../../admin';
import { getSiteSettings, listAllowanceRules, listModuleLimits, moduleRollovers, MAX_ROLLOVER_PERIODS } from '../../../ledger';
import { limitRoles } from '../../../accounts';
import { actor, key, limit, limitChoice, period } from './shared';
import { NONE } from '../../../../limit-choice';

const siteSettingsInput = z.strictObject({
	timeZone: z.string().max(64),
	weekStart: z.number().int().min(0).max(6),
	spendOrder: z.enum(['allowance-first', 'balance-first']),
	lowSharePercent: z.number().int().min(1).max(99),
	defaultTeamDailyCap: limit,
	defaultMemberDailyCap: limit,
	createUnknownUsers: z.boolean()
}).partial();

const allowanceInput = z.strictObject({
	module: key,
	audience: z.enum(['guest', 'user', 'role', 'team', 'member']),
	role: z.string().max(60).nullish(),
	teamId: z.uuid().nullish(),
	userId: z.uuid().nullish(),
	/** 'none' ends the rule: one member's then gets their role's again. */
	limitTokens: limit.or(z.literal(NONE)),
	period
});

const moduleLimitsInput = z.strictObject({
	module: key,
	guest: limitChoice,
	limitType: z.enum(['none', 'general', 'role']),
	members: limitChoice,
	roles: z.record(z.string().trim().min(1).max(60), limitChoice).refine((r) => Object.keys(r).length <= 50, 'At most 50 roles.'),
	period,
	limitMessage: readableText(atMostCharacters(z.string().trim().min(1, 'Write the limit message.'), 500)),
	onExhausted: z.enum(['message', 'inactive'])
});

const wholeOrNull = (max: number) => z.number().int().min(1).max(max).nullable();
const rolloverInput = z.strictObject({
	module: key,
	/** null: unused free tokens are lost at reset. */
	rollover: z.strictObject({ capTokens: wholeOrNull(Number.MAX_SAFE_INTEGER), capPercent: wholeOrNull(100), expiresAfterPeriods: wholeOrNull(MAX_ROLLOVER_PERIODS) }).nullable()
});

export const limitsRoutes = {
	settings: router({
		get: siteAdminProcedure.input(noInput).query(({ ctx }) => getSiteSettings(ctx.db.orm)),
		/** Time zone, week start (open windows whose start moves end now), spend order, low share, team pool and team member daily cap defaults, whether site keys create users for unknown ids; audited. */
		update: siteAdminProcedure
			.input(siteSettingsInput)
			.mutation(({ ctx, input }) => saveSiteSettings(ctx.db, actor(ctx), input))
	}),

	allowances: router({
		list: siteAdminProcedure.input(noInput).query(({ ctx }) => listAllowanceRules(ctx.db.orm)),
		set: siteAdminProcedure
			.input(allowanceInput)
			.mutation(({ ctx, input }) => setAllowance(ctx.db, actor(ctx), input))
	}),

	limits: router({
		/** Every module's free allowances, the site's roles (key and name, from the Roles page's list), its settings and each module's rollover: the Limits page in one read. */
		list: siteAdminProcedure.input(noInput).query(async ({ ctx }) => {
			const [modules, roles, settings, rollovers] = await Promise.all([listModuleLimits(ctx.db.orm), limitRoles(ctx.db.orm), getSiteSettings(ctx.db.orm), moduleRollovers(ctx.db.orm)]);
			return { modules, roles, settings, rollovers };
		}),
		/** One module's guest limit, members' limits (general or per role), reset period, message and what happens when exhausted; audited with before and after. */
		save: siteAdminProcedure
			.input(moduleLimitsInput)
			.mutation(({ ctx, input }) => saveLimits(ctx.db, actor(ctx), input)),
		/** How the module's unused free tokens roll over into the next period (cap, expiry), or off; audited with before and after. */
		rollover: siteAdminProcedure
			.input(rolloverInput)
			.mutation(({ ctx, input }) => saveRollover(ctx.db, actor(ctx), input))
	})
};
