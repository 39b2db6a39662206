import { endpoint } from '$lib/server/rest/handler';
import { usageQuery } from '$lib/server/rest/schemas';
import { usageRowBody } from '$lib/server/rest/shapes';
import { history } from '$lib/server/ledger';
import { apiIdsOfUsers } from '$lib/server/accounts';

export const GET = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	query: usageQuery,
	handle: async (ctx) => {
		const { limit, cursor } = ctx.query;
		const { page, apiIds } = await ctx.onAccount(ctx.query, 'read', async (exec, accountId) => {
			const page = await history(exec, accountId, { limit, cursor });
			return { page, apiIds: await apiIdsOfUsers(exec, page.rows.flatMap((r) => (r.actorUserId ? [r.actorUserId] : []))) };
		});
		return { body: { data: page.rows.map((r) => usageRowBody(r, apiIds)), next_cursor: page.nextCursor } };
	}
});
