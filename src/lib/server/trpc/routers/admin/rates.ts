// The Rates and models page (/admin/rates): features and their rates, modules, models.
import { z } from 'zod';
import { router } from '../../init';
import { siteAdminProcedure, noInput } from '../../procedures';
import { modelKept, removeFeature, removeModel, removeModule, saveFeature, saveModel, saveModule } from '../../../admin';
import { atMostCharacters, keyLookup, readableText } from '../../../fields';
import { featureKept, listFeatures, listModels, listModules, moduleKept } from '../../../ledger';
import { actor, key, name, tokens } from './shared';

const featureInput = z.strictObject({
	key,
	name,
	module: key,
	unit: z.enum(['word', 'character', 'token', 'operation']),
	tokensPerUnit: z.number().positive().max(1_000_000),
	breakdown: z.array(z.strictObject({ label: name, tokens })).max(50).nullish(),
	enabled: z.boolean().default(true)
});

const moduleInput = z.strictObject({ key, name, limitMessage: readableText(atMostCharacters(z.string().trim().min(1), 500)), onExhausted: z.enum(['message', 'inactive']).default('message') });

const modelInput = z.strictObject({ key, name, engine: readableText(atMostCharacters(z.string().trim().min(1), 60)) });

export const ratesRoutes = {
	features: router({
		list: siteAdminProcedure.input(noInput).query(({ ctx }) => listFeatures(ctx.db.orm)),
		/** Creates (`create` true: a key that is taken is `conflict`) or changes (`create` false: a key not there is `not_found`, never made) a feature (rate, unit, fixed-cost breakdown, enabled); audited with before and after. */
		upsert: siteAdminProcedure.input(featureInput.extend({ create: z.boolean().optional() })).mutation(({ ctx, input: { create, ...f } }) => saveFeature(ctx.db, actor(ctx), f, create)),
		/** Why the feature would stay if removed now (`kept`: the removal's refusal's words; null: it would go), asked as Remove… is pressed. */
		kept: siteAdminProcedure.input(z.strictObject({ key: keyLookup })).query(async ({ ctx, input }) => ({ kept: await featureKept(ctx.db.orm, input.key) })),
		/** Removes a feature nothing refers to (no operation, hold or day of use), audited; one in use is `conflict`, saying to disable it instead. */
		remove: siteAdminProcedure.input(z.strictObject({ key: keyLookup })).mutation(({ ctx, input }) => removeFeature(ctx.db, actor(ctx), input.key))
	}),

	modules: router({
		list: siteAdminProcedure.input(noInput).query(({ ctx }) => listModules(ctx.db.orm)),
		upsert: siteAdminProcedure.input(moduleInput.extend({ create: z.boolean().optional() })).mutation(({ ctx, input: { create, ...m } }) => saveModule(ctx.db, actor(ctx), m, create)),
		/** Why the module would stay if removed now (`kept`, as the features'), asked as Remove… is pressed. */
		kept: siteAdminProcedure.input(z.strictObject({ key: keyLookup })).query(async ({ ctx, input }) => ({ kept: await moduleKept(ctx.db.orm, input.key) })),
		/** Removes a module with no feature and an allowance never used, with its limits, audited; one in use is `conflict`, saying why. */
		remove: siteAdminProcedure.input(z.strictObject({ key: keyLookup })).mutation(({ ctx, input }) => removeModule(ctx.db, actor(ctx), input.key))
	}),

	models: router({
		list: siteAdminProcedure.input(noInput).query(({ ctx }) => listModels(ctx.db.orm)),
		upsert: siteAdminProcedure.input(modelInput.extend({ create: z.boolean().optional() })).mutation(({ ctx, input: { create, ...m } }) => saveModel(ctx.db, actor(ctx), m, create)),
		/** Why the model would stay if removed now (`kept`, as the features'), asked as Remove… is pressed. */
		kept: siteAdminProcedure.input(z.strictObject({ key: keyLookup })).query(async ({ ctx, input }) => ({ kept: await modelKept(ctx.db.orm, input.key) })),
		/** Removes a model no lot, use, package or event bonus names, audited; one named is `conflict`, saying what names it. */
		remove: siteAdminProcedure.input(z.strictObject({ key: keyLookup })).mutation(({ ctx, input }) => removeModel(ctx.db, actor(ctx), input.key))
	})
};
