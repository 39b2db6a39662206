import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SITE_API_KEY } from './server';

/**
 * A host site on ANOTHER origin (127.0.0.1 vs the app's localhost) that serves the pages `set` gives
 * it; `origin` once listening, `close` at the end.
 */
export async function hostSite() {
	const pages = new Map<string, string>();
	const server = createServer((req, res) => {
		const html = pages.get(req.url ?? '');
		res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
		res.end(html ?? 'not found');
	});
	server.listen(0, '127.0.0.1');
	await new Promise((r) => server.once('listening', r));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		origin,
		/** Serves `html` at `path` ("/name"); answers its URL. */
		set: (path: string, html: string) => (pages.set(path, html), `${origin}${path}`),
		close: () => new Promise((r) => server.close(r))
	};
}

/** What the host's backend does with its site key against the app at `app()`: POST a route, read a balance. */
export function hostBackend(app: () => string) {
	return {
		async api(path: string, body: unknown, key = DEMO_SITE_API_KEY) {
			const res = await fetch(`${app()}${path}`, {
				method: 'POST',
				headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
				body: JSON.stringify(body)
			});
			return { status: res.status, json: (await res.json()) as Record<string, any> };
		},
		/** What the account can spend now, as the metering API says (lots plus the demo's free allowances). */
		async available(user: string): Promise<number> {
			const res = await fetch(`${app()}/api/v1/balance?user=${user}`, { headers: { authorization: `Bearer ${DEMO_SITE_API_KEY}` } });
			return ((await res.json()) as { available: number }).available;
		}
	};
}

/**
 * Whether `url` carries an embed token (`qe_…`) or a store ticket (`qs_…`): a whole one, not the same three
 * letters inside a built file's content hash (`/_app/immutable/nodes/38.B3sqe_N-.js` failed CI 159 so).
 */
export const carriesEmbedToken = (url: string) => /(?:^|[^A-Za-z0-9])q[es]_[A-Za-z0-9_-]{20,}/.test(url);
