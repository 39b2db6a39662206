import { endpoint } from '$lib/server/rest/handler';
import { endpointBody, endpointParams } from '$lib/server/rest/webhook-schemas';
import { deleteEndpoint, endpointPatch, getEndpoint, siteKeyActor, updateEndpoint } from '$lib/server/webhooks';

export const GET = endpoint({
	auth: 'key',
	scope: 'webhooks',
	params: endpointParams,
	handle: async ({ db, key, params, ip }) => {
		siteKeyActor(key, ip);
		return { body: endpointBody(await getEndpoint(db.orm, params.id)) };
	}
});

export const PATCH = endpoint({
	auth: 'key',
	scope: 'webhooks',
	params: endpointParams,
	body: endpointPatch,
	handle: async ({ db, key, params, body, ip }) => ({ body: endpointBody(await updateEndpoint(db, params.id, body, siteKeyActor(key, ip))) })
});

export const DELETE = endpoint({
	auth: 'key',
	scope: 'webhooks',
	params: endpointParams,
	handle: async ({ db, key, params, ip }) => {
		await deleteEndpoint(db, params.id, siteKeyActor(key, ip));
		return { body: { deleted: true } };
	}
});
