import { endpoint, replayHeaders, spending, spendingRequest } from '$lib/server/rest/handler';
import { consumeBody } from '$lib/server/rest/schemas';
import { paidByBody } from '$lib/server/rest/shapes';
import { consume } from '$lib/server/ledger';

export const POST = endpoint({
	...spending,
	body: consumeBody,
	handle: async (ctx) => {
		const r = await spendingRequest(ctx, (exec, req) => consume(exec, { ...req, units: ctx.body.units }));
		return {
			body: { operation_id: r.operationId, cost: r.cost, paid_by: paidByBody(r.paidBy), remaining: r.remaining, level: r.level },
			headers: replayHeaders(r.replayed)
		};
	}
});
