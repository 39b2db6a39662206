import { lastEventIdHeader } from '$lib/server/rest/schemas';
import { embedPreflight, embedRoute } from '$lib/server/rest/embed';
import { embedBalanceBody } from '$lib/server/rest/embed-schemas';
import { balanceStream } from '$lib/server/live/stream';

/**
 * The longest a widget stream stays open: then it ends and the widget reconnects with
 * `Last-Event-ID` (nothing unchanged is repeated), so its token is checked again at least this
 * often: a revoked key or an expired token stops the live figures within a minute.
 */
const RECHECK_MS = 60_000;

/** GET (embed token): Server-Sent Events of the account's balance part of the summary, now and after every change. */
export const GET = embedRoute(async ({ db, grant, event }) => {
	const { 'Last-Event-ID': lastEventId } = lastEventIdHeader.parse({ 'Last-Event-ID': event.request.headers.get('last-event-id') ?? undefined });
	const until = Math.max(1000, Math.min(RECHECK_MS, grant.expiresAt.getTime() - Date.now()));
	const signal = AbortSignal.any([event.request.signal, AbortSignal.timeout(until)]);
	const body = await balanceStream(db, grant.accountId, signal, { render: embedBalanceBody, lastEventId });
	return new Response(body, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' }
	});
});

export const OPTIONS = embedPreflight;
