import { endpoint } from '$lib/server/rest/handler';
import { targetQuery } from '$lib/server/rest/schemas';
import { balanceBody } from '$lib/server/rest/shapes';
import { spendable } from '$lib/server/ledger';

export const GET = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	query: targetQuery,
	handle: async (ctx) => ({ body: balanceBody(await ctx.onAccount(ctx.query, 'read', spendable)) })
});
