import { servedOpenApiDocument } from '$lib/server/rest/openapi';
import { acceptsGzip } from '$lib/server/http/compress';
import type { RequestHandler } from './$types';

/** The OpenAPI document, prepared once per origin; revalidated by ETag, gzipped when the client takes it. */
export const GET: RequestHandler = ({ url, request }) => {
	const doc = servedOpenApiDocument(url.origin);
	const headers: Record<string, string> = { 'cache-control': 'public, max-age=300', etag: doc.etag, vary: 'Accept-Encoding' };
	if (request.headers.get('if-none-match') === doc.etag) return new Response(null, { status: 304, headers });
	if (acceptsGzip(request)) return new Response(doc.gzip, { headers: { ...headers, 'content-type': 'application/json', 'content-encoding': 'gzip' } });
	return new Response(doc.json, { headers: { ...headers, 'content-type': 'application/json' } });
};
