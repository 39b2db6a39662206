// The Overview page (/admin): site-wide figures, the consumption chart, open flags; the ledger check.
import { z } from 'zod';
import { router } from '../../init';
import { siteAdminProcedure, noInput } from '../../procedures';
import { overview } from '../../../admin';
import { reconcile, siteUsage, USAGE_SPANS } from '../../../ledger';

export const overviewRoutes = {
	overview: router({
		/** Today's and this month's tokens, active users, revenue and purchases per currency, open flags (site windows). */
		get: siteAdminProcedure.input(noInput).query(({ ctx }) => overview(ctx.db.orm)),
		/** Consumption per site day over the last 7, 30 or 90 days, by module or model, with the top features, models and users. */
		usage: siteAdminProcedure
			.input(z.strictObject({ span: z.union(USAGE_SPANS.map((s) => z.literal(s))), by: z.enum(['module', 'model']) }))
			.query(({ ctx, input }) => siteUsage(ctx.db.orm, input))
	}),

	ledger: router({
		/** Checks every ledger invariant over the whole database; returns the breaches found. */
		reconcile: siteAdminProcedure.input(noInput).mutation(({ ctx }) => reconcile(ctx.db.orm))
	})
};
