import { endpoint, callerScope } from '$lib/server/rest/handler';
import { accountOf } from '$lib/server/rest/account';
import { consumeBody } from '$lib/server/rest/schemas';
import { paidByBody } from '$lib/server/rest/shapes';
import { consume } from '$lib/server/ledger';

export const POST = endpoint({
	auth: 'key-or-session',
	body: consumeBody,
	idempotencyKey: 'required',
	metered: true,
	handle: async (ctx) => {
		const accountId = await accountOf(ctx, ctx.body, 'spend');
		const r = await consume(ctx.db.orm, {
			accountId,
			feature: ctx.body.feature,
			units: ctx.body.units,
			model: ctx.body.model,
			actor: { userId: ctx.session?.user.id ?? null, keyId: ctx.key?.keyId ?? null },
			idempotency: { scope: callerScope(ctx), key: ctx.idempotencyKey! },
			metadata: ctx.body.metadata ?? null
		});
		return {
			body: { operation_id: r.operationId, cost: r.cost, paid_by: paidByBody(r.paidBy), remaining: r.remaining },
			headers: r.replayed ? { 'idempotent-replayed': 'true' } : undefined
		};
	}
});
