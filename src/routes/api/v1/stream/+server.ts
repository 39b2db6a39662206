import { sessionAccount, watchApiKey, watchSessionAccess } from '$lib/server/accounts';
import { endpoint, parseQuery } from '$lib/server/rest/handler';
import { lastEventIdHeader, sessionStreamQuery, targetQuery } from '$lib/server/rest/schemas';
import { balanceBody } from '$lib/server/rest/shapes';
import { refusalOf } from '$lib/server/http/refusals';
import { balanceStream, type LiveFigures } from '$lib/server/live/stream';

/**
 * Server-Sent Events: the account's balance (GET /api/v1/balance's body) now and after every change;
 * honours `Last-Event-ID`. An API key names its target in the query (`user`, `team`, `guest`); a
 * signed-in session (the dashboard) may name one of its own accounts as `account`, or `user` and
 * `team` as the other routes take them from a session (accounts sessionAccount); its stream also
 * says when new alerts reach the inbox (`inbox` events), which the app's header counts, and its
 * figures hold the caps in force on the account (`caps`), so the pages' cap lines follow a cap's change.
 * A key's stream ends as soon as the key is revoked or paused (or its user disabled), a session's as
 * soon as the session ends (signed out, revoked, its user disabled) or its user may no longer read
 * the account (removed from the team), with a last `refused` event holding the refusal its next
 * request would get.
 */
export const GET = endpoint({
	auth: 'key-or-session',
	scope: 'read',
	ownQuery: true,
	handle: async ({ db, event, key, session, account }) => {
		const { request, url } = event;
		const { 'Last-Event-ID': lastEventId } = lastEventIdHeader.parse({ 'Last-Event-ID': request.headers.get('last-event-id') ?? undefined });
		const accountId = key
			? await account(parseQuery(targetQuery, url), 'read')
			: await sessionAccount(db, session!, parseQuery(sessionStreamQuery, url), 'read');
		const render = key ? balanceBody : (f: LiveFigures) => ({ ...balanceBody(f), caps: f.caps });
		const body = await balanceStream(db, accountId, request.signal, {
			render,
			lastEventId,
			inbox: !key,
			caps: !key,
			watch: (refuse) => (key ? watchApiKey(db, key, (e) => refuse(refusalOf(e))) : watchSessionAccess(db, session!, accountId, (e) => refuse(refusalOf(e))))
		});
		return new Response(body, {
			headers: {
				'content-type': 'text/event-stream; charset=utf-8',
				'cache-control': 'no-store',
				connection: 'keep-alive',
				'x-accel-buffering': 'no'
			}
		});
	}
});
