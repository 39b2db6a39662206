// The Users and User detail pages (/admin/users, /admin/users/[id]): accounts, balances, bonuses, roles, caps.
import { z } from 'zod';
import { atMostCharacters, pageLimit, readableText, siteDay, visibleId } from '../../../fields';
import { router } from '../../init';
import { siteAdminProcedure } from '../../procedures';
import { accountDetail, accountUses, adjustAccountBalance, endLotNow, grantBonus, grantUnlimited, listAccounts, setAccountCap, setUserDisabled, siteDayExpiry } from '../../../admin';
import { setSiteRole } from '../../../accounts';
import { MAX_TOKENS } from '../../../ledger';
import { actor, cursor, key } from './shared';
import { SEARCH_MAX } from '../../../../search-text';

const capInput = z.strictObject({
	accountId: z.uuid(),
	memberUserId: z.uuid().nullish(),
	period: z.enum(['daily', 'weekly', 'monthly']),
	/** null or -1 removes the cap. */
	limitTokens: z.number().int().min(-1).max(MAX_TOKENS).nullable()
});

export const usersRoutes = {
	caps: router({
		set: siteAdminProcedure
			.input(capInput)
			.mutation(({ ctx, input }) => setAccountCap(ctx.db, actor(ctx), input))
	}),

	users: router({
		/** Users and teams with balances and this month's use, 50 a page by keyset; guests as one read-only row, their use per feature as an account's. */
		list: siteAdminProcedure
			.input(
				z.strictObject({
					search: atMostCharacters(z.string(), SEARCH_MAX).nullish(),
					sort: z.enum(['name', 'balance', 'used', 'lastActive', 'joined']).default('name'),
					dir: z.enum(['asc', 'desc']).default('asc'),
					cursor: cursor.nullish()
				})
			)
			.query(({ ctx, input }) => listAccounts(ctx.db.orm, input)),

		/** One account for the detail page: who, lots, caps, the newest operations, and the site's roles. */
		get: siteAdminProcedure.input(z.strictObject({ accountId: z.uuid() })).query(({ ctx, input }) => accountDetail(ctx.db.orm, input.accountId)),

		/** The account's uses, newest first, a page at a time: a person's own and their uses of team pools, each naming the pool (admin/uses.ts). */
		uses: siteAdminProcedure
			.input(z.strictObject({ accountId: z.uuid(), cursor: cursor.nullish(), limit: pageLimit.default(50) }))
			.query(({ ctx, input }) => accountUses(ctx.db.orm, input.accountId, input)),

		/** A bonus lot (optional model, optional expiry, a note), audited, once per key made on the admin's device. */
		grantBonus: siteAdminProcedure
			.input(
				z.strictObject({
					accountId: z.uuid(),
					tokens: z.number().int().min(1).max(MAX_TOKENS),
					model: key.nullish(),
					/** The day (YYYY-MM-DD) of the site's calendar at whose end it expires; none: never. */
					expiresOn: siteDay.nullish(),
					note: readableText(atMostCharacters(z.string().trim().min(1, 'Add a note.'), 500)),
					key: visibleId(z.string().min(8).max(100))
				})
			)
			.mutation(async ({ ctx, input: { expiresOn, ...input } }) => grantBonus(ctx.db, actor(ctx), { ...input, ...(await siteDayExpiry(ctx.db.orm, expiresOn)) })),

		/** Unlimited use (optional model, optional end date, a note), audited, once per key made on the admin's device. */
		grantUnlimited: siteAdminProcedure
			.input(
				z.strictObject({
					accountId: z.uuid(),
					model: key.nullish(),
					/** The day (YYYY-MM-DD) of the site's calendar at whose end it expires; none: never. */
					expiresOn: siteDay.nullish(),
					note: readableText(atMostCharacters(z.string().trim().min(1, 'Add a note.'), 500)),
					key: visibleId(z.string().min(8).max(100))
				})
			)
			.mutation(async ({ ctx, input: { expiresOn, ...input } }) => grantUnlimited(ctx.db, actor(ctx), { ...input, ...(await siteDayExpiry(ctx.db.orm, expiresOn)) })),

		/** Ends one of the account's lots now (unlimited use, or tokens not paid for), audited, once per key made on the admin's device. */
		endLot: siteAdminProcedure
			.input(z.strictObject({ accountId: z.uuid(), lotId: z.uuid(), key: visibleId(z.string().min(8).max(100)) }))
			.mutation(({ ctx, input }) => endLotNow(ctx.db, actor(ctx), input)),

		/** A user's site role (`admin`, or a member role that role-based allowances key on), audited. */
		setRole: siteAdminProcedure
			.input(z.strictObject({ userId: z.uuid(), role: z.string().max(60) }))
			.mutation(({ ctx, input }) => setSiteRole(ctx.db, { userId: ctx.auth.user.id, siteRole: ctx.auth.user.siteRole, ip: ctx.ip }, input.userId, input.role)),

		/** Disables a user (no sign-in, sessions and own keys stop) or enables them again, audited. */
		setDisabled: siteAdminProcedure
			.input(z.strictObject({ userId: z.uuid(), disabled: z.boolean() }))
			.mutation(({ ctx, input }) => setUserDisabled(ctx.db, actor(ctx), input.userId, input.disabled)),

		/** A manual balance change with a reason, audited, once per key made on the admin's device (the rule on `tokens`: ledger `adjustBalance`). */
		adjustBalance: siteAdminProcedure
			.input(
				z.strictObject({
					accountId: z.uuid(),
					mode: z.enum(['set', 'delta']),
					// A delta is ±MAX_TOKENS; a set is 0 or more, its change from the balance within ±MAX_TOKENS: the ledger checks both.
					tokens: z.number().int().min(-MAX_TOKENS).max(Number.MAX_SAFE_INTEGER),
					reason: readableText(atMostCharacters(z.string().trim().min(1, 'cannot be empty: say why the balance changes.'), 500)),
					key: visibleId(z.string().min(8).max(100))
				})
			)
			.mutation(({ ctx, input }) => adjustAccountBalance(ctx.db, actor(ctx), input))
	})
};
