// A signed-in page's first queries, written into its prerendered HTML (hooks.server.ts): a preload
// link the browser fetches before the app's scripts, so on a phone the figures arrive while the
// scripts download instead of queuing behind them, and a small script that hands the answer to
// the page (lib/client/first-answers.ts). The inputs are fixed, so the URL can be written ahead.

type Call = [path: string, input: unknown];

/** The first page of usage history, as the usage page asks for it unfiltered. */
export const FIRST_HISTORY_INPUT = { limit: 50, feature: null, model: null, from: null, to: null };

/** The first page of the statement, as the statement page asks for it. */
export const FIRST_STATEMENT_INPUT = { limit: 50 };

const EVERY_PAGE: Call[] = [
	['settings.get', undefined],
	['me.profile', undefined]
];

const BY_PAGE: Record<string, Call[]> = {
	'/dashboard': [['ledger.dashboard', {}]],
	'/usage': [
		['ledger.history', FIRST_HISTORY_INPUT],
		['ledger.catalog', undefined]
	],
	'/statement': [['ledger.statement', FIRST_STATEMENT_INPUT]],
	'/reports': [],
	'/playground': [],
	'/purchases': [],
	'/store': [],
	'/team': [],
	'/settings': [],
	'/more': []
};

/** tRPC's batched GET of `calls`, as its client would send it. */
function batchUrl(calls: Call[]): string {
	const input: Record<number, unknown> = {};
	calls.forEach(([, i], n) => {
		if (i !== undefined) input[n] = i;
	});
	return `/trpc/${calls.map(([p]) => p).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
	return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The head elements that send `page`'s first queries, or '' for a page that has none. */
export function firstQueriesHead(page: string): string {
	const own = BY_PAGE[page];
	if (!own) return '';
	const calls = [...EVERY_PAGE, ...own];
	const url = batchUrl(calls);
	// A call without input is written as [path]: JSON has no undefined, and the page compares inputs.
	const written = calls.map(([path, input]) => (input === undefined ? [path] : [path, input]));
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
