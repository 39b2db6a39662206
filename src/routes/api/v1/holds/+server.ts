import { endpoint, spending, spendingRequest } from '$lib/server/rest/handler';
import { holdBody } from '$lib/server/rest/schemas';
import { paidByBody } from '$lib/server/rest/shapes';
import { hold } from '$lib/server/ledger';

export const POST = endpoint({
	...spending,
	body: holdBody,
	handle: async (ctx) => {
		const h = await hold(ctx.db.orm, { ...(await spendingRequest(ctx)), maxTokens: ctx.body.max_tokens, ttlSeconds: ctx.body.ttl_seconds });
		return { status: 201, body: { hold_id: h.holdId, held: h.held, expires_at: h.expiresAt, paid_by: paidByBody(h.paidBy), remaining: h.remaining } };
	}
});
