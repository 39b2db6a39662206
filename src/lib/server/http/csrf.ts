import { json, text, type Handle } from '@sveltejs/kit';
import { config } from '../config';
import { DomainError } from '../errors';
import { edgeRefusal } from './edge-refusal';

/** Routes that never act on a session cookie: REST v1 takes a bearer key, Paddle signs its webhooks. */
const notCookieAuthenticated = ['/api/v1/', '/api/webhooks/'];

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Is this request one a browser may have sent cross-site on the user's behalf (cookie CSRF)?
 * The rule of Go's `http.CrossOriginProtection`: a state-changing request is refused when the
 * browser says it came from another site (`Sec-Fetch-Site` other than same-origin/none), or, from
 * browsers that do not send that header, when its `Origin` is neither this request's host nor the
 * configured ORIGIN. Requests without either header come from no browser and carry no ambient
 * authority worth forging; safe methods and routes authenticated by other means are not checked.
 */
export function isCrossSiteRequest(request: Request, pathname: string, trustedOrigin: string): boolean {
	if (safeMethods.has(request.method)) return false;
	if (notCookieAuthenticated.some((prefix) => pathname.startsWith(prefix))) return false;
	const site = request.headers.get('sec-fetch-site');
	if (site) return site !== 'same-origin' && site !== 'none';
	const origin = request.headers.get('origin');
	if (!origin) return false;
	if (origin === trustedOrigin) return false;
	try {
		return new URL(origin).host !== request.headers.get('host');
	} catch {
		return true;
	}
}

const message = 'This request came from another site, so it was refused. Open the page on this site and try again.';

/**
 * Quota's CSRF check for every cookie-authenticated request that changes state: form actions and
 * tRPC mutations alike (SvelteKit's own check, turned off in svelte.config.js, covers only form
 * content types and cannot be scoped by route). Refusals are 403 in the shape the caller reads:
 * an ActionResult for enhanced forms, JSON for fetch, text for a plain form post.
 */
export const refuseCrossSite: Handle = ({ event, resolve }) => {
	const { request } = event;
	if (!isCrossSiteRequest(request, event.url.pathname, config().ORIGIN)) return resolve(event);
	if (request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'error', error: { message } }, { status: 403 });
	}
	const type = request.headers.get('content-type') ?? '';
	if (/^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)/i.test(type)) return text(message, { status: 403 });
	return edgeRefusal(event, new DomainError('forbidden', message));
};
