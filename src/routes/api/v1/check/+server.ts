import { endpoint, spender } from '$lib/server/rest/handler';
import { checkBody } from '$lib/server/rest/schemas';
import { checkResultBody } from '$lib/server/rest/shapes';
import { check } from '$lib/server/ledger';

export const POST = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	body: checkBody,
	metered: true,
	handle: async (ctx) => {
		const { feature, units, model } = ctx.body;
		const result = await ctx.onAccount(ctx.body, 'read', async (exec, accountId) => check(exec, { accountId, feature, units, model, actorUserId: await spender(ctx, exec, accountId) }));
		return { body: checkResultBody(result) };
	}
});
