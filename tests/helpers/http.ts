import type { RequestEvent } from '@sveltejs/kit';
import { setDb } from '../../src/lib/server/db';
import type { Db } from '../../src/lib/server/db/client';

// Runs requests through the app's real first hook (auth, content-type checks) and the real route
// modules, without a network hop, so the REST contract is tested on both database backends.

// Route handlers are typed per route; here they are called with a generic event.
type RouteModule = Record<string, unknown>;
const routes: [RegExp, string[], () => Promise<RouteModule>][] = [
	[/^\/api\/v1\/key$/, [], () => import('../../src/routes/api/v1/key/+server')],
	[/^\/api\/v1\/balance$/, [], () => import('../../src/routes/api/v1/balance/+server')],
	[/^\/dashboard\/user\/token-management\/balance$/, [], () => import('../../src/routes/dashboard/user/token-management/balance/+server')],
	[/^\/api\/v1\/feature-rates$/, [], () => import('../../src/routes/api/v1/feature-rates/+server')],
	[/^\/api\/v1\/feature-rates\/([^/]+)$/, ['featureKey'], () => import('../../src/routes/api/v1/feature-rates/[featureKey]/+server')],
	[/^\/api\/v1\/check$/, [], () => import('../../src/routes/api/v1/check/+server')],
	[/^\/api\/v1\/consume$/, [], () => import('../../src/routes/api/v1/consume/+server')],
	[/^\/api\/v1\/holds$/, [], () => import('../../src/routes/api/v1/holds/+server')],
	[/^\/api\/v1\/holds\/([^/]+)\/settle$/, ['hold_id'], () => import('../../src/routes/api/v1/holds/[hold_id]/settle/+server')],
	[/^\/api\/v1\/holds\/([^/]+)\/release$/, ['hold_id'], () => import('../../src/routes/api/v1/holds/[hold_id]/release/+server')],
	[/^\/api\/v1\/grants$/, [], () => import('../../src/routes/api/v1/grants/+server')],
	[/^\/api\/v1\/grants\/([^/]+)\/end$/, ['lot_id'], () => import('../../src/routes/api/v1/grants/[lot_id]/end/+server')],
	[/^\/api\/v1\/usage$/, [], () => import('../../src/routes/api/v1/usage/+server')],
	[/^\/api\/v1\/openapi\.json$/, [], () => import('../../src/routes/api/v1/openapi.json/+server')],
	[/^\/api\/v1\/stream$/, [], () => import('../../src/routes/api/v1/stream/+server')],
	[/^\/api\/v1\/webhook-endpoints$/, [], () => import('../../src/routes/api/v1/webhook-endpoints/+server')],
	[/^\/api\/v1\/webhook-endpoints\/([^/]+)$/, ['id'], () => import('../../src/routes/api/v1/webhook-endpoints/[id]/+server')],
	[/^\/api\/v1\/webhook-endpoints\/([^/]+)\/rotate-secret$/, ['id'], () => import('../../src/routes/api/v1/webhook-endpoints/[id]/rotate-secret/+server')],
	[/^\/api\/v1\/webhook-endpoints\/([^/]+)\/deliveries$/, ['id'], () => import('../../src/routes/api/v1/webhook-endpoints/[id]/deliveries/+server')],
	[
		/^\/api\/v1\/webhook-endpoints\/([^/]+)\/deliveries\/([^/]+)\/redeliver$/,
		['id', 'deliveryId'],
		() => import('../../src/routes/api/v1/webhook-endpoints/[id]/deliveries/[deliveryId]/redeliver/+server')
	],
	[/^\/api\/v1\/embed-tokens$/, [], () => import('../../src/routes/api/v1/embed-tokens/+server')],
	[/^\/api\/v1\/embed\/summary$/, [], () => import('../../src/routes/api/v1/embed/summary/+server')],
	[/^\/api\/v1\/embed\/stream$/, [], () => import('../../src/routes/api/v1/embed/stream/+server')],
	[/^\/embed\/store\/front$/, [], () => import('../../src/routes/embed/store/front/+server')],
	[/^\/embed\/store\/checkout$/, [], () => import('../../src/routes/embed/store/checkout/+server')],
	[/^\/embed\/store\/orders\/([^/]+)$/, ['id'], () => import('../../src/routes/embed/store/orders/[id]/+server')],
	[/^\/admin\/exports\/([^/]+)$/, ['kind'], () => import('../../src/routes/(app)/admin/exports/[kind]/+server')]
];

export const restRoutes = routes.map(([re]) => re);

function safeDecode(v: string) {
	try {
		return decodeURIComponent(v);
	} catch {
		return v;
	}
}

function cookieJar(header: string | undefined) {
	const jar = new Map<string, string>(
		(header ?? '')
			.split(';')
			.map((c) => c.trim().split('='))
			.filter(([k]) => k)
			.map(([k, ...v]) => [k!, v.join('=')])
	);
	return {
		get: (name: string) => jar.get(name),
		getAll: () => [...jar].map(([name, value]) => ({ name, value })),
		set: (name: string, value: string) => void jar.set(name, value),
		delete: (name: string) => void jar.delete(name),
		serialize: () => ''
	};
}

export interface ApiRequest {
	method?: string;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string or a stream (a client's upload as it arrives) is sent as is. */
	body?: unknown;
	/** Aborts the request (what a client hanging up does: ends a stream). */
	signal?: AbortSignal;
	/** The caller's address (what `getClientAddress` answers); default 127.0.0.1. */
	clientAddress?: string;
	/** Changes the request before it is sent: a test's way to send what no HTTP client can. */
	rewrite?: (request: Request) => Request;
}

export async function useDb(db: Db) {
	setDb(db);
}

/** Sends one request through hooks.server.ts to the matching route module. */
export async function call(path: string, req: ApiRequest = {}): Promise<Response> {
	const { authenticate } = await import('../../src/lib/server/http/authenticate');
	const url = new URL(path, 'http://localhost:3000');
	const headers = new Headers(req.headers);
	let body: string | ReadableStream | undefined;
	if (req.body !== undefined) {
		body = typeof req.body === 'string' || req.body instanceof ReadableStream ? req.body : JSON.stringify(req.body);
		if (!headers.has('content-type')) headers.set('content-type', 'application/json');
	}
	const sent = new Request(url, { method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, signal: req.signal, duplex: 'half' } as RequestInit);
	const request = req.rewrite ? req.rewrite(sent) : sent;
	const match = routes.find(([re]) => re.test(url.pathname));
	const params: Record<string, string> = {};
	if (match) {
		const values = match[0].exec(url.pathname)!.slice(1);
		match[1].forEach((name, i) => (params[name] = safeDecode(values[i]!)));
	}
	const event = {
		request,
		url,
		params,
		locals: {} as App.Locals,
		cookies: cookieJar(headers.get('cookie') ?? undefined),
		getClientAddress: () => req.clientAddress ?? '127.0.0.1',
		platform: undefined,
		route: { id: match ? url.pathname : null },
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false,
		fetch
	} as unknown as RequestEvent;
	return authenticate({
		event,
		resolve: async (ev) => {
			if (!match) return new Response('Not found', { status: 404 });
			const mod = await match[2]();
			const fn = (mod[ev.request.method] ?? (ev.request.method === 'HEAD' ? mod.GET : undefined)) as ((event: RequestEvent) => Promise<Response> | Response) | undefined;
			// What SvelteKit answers for a method the route does not export (GET also serves HEAD).
			if (!fn) {
				const allowed = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].filter((m) => m in mod);
				if (allowed.includes('GET')) allowed.push('HEAD');
				return new Response(`${ev.request.method} method not allowed`, { status: 405, headers: { allow: allowed.join(', ') } });
			}
			return fn(ev);
		}
	});
}

export async function callJson(path: string, req: ApiRequest = {}) {
	const res = await call(path, req);
	const text = await res.text();
	let json: unknown = undefined;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON: left undefined, the test says what it expected
	}
	return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> & { [k: string]: any } };
}
