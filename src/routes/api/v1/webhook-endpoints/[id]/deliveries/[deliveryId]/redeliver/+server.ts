import { endpoint } from '$lib/server/rest/handler';
import { redeliverParams } from '$lib/server/rest/webhook-schemas';
import { redeliver, siteKeyActor } from '$lib/server/webhooks';

export const POST = endpoint({
	auth: 'key',
	scope: 'webhooks',
	params: redeliverParams,
	handle: async ({ db, key, params, ip }) => {
		await redeliver(db, params.id, params.deliveryId, siteKeyActor(key, ip));
		return { status: 202, body: { status: 'pending' } };
	}
});
