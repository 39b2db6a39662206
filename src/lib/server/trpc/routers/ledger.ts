import { z } from 'zod';
import { router } from '../init';
import { memberProcedure } from '../procedures';
import { resolveAccount } from '../../ledger/account-scope';
import { getSettings } from '../../accounts/settings';
import { balances, check, consume, history, listFeatures, listModels, rollups, statement, MAX_UNITS } from '../../ledger';
import { accountPurchases } from '../../store';
import { FORECAST_DAYS, lastDays } from '../../../days';
import type { Db } from '../../db';
import type { Auth } from '../../accounts';

const accountInput = z.object({ accountId: z.uuid().optional() });
const units = z.number().int().min(1).max(MAX_UNITS);
const dateRange = { from: z.iso.date(), to: z.iso.date() };

/** Balances as the viewer sees them: yellow below their own alert threshold, as Settings says. */
async function summaryOf(db: Db, auth: Auth, accountId: string) {
	const { lowSharePercent } = await getSettings(db, auth.user.id);
	return balances(db.orm, accountId, { lowSharePercent });
}

export const ledgerRouter = router({
	/** Summary cards, allocations and allowance meters of the account. */
	summary: memberProcedure.input(accountInput).query(async ({ ctx, input }) => {
		return summaryOf(ctx.db, ctx.auth, await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read'));
	}),

	/**
	 * The dashboard's first answer: summary, daily use by feature over the last FORECAST_DAYS days and
	 * purchases in one call that names its account. The page asks before the settings say which
	 * account is active (the server knows), and without dates, so the query can be written into
	 * the page's HTML (lib/first-queries.ts) and its figures arrive while the scripts load.
	 */
	dashboard: memberProcedure.input(accountInput).query(async ({ ctx, input }) => {
		const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
		const days = lastDays(FORECAST_DAYS);
		const [summary, recentUse, purchases] = await Promise.all([
			summaryOf(ctx.db, ctx.auth, accountId),
			rollups(ctx.db.orm, accountId, { granularity: 'day', by: 'feature', from: new Date(days[0]!), to: new Date(days.at(-1)!) }),
			accountPurchases(ctx.db.orm, accountId)
		]);
		return { accountId, summary, recentUse, purchases };
	}),

	history: memberProcedure
		.input(
			accountInput.extend({
				cursor: z.string().max(200).nullish(),
				limit: z.number().int().min(1).max(200).default(50),
				feature: z.string().max(100).nullish(),
				model: z.string().max(100).nullish(),
				from: z.iso.datetime().nullish(),
				to: z.iso.datetime().nullish()
			})
		)
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			const page = await history(ctx.db.orm, accountId, {
				cursor: input.cursor,
				limit: input.limit,
				feature: input.feature,
				model: input.model,
				from: input.from ? new Date(input.from) : null,
				to: input.to ? new Date(input.to) : null
			});
			// Named, so a page that asked before it knew the active account can tell whose rows these are.
			return { accountId, ...page };
		}),

	/**
	 * The account's statement: every movement of its balance (purchases, grants, renewals, refunds,
	 * chargebacks, expiries, spending), newest first, each with the balance after it; keyset-paged.
	 * Asked without a cursor by the statement page's HTML (lib/first-queries.ts).
	 */
	statement: memberProcedure
		.input(accountInput.extend({ cursor: z.string().max(200).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			return { accountId, ...(await statement(ctx.db.orm, accountId, { cursor: input.cursor, limit: input.limit })) };
		}),

	rollups: memberProcedure
		.input(
			accountInput.extend({
				granularity: z.enum(['day', 'week', 'month']),
				by: z.enum(['feature', 'model', 'member']),
				...dateRange
			})
		)
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			return rollups(ctx.db.orm, accountId, {
				granularity: input.granularity,
				by: input.by,
				from: new Date(input.from),
				to: new Date(input.to)
			});
		}),

	/** Feature rates (with fixed-cost breakdowns) and models, for the playground and docs. */
	catalog: memberProcedure.query(async ({ ctx }) => ({
		features: await listFeatures(ctx.db.orm),
		models: await listModels(ctx.db.orm)
	})),

	/** The cost preview: what it costs, who pays, the indicator level; changes nothing. */
	preview: memberProcedure
		.input(accountInput.extend({ feature: z.string().min(1).max(100), units, model: z.string().max(100).nullish() }))
		.query(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'read');
			return check(ctx.db.orm, { accountId, feature: input.feature, units: input.units, model: input.model, actorUserId: ctx.auth.user.id });
		}),

	/** Runs one metered use from the app (the playground): a real consume, once per device-made key. */
	consume: memberProcedure
		.input(
			accountInput.extend({
				feature: z.string().min(1).max(100),
				units,
				model: z.string().max(100).nullish(),
				idempotencyKey: z.string().min(1).max(255)
			})
		)
		.mutation(async ({ ctx, input }) => {
			const accountId = await resolveAccount(ctx.db, ctx.auth, input.accountId, 'spend');
			return consume(ctx.db.orm, {
				accountId,
				feature: input.feature,
				units: input.units,
				model: input.model,
				actor: { userId: ctx.auth.user.id },
				idempotency: { scope: `user:${ctx.auth.user.id}`, key: input.idempotencyKey },
				metadata: { via: 'playground' }
			});
		})
});
