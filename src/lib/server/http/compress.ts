import type { Handle } from '@sveltejs/kit';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Below this, gzip's framing and the CPU it takes cost more than the bytes it saves. */
const MIN_BYTES = 1024;

/** Whether the request's Accept-Encoding takes gzip (`gzip` or `*`, not at q=0). */
export function acceptsGzip(request: Request): boolean {
	const header = request.headers.get('accept-encoding') ?? '';
	return header.split(',').some((part) => {
		const [coding, ...params] = part.trim().toLowerCase().split(';');
		if (coding !== 'gzip' && coding !== '*') return false;
		const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
		return q === undefined || Number(q.slice(2)) > 0;
	});
}

/**
 * JSON answers (tRPC and the REST API) go out gzipped to clients that take it: a page's figures
 * are 8–30 KB of JSON that shrink several times, and on a phone's connection bytes are most of
 * their time. Static files are compressed at build time; streams (the SSE feed) and pages are left
 * as they are, and so are small answers such as a consume's.
 */
export const compressJson: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const type = response.headers.get('content-type') ?? '';
	if (event.isSubRequest || !response.body || !type.startsWith('application/json') || response.headers.has('content-encoding')) return response;
	if (!acceptsGzip(event.request) || Number(response.headers.get('content-length') ?? MIN_BYTES) < MIN_BYTES) return response;
	const body = new Uint8Array(await response.arrayBuffer());
	const headers = new Headers(response.headers);
	if (body.byteLength < MIN_BYTES) return new Response(body, { status: response.status, statusText: response.statusText, headers });
	headers.set('content-encoding', 'gzip');
	headers.append('vary', 'Accept-Encoding');
	headers.delete('content-length');
	return new Response(await gzipAsync(body), { status: response.status, statusText: response.statusText, headers });
};
