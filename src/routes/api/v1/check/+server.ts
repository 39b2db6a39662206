import { endpoint } from '$lib/server/rest/handler';
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
		const result = await ctx.onAccount(ctx.body, 'read', (exec, accountId) => check(exec, { accountId, feature, units, model, actorUserId: ctx.session?.user.id }));
		return { body: checkResultBody(result) };
	}
});
