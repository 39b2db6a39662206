import type { RequestHandler } from './$types';
import { gzipSync } from 'node:zlib';
// Minified at build (vite.config.ts, widgetServed).
import served from '../../../../widget/quota-usage.js?served';

// The <quota-usage> widget's one script, for host pages on any origin (a classic script: no CORS
// needed to run it). Served by a route, not from static/, so the app's service worker does not
// precache it; minified, gzipped once per process.
const plain = new TextEncoder().encode(served);
const gzipped = gzipSync(plain, { level: 9 });

export const GET: RequestHandler = ({ request }) => {
	const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
	return new Response(gzip ? gzipped : plain, {
		headers: {
			'content-type': 'text/javascript; charset=utf-8',
			'cache-control': 'public, max-age=300',
			'cross-origin-resource-policy': 'cross-origin',
			vary: 'Accept-Encoding',
			...(gzip ? { 'content-encoding': 'gzip' } : {})
		}
	});
};
