import { endpoint } from '$lib/server/rest/handler';
import { checkBody } from '$lib/server/rest/schemas';
import { checkResultBody } from '$lib/server/rest/shapes';
import { check } from '$lib/server/ledger';

export const POST = endpoint({
	auth: 'key-or-session',
	body: checkBody,
	metered: true,
	handle: async (ctx) => {
		const accountId = await ctx.account(ctx.body, 'read');
		const result = await check(ctx.db.orm, { accountId, feature: ctx.body.feature, units: ctx.body.units, model: ctx.body.model, actorUserId: ctx.session?.user.id });
		return { body: checkResultBody(result) };
	}
});
