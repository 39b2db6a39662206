import { endpoint } from '$lib/server/rest/handler';
import { holdBody } from '$lib/server/rest/schemas';
import { paidByBody } from '$lib/server/rest/shapes';
import { hold } from '$lib/server/ledger';

export const POST = endpoint({
	auth: 'key-or-session',
	body: holdBody,
	idempotencyKey: 'required',
	metered: true,
	handle: async (ctx) => {
		const h = await hold(ctx.db.orm, {
			accountId: await ctx.account(ctx.body, 'spend'),
			feature: ctx.body.feature,
			model: ctx.body.model,
			maxTokens: ctx.body.max_tokens,
			ttlSeconds: ctx.body.ttl_seconds,
			actor: ctx.actor,
			idempotency: ctx.idempotency,
			metadata: ctx.body.metadata ?? null
		});
		return { status: 201, body: { hold_id: h.holdId, held: h.held, expires_at: h.expiresAt, paid_by: paidByBody(h.paidBy), remaining: h.remaining } };
	}
});
