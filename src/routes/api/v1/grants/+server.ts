import { endpoint, replayHeaders } from '$lib/server/rest/handler';
import { grantBody } from '$lib/server/rest/schemas';
import { grantWithSiteKey } from '$lib/server/accounts';

export const POST = endpoint({
	auth: 'key',
	scope: 'grant',
	body: grantBody,
	idempotencyKey: 'required',
	handle: async ({ db, key, body, idempotency, ip }) => {
		const { user, team, expires_at, ...grant } = body;
		const g = await grantWithSiteKey(db, key!, { ...grant, target: { user, team }, expiresAt: expires_at, idempotencyKey: idempotency.key }, ip);
		// A replay answers the first grant byte for byte (the key's stored answer); only the header says it is one.
		return { status: 201, body: { lot_id: g.lotId, operation_id: g.operationId, tokens: g.tokens }, headers: replayHeaders(!g.created) };
	}
});
