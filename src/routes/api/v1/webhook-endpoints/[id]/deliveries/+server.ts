import { endpoint } from '$lib/server/rest/handler';
import { deliveriesQuery, deliveryBody, endpointParams } from '$lib/server/rest/webhook-schemas';
import { getEndpoint, listDeliveries, siteKeyActor } from '$lib/server/webhooks';

export const GET = endpoint({
	auth: 'key',
	scope: 'webhooks',
	params: endpointParams,
	query: deliveriesQuery,
	handle: async ({ db, key, params, query, ip }) => {
		siteKeyActor(key, ip);
		await getEndpoint(db.orm, params.id);
		return { body: { data: (await listDeliveries(db.orm, params.id, query)).map(deliveryBody) } };
	}
});
