import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import { getDb, type Db } from '../db';
import { readEmbedToken, readStoreTicket, type EmbedGrant } from '../embed';
import { errorResponse } from '../http/refusals';
import { assertStorableHeaders } from '../storable';
import { noQuery, parseQuery } from './handler';

/**
 * CORS for the widget's reads, and only those: any page may call them (the embed token in the
 * Authorization header is the whole authority, no cookie is sent or accepted, so `*` lends nothing),
 * with GET and the two request headers the widget sends. The rest of the API sends no CORS headers,
 * so a browser on another origin cannot read it.
 */
export const EMBED_CORS: Record<string, string> = {
	'access-control-allow-origin': '*',
	'access-control-allow-methods': 'GET',
	'access-control-allow-headers': 'authorization, last-event-id',
	'access-control-max-age': '600'
};

/** The preflight answer of a widget route. */
export const embedPreflight: RequestHandler = () => new Response(null, { status: 204, headers: EMBED_CORS });

function withCors(res: Response): Response {
	for (const [name, value] of Object.entries(EMBED_CORS)) res.headers.set(name, value);
	return res;
}

type Handle = (ctx: { db: Db; grant: EmbedGrant; event: RequestEvent }) => Promise<Response>;

/** Reads `Authorization: Bearer <token>` with `read`, answers with `handle`, any refusal through the one table. */
function bearerRoute(read: typeof readEmbedToken, handle: Handle, finish: (res: Response) => Response = (res) => res): RequestHandler {
	return async (event) => {
		try {
			const db = await getDb();
			const header = event.request.headers.get('authorization');
			const grant = await read(db, /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]);
			assertStorableHeaders(event.request.headers);
			// These routes take no query: a parameter is refused, as on every REST route that names none.
			parseQuery(noQuery, event.url);
			return finish(await handle({ db, grant, event }));
		} catch (e) {
			return finish(errorResponse(e, event));
		}
	};
}

/**
 * A widget route: reads `Authorization: Bearer qe_…` (never a URL parameter: URLs end up in logs and
 * Referer headers), checks the token (401 with `details.reason` expired/revoked/invalid), then
 * `handle` answers for the token's one account. Every answer, errors included, carries EMBED_CORS, so
 * the widget can read the refusal and say what happened.
 */
export function embedRoute(handle: Handle): RequestHandler {
	return bearerRoute(readEmbedToken, handle, withCors);
}

/**
 * A route of the /embed/store page (same origin, no CORS): `Authorization: Bearer qs_…`, the store
 * ticket the page took from its fragment; 401 with `details.reason` as for embed tokens.
 */
export function storeTicketRoute(handle: Handle): RequestHandler {
	return bearerRoute(readStoreTicket, handle);
}
