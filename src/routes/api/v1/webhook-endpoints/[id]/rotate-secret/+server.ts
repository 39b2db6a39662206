import { endpoint } from '$lib/server/rest/handler';
import { endpointBody, endpointParams } from '$lib/server/rest/webhook-schemas';
import { rotateSecret, siteKeyActor } from '$lib/server/webhooks';

export const POST = endpoint({
	auth: 'key',
	scope: 'webhooks',
	params: endpointParams,
	handle: async ({ db, key, params, ip }) => ({ body: endpointBody(await rotateSecret(db, params.id, siteKeyActor(key, ip))) })
});
