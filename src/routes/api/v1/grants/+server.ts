import { endpoint } from '$lib/server/rest/handler';
import { HttpError } from '$lib/server/rest/errors';
import { targetAccount } from '$lib/server/rest/identity';
import { grantBody } from '$lib/server/rest/schemas';
import { grant } from '$lib/server/ledger';
import { audit } from '$lib/server/accounts';

export const POST = endpoint({
	auth: 'key',
	body: grantBody,
	idempotencyKey: 'required',
	handle: async (ctx) => {
		if (ctx.key?.kind !== 'site') throw new HttpError(403, 'forbidden', 'Only a site key can grant tokens.');
		const accountId = await targetAccount(ctx.db, ctx.key, ctx.body, 'spend');
		const g = await ctx.db.orm.transaction(async (tx) => {
			const result = await grant(tx, {
				accountId,
				tokens: ctx.body.tokens,
				source: ctx.body.source,
				model: ctx.body.model,
				expiresAt: ctx.body.expires_at ? new Date(ctx.body.expires_at) : null,
				note: ctx.body.note,
				grantKey: `api:${ctx.key!.keyId}:${ctx.idempotencyKey}`,
				actor: { keyId: ctx.key!.keyId }
			});
			if (result.created) {
				await audit(tx, {
					action: 'ledger.grant',
					actorKeyId: ctx.key!.keyId,
					targetType: 'lot',
					targetId: result.lotId,
					accountId,
					after: { tokens: ctx.body.tokens, source: ctx.body.source, model: ctx.body.model ?? null, expires_at: ctx.body.expires_at ?? null, note: ctx.body.note ?? null }
				});
			}
			return result;
		});
		// A replay answers the first grant (its tokens, not this body's): the key's stored answer.
		return {
			status: 201,
			body: { lot_id: g.lotId, operation_id: g.operationId, tokens: g.tokens, created: g.created },
			headers: g.created ? undefined : { 'idempotent-replayed': 'true' }
		};
	}
});
