// A signed-in page's first queries (lib/page-queries.ts), written into its prerendered HTML
// (hooks.server.ts): a preload link the browser fetches before the app's scripts, so on a phone
// the figures arrive while the scripts download instead of queuing behind them, and a small script
// that hands the answers to the page (lib/client/first-answers.ts).
import { createTRPCUntypedClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from '../trpc/router';
import { firstQueriesOf, type PageQuery } from '../../page-queries';

/** Stops the client once it has made its request: only the URL is wanted here. */
class Captured extends Error {}

/**
 * The URL of tRPC's batched GET of `queries`, made by tRPC's own client (the browser's link:
 * httpBatchLink on /trpc), so the preload is byte for byte the request the client would send.
 */
async function batchUrl(queries: PageQuery[]): Promise<string> {
	const urls: string[] = [];
	const client = createTRPCUntypedClient<AppRouter>({
		links: [
			httpBatchLink({
				url: '/trpc',
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

async function head(page: string, queries: PageQuery[]): Promise<string> {
	const url = await batchUrl(queries);
	// A call without input is written as [path]: JSON has no undefined, and the page compares inputs.
	const written = queries.map(({ path, input }) => (input === undefined ? [path] : [path, input]));
	// `crossorigin="anonymous"` is fetch()'s own mode (cors, same-origin credentials): the fetch
	// below takes the preloaded response instead of asking again.
	// The page's first Intl.NumberFormat loads the locale's number data, 20–40 ms on a desktop and
	// several times that on a phone: made while the scripts download, the figures need not wait.
	return (
		`<link rel="preload" as="fetch" crossorigin="anonymous" href="${url.replaceAll('&', '&amp;')}">` +
		`<script>if (location.pathname === ${scriptJson(page)}) { window.__quotaFirst = { page: ${scriptJson(page)}, calls: ${scriptJson(written)}, taken: new Set(), ` +
		`answers: fetch(${scriptJson(url)}, { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (a) { return Array.isArray(a) ? a : null; }, function () { return null; }) }; ` +
		`setTimeout(function () { new Intl.NumberFormat().format(0); }); }</script>`
	);
}

const heads = new Map<string, Promise<string>>();

/** The head elements that send `page`'s first queries, or '' for a page that has none. Made once per page. */
export function firstQueriesHead(page: string): Promise<string> {
	const queries = firstQueriesOf(page);
	if (!queries) return Promise.resolve('');
	let made = heads.get(page);
	if (!made) heads.set(page, (made = head(page, queries)));
	return made;
}
