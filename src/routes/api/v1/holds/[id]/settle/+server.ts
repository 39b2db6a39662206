import { endpoint } from '$lib/server/rest/handler';
import { settleBody, holdParams } from '$lib/server/rest/schemas';
import { holdAccount, settle } from '$lib/server/ledger';
import { requireAccessById } from '$lib/server/accounts';

export const POST = endpoint({
	auth: 'key-or-session',
	params: holdParams,
	body: settleBody,
	idempotencyKey: 'optional',
	metered: true,
	handle: async (ctx) => {
		const holdId = ctx.params.id;
		// Someone else's hold is answered exactly like an unknown id.
		await requireAccessById(ctx.db, ctx.key ?? ctx.session, await holdAccount(ctx.db.orm, holdId), 'spend', 'No such hold.');
		const r = await settle(ctx.db.orm, holdId, ctx.body.tokens, ctx.idempotency);
		return { body: { cost: r.cost, released: r.released, remaining: r.remaining } };
	}
});
