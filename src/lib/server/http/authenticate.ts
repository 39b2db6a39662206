import { error, type Handle, type RequestEvent } from '@sveltejs/kit';
import { building } from '$app/environment';
import { ZodError } from 'zod';
import { getDb } from '../db';
import { assertStorable, assertStorableHeaders } from '../storable';
import { firstIssueForPeople } from '../input-words';
import { identifyRequest } from './identify';
import { nonJsonBody, rejectsNonJson } from './json-only';
import { edgeRefusal } from './edge-refusal';
import { answerUnrepresentableMethods } from './methods';
import { jsonApiAnswer } from './json-answers';
import { answersJson, REST_PATH } from './json-paths';
import { isTrpcPath } from '../../trpc-path';
import { privateWhenSettingCookies } from './cookie-cache';

answerUnrepresentableMethods();

/**
 * Path parameters, query parameters and headers of every request hold only text the database can
 * store (tRPC checks its own input, query string included, per procedure; REST v1 its path, query and
 * headers once it knows who is asking, rest/handler.ts; bodies are checked where they are parsed).
 * Throws the ZodError naming the field.
 */
function assertStorableRequest(event: RequestEvent): void {
	const path = event.url.pathname;
	if (path.startsWith(REST_PATH)) return;
	assertStorable(event.params);
	if (!isTrpcPath(path)) for (const [name, value] of event.url.searchParams) assertStorable({ [name]: value });
	assertStorableHeaders(event.request.headers);
}

/** First handle of every request: JSON-only bodies and storable text on JSON endpoints, then who is asking; API answers are JSON; an answer that sets a cookie is never shared-cacheable. */
export const authenticate: Handle = async ({ event, resolve }) => {
	// Prerendering (at build time) renders the app shell for nobody, without a database.
	if (building) return resolve(event);
	const api = answersJson(event.url.pathname);
	if (rejectsNonJson(event.request, event.url.pathname)) return edgeRefusal(event, nonJsonBody());
	try {
		assertStorableRequest(event);
	} catch (e) {
		if (!(e instanceof ZodError)) throw e;
		if (api || isTrpcPath(event.url.pathname)) return edgeRefusal(event, e);
		// The field named, in words ("Tab cannot hold …"): the issue's own message is a rule with no subject.
		error(400, firstIssueForPeople(e));
	}
	const identity = await identifyRequest(await getDb(), event.cookies, event.url.pathname);
	event.locals.auth = identity.auth;
	event.locals.guestId = identity.guestId;
	const response = await resolve(event);
	return privateWhenSettingCookies(api ? jsonApiAnswer(response, event.request.method, event.url.pathname) : response);
};
