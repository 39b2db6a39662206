import { endpoint } from '$lib/server/rest/handler';
import { featureRateBody } from '$lib/server/rest/shapes';
import { listFeatures } from '$lib/server/ledger';

export const GET = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	handle: async (ctx) => ({ body: { success: true, data: (await listFeatures(ctx.db.orm)).map(featureRateBody) } })
});
