import { endpoint } from '$lib/server/rest/handler';
import { usageQuery } from '$lib/server/rest/schemas';
import { usageRowBody } from '$lib/server/rest/shapes';
import { history } from '$lib/server/ledger';

export const GET = endpoint({
	auth: 'key-or-session',
	query: usageQuery,
	handle: async (ctx) => {
		const accountId = await ctx.account(ctx.query, 'read');
		const page = await history(ctx.db.orm, accountId, { limit: ctx.query.limit, cursor: ctx.query.cursor });
		return { body: { data: page.rows.map(usageRowBody), next_cursor: page.nextCursor } };
	}
});
