import { endpoint } from '$lib/server/rest/handler';
import { usageQuery } from '$lib/server/rest/schemas';
import { usageRowBody } from '$lib/server/rest/shapes';
import { history } from '$lib/server/ledger';

export const GET = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	query: usageQuery,
	handle: async (ctx) => {
		const { limit, cursor } = ctx.query;
		const page = await ctx.onAccount(ctx.query, 'read', (exec, accountId) => history(exec, accountId, { limit, cursor }));
		return { body: { data: page.rows.map(usageRowBody), next_cursor: page.nextCursor } };
	}
});
