import { endpoint, replayHeaders } from '$lib/server/rest/handler';
import { emptyBody, grantParams } from '$lib/server/rest/schemas';
import { endWithSiteKey } from '$lib/server/accounts';

export const POST = endpoint({
	auth: 'key',
	scope: 'grant',
	params: grantParams,
	body: emptyBody,
	idempotencyKey: 'optional',
	handle: async ({ db, key, params, idempotency, ip }) => {
		const r = await endWithSiteKey(db, key!, params.lot_id, idempotency, ip);
		return { body: { lot_id: r.lotId, operation_id: r.operationId, ended_at: r.endedAt, tokens: r.tokens }, headers: replayHeaders(r.replayed) };
	}
});
