import { endpoint } from '$lib/server/rest/handler';
import { endpointBody } from '$lib/server/rest/webhook-schemas';
import { createEndpoint, endpointInput, listEndpoints, siteKeyActor } from '$lib/server/webhooks';

export const GET = endpoint({
	auth: 'key',
	scope: 'webhooks',
	handle: async ({ db, key, ip }) => {
		siteKeyActor(key, ip);
		return { body: { data: (await listEndpoints(db.orm)).map(endpointBody) } };
	}
});

export const POST = endpoint({
	auth: 'key',
	scope: 'webhooks',
	body: endpointInput,
	handle: async ({ db, key, body, ip }) => ({ status: 201, body: endpointBody(await createEndpoint(db, body, siteKeyActor(key, ip))) })
});
