import { endpoint } from '$lib/server/rest/handler';
import { consumeBody } from '$lib/server/rest/schemas';
import { paidByBody } from '$lib/server/rest/shapes';
import { consume } from '$lib/server/ledger';

export const POST = endpoint({
	auth: 'key-or-session',
	body: consumeBody,
	idempotencyKey: 'required',
	metered: true,
	handle: async (ctx) => {
		const r = await consume(ctx.db.orm, {
			accountId: await ctx.account(ctx.body, 'spend'),
			feature: ctx.body.feature,
			units: ctx.body.units,
			model: ctx.body.model,
			actor: ctx.actor,
			idempotency: ctx.idempotency,
			metadata: ctx.body.metadata ?? null
		});
		return {
			body: { operation_id: r.operationId, cost: r.cost, paid_by: paidByBody(r.paidBy), remaining: r.remaining },
			headers: r.replayed ? { 'idempotent-replayed': 'true' } : undefined
		};
	}
});
