import { endpoint } from '$lib/server/rest/handler';
import { endpointBody, endpointParams } from '$lib/server/rest/webhook-schemas';
import { deleteEndpoint, endpointPatch, getEndpoint, siteKeyActor, updateEndpoint } from '$lib/server/webhooks';

export const GET = endpoint({
	auth: 'key',
	params: endpointParams,
	handle: async ({ db, key, params }) => {
		siteKeyActor(key);
		return { body: endpointBody(await getEndpoint(db.orm, params.id)) };
	}
});

export const PATCH = endpoint({
	auth: 'key',
	params: endpointParams,
	body: endpointPatch,
	handle: async ({ db, key, params, body }) => ({ body: endpointBody(await updateEndpoint(db, params.id, body, siteKeyActor(key))) })
});

export const DELETE = endpoint({
	auth: 'key',
	params: endpointParams,
	handle: async ({ db, key, params }) => {
		await deleteEndpoint(db, params.id, siteKeyActor(key));
		return { body: { deleted: true } };
	}
});
