import { json, type Handle } from '@sveltejs/kit';
import { building } from '$app/environment';
import { identifyRequest, rejectsNonJson } from '../accounts';
import { getDb } from '../db';

/** First handle of every request: JSON-only bodies on JSON endpoints, then who is asking. */
export const authenticate: Handle = async ({ event, resolve }) => {
	// Prerendering (at build time) renders the app shell for nobody, without a database.
	if (building) return resolve(event);
	if (rejectsNonJson(event.request, event.url.pathname)) {
		return json({ error: 'unsupported_media_type', message: 'Send a JSON body with Content-Type: application/json.' }, { status: 415 });
	}
	const identity = await identifyRequest(await getDb(), event.cookies, event.url.pathname);
	event.locals.auth = identity.auth;
	event.locals.guestId = identity.guestId;
	return resolve(event);
};
