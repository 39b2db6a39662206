import { endpoint, replayHeaders, spending, spendingRequest } from '$lib/server/rest/handler';
import { holdBody } from '$lib/server/rest/schemas';
import { paidByBody } from '$lib/server/rest/shapes';
import { hold } from '$lib/server/ledger';
import { sweepAtExpiry } from '$lib/server/schedule/app-jobs';
import { logFailure } from '$lib/server/log';

export const POST = endpoint({
	...spending,
	body: holdBody,
	handle: async (ctx) => {
		const h = await spendingRequest(ctx, (exec, req) => hold(exec, { ...req, maxTokens: ctx.body.max_tokens, ttlSeconds: ctx.body.ttl_seconds }));
		// Not settled in time, the hold gives its tokens back about a second after it expires; should
		// asking for that fail, the minute's sweep still does it, and the hold stands either way.
		if (!h.replayed) await sweepAtExpiry(ctx.db.orm, new Date(h.expiresAt)).catch((e) => logFailure('ledger', "asking for the sweep at a hold's expiry", e));
		return {
			status: 201,
			body: { hold_id: h.holdId, held: h.held, expires_at: h.expiresAt, paid_by: paidByBody(h.paidBy), remaining: h.remaining, level: h.level },
			headers: replayHeaders(h.replayed)
		};
	}
});
