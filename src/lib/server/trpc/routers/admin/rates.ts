// The Rates and models page (/admin/rates): features and their rates, modules, models.
import { z } from 'zod';
import { router } from '../../init';
import { siteAdminProcedure } from '../../procedures';
import { saveFeature, saveModel, saveModule } from '../../../admin';
import { listFeatures, listModels, listModules } from '../../../ledger';
import { actor, key, name, tokens } from './shared';

const featureInput = z
	.object({
		key,
		name,
		module: key,
		unit: z.enum(['word', 'character', 'token', 'operation']),
		tokensPerUnit: z.number().positive().max(1_000_000),
		breakdown: z.array(z.object({ label: name, tokens })).max(50).nullish(),
		enabled: z.boolean().default(true)
	})
	.strict();

const moduleInput = z
	.object({ key, name, limitMessage: z.string().trim().min(1).max(500), onExhausted: z.enum(['message', 'inactive']).default('message') })
	.strict();

const modelInput = z.object({ key, name, engine: z.string().trim().min(1).max(60) }).strict();

export const ratesRoutes = {
	features: router({
		list: siteAdminProcedure.query(({ ctx }) => listFeatures(ctx.db.orm)),
		/** Creates or changes a feature (rate, unit, fixed-cost breakdown, enabled); audited with before and after. */
		upsert: siteAdminProcedure.input(featureInput).mutation(({ ctx, input }) => saveFeature(ctx.db, actor(ctx), input))
	}),

	modules: router({
		list: siteAdminProcedure.query(({ ctx }) => listModules(ctx.db.orm)),
		upsert: siteAdminProcedure.input(moduleInput).mutation(({ ctx, input }) => saveModule(ctx.db, actor(ctx), input))
	}),

	models: router({
		list: siteAdminProcedure.query(({ ctx }) => listModels(ctx.db.orm)),
		upsert: siteAdminProcedure.input(modelInput).mutation(({ ctx, input }) => saveModel(ctx.db, actor(ctx), input))
	})
};
