import { endpoint } from '$lib/server/rest/handler';
import { embedTokenBody } from '$lib/server/rest/embed-schemas';
import { assertEmbeddable, embedViewer, mintEmbedToken } from '$lib/server/embed';
import { DomainError } from '$lib/server/errors';

/** POST: a short-lived, read-only embed token for one user's or team's account (site keys), a team's naming the member viewing it. */
export const POST = endpoint({
	auth: 'key',
	scope: 'read',
	body: embedTokenBody,
	handle: async (ctx) => {
		if (ctx.key?.kind !== 'site') throw new DomainError('forbidden', 'Only a site key can make embed tokens.');
		const accountId = await ctx.account({ user: ctx.body.user, team: ctx.body.team }, 'read');
		const viewerId = ctx.body.member === undefined ? null : await embedViewer(ctx.db, accountId, ctx.body.member);
		await assertEmbeddable(ctx.db, ctx.key.keyId, accountId);
		const { token, expiresAt } = mintEmbedToken(ctx.key, accountId, ctx.body.ttl_seconds, { viewerId });
		return { status: 201, body: { token, expires_at: expiresAt.toISOString(), account_id: accountId } };
	}
});
