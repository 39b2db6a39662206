// A signed-in page's first queries (lib/page-queries.ts), written into its prerendered HTML
// (hooks.server.ts): a small script that fetches them before the app's scripts, so on a phone the
// figures arrive while the scripts download instead of queuing behind them, and hands the answers
// to the page (lib/client/first-answers.ts).
import { createTRPCUntypedClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../trpc/router';
import { everyPage, pageQueries, type PageQuery } from '../../page-queries';
import { isUuid } from '../../uuid';
import { SIGNED_IN_MARK } from '../../signed-in';
import { TRPC_URL } from '../../trpc-path';

/** The other signed-in pages: their first queries are every page's alone (who is signed in, their settings). */
const OTHER_PAGES = new Set([
	'/reports',
	'/playground',
	'/purchases',
	'/store',
	'/team',
	'/settings',
	'/more',
	'/alerts',
	// The console's: the profile (which says whether the console may open) arrives with the
	// scripts, so the page's own queries go out as soon as the app starts.
	'/admin',
	'/admin/users',
	'/admin/users/[id]',
	'/admin/audit',
	'/admin/bonuses',
	'/admin/catalog',
	'/admin/jobs',
	'/admin/keys',
	'/admin/limits',
	'/admin/payments',
	'/admin/rates',
	'/admin/roles',
	'/admin/webhooks'
]);

/** The route `pathname` opens: one route serves a user's page in the console for every user. */
function routeOf(pathname: string): string {
	const user = /^\/admin\/users\/([^/]+)$/.exec(pathname);
	return user && isUuid(user[1]!) ? '/admin/users/[id]' : pathname;
}

/** The queries the HTML of the route sends (every page's first, then its own), or null for a page that sends none. */
function firstQueriesOf(route: string): PageQuery[] | null {
	const own = (pageQueries as Record<string, Record<string, PageQuery>>)[route] ?? (OTHER_PAGES.has(route) ? {} : null);
	return own ? [...Object.values(everyPage), ...Object.values(own)] : null;
}

/** Stops the client once it has made its request: only the URL is wanted here. */
class Captured extends Error {}

/**
 * The URL of tRPC's batched GET of `queries`, made by tRPC's own client (the browser's link:
 * httpBatchLink on /trpc), so the early fetch is byte for byte the request the client would send.
 */
async function batchUrl(queries: PageQuery[]): Promise<string> {
	const urls: string[] = [];
	const client = createTRPCUntypedClient<AppRouter>({
		links: [
			httpBatchLink({
				url: TRPC_URL,
				fetch: async (url) => {
					urls.push(String(url));
					throw new Captured();
				}
			})
		]
	});
	await Promise.allSettled(queries.map((q) => client.query(q.path, q.input)));
	if (urls.length !== 1) throw new Error(`expected one batched request, tRPC's client made ${urls.length}`);
	return urls[0]!;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
	return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The options of lib/client/format.ts's date and time formats, so the locale data they load is the page's. */
const DATE_WARM_UP = `new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(0);`;

/**
 * Milliseconds the early request may go unanswered: the app's own (REQUEST_TIMEOUT_MS,
 * lib/client/timed-fetch.ts). On a network that carries nothing a fetch neither answers nor fails
 * for minutes, and the page's first refresh waits on this one: aborted, it asks the server itself.
 */
export const FIRST_QUERIES_TIMEOUT_MS = 20_000;

function head(page: string, queries: PageQuery[], url: string): string {
	// A call without input is written as [path]: JSON has no undefined, and the page compares inputs.
	const written = queries.map(({ path, input }) => (input === undefined ? [path] : [path, input]));
	// Asked only with the signed-in mark (lib/signed-in.ts): a signed-out visitor's figures would be
	// a 401, logged by the browser as an error; the page sends them to sign in instead. (So no
	// <link rel=preload>, which cannot be made conditional: the script's fetch starts at the same
	// point of the page, before the app's scripts.)
	// The page's first Intl.NumberFormat loads the locale's number data, 20–40 ms on a desktop and
	// several times that on a phone, and its first Intl.DateTimeFormat the calendar's (5–8 ms on a
	// desktop): made while the scripts download, the render that shows the figures need not wait.
	return (
		`<script>if (location.pathname === ${scriptJson(page)} && ${SIGNED_IN_MARK}.test(document.cookie)) { window.__quotaFirst = { page: ${scriptJson(page)}, calls: ${scriptJson(written)}, taken: new Set(), ` +
		`answers: (function () { var c = new AbortController(); setTimeout(function () { c.abort(); }, ${FIRST_QUERIES_TIMEOUT_MS}); return fetch(${scriptJson(url)}, { credentials: 'same-origin', signal: c.signal }); })().then(function (r) { return r.json(); }).then(function (a) { return Array.isArray(a) ? a : null; }, function () { return null; }) }; ` +
		`setTimeout(function () { new Intl.NumberFormat().format(0); ${DATE_WARM_UP} }); }</script>`
	);
}

const urls = new Map<string, Promise<string>>();

/**
 * The head elements that send `page`'s first queries, or '' for a page that has none. The request's
 * URL is made once per route (a user's page in the console is one route for every user).
 */
export async function firstQueriesHead(page: string): Promise<string> {
	const route = routeOf(page);
	const queries = firstQueriesOf(route);
	if (!queries) return '';
	let url = urls.get(route);
	if (!url) urls.set(route, (url = batchUrl(queries)));
	return head(page, queries, await url);
}
