import { endpoint } from '$lib/server/rest/handler';
import { featureRateBody } from '$lib/server/rest/shapes';
import { featureParams } from '$lib/server/rest/schemas';
import { getFeature } from '$lib/server/ledger';
import { DomainError } from '$lib/server/errors';

export const GET = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	params: featureParams,
	handle: async (ctx) => {
		try {
			return { body: { success: true, data: featureRateBody(await getFeature(ctx.db.orm, ctx.params.featureKey)) } };
		} catch (e) {
			// Here the feature is the resource itself: unknown means 404, not a semantic error.
			if (e instanceof DomainError && e.code === 'unknown_feature') throw new DomainError('not_found', e.message);
			throw e;
		}
	}
});
