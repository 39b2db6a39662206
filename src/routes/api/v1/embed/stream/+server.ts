import { lastEventIdHeader } from '$lib/server/rest/schemas';
import { embedPreflight, embedRoute } from '$lib/server/rest/embed';
import { embedLiveBody } from '$lib/server/rest/embed-schemas';
import { balanceStream } from '$lib/server/live/stream';
import { embedRecent, watchEmbedGrant } from '$lib/server/embed';
import { refusalOf } from '$lib/server/http/refusals';

/**
 * The longest a widget stream stays open: then it ends and the widget reconnects with
 * `Last-Event-ID` (nothing unchanged is repeated), so its token is checked again at least this
 * often: an expired token stops the live figures within a minute, and so would a revoked or paused
 * key whose notice this process missed (one it hears ends the stream at once, with a `refused` event).
 */
const RECHECK_MS = 60_000;

/** GET (embed token): Server-Sent Events of the account's summary (but its store link and expiry), now and after every change, until the token stops working: a purchase comes with the tokens it bought. */
export const GET = embedRoute(async ({ db, grant, event }) => {
	const { 'Last-Event-ID': lastEventId } = lastEventIdHeader.parse({ 'Last-Event-ID': event.request.headers.get('last-event-id') ?? undefined });
	const until = Math.max(1000, Math.min(RECHECK_MS, grant.expiresAt.getTime() - Date.now()));
	const signal = AbortSignal.any([event.request.signal, AbortSignal.timeout(until)]);
	const body = await balanceStream(db, grant.accountId, signal, {
		render: async (b) => embedLiveBody(b, await embedRecent(db, grant.accountId, grant.viewerId)),
		lastEventId,
		watch: (refuse) => watchEmbedGrant(db, grant, (e) => refuse(refusalOf(e)))
	});
	return new Response(body, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' }
	});
});

export const OPTIONS = embedPreflight;
