/**
 * A response that sets a cookie is one browser's: a shared cache (a CDN, a proxy) must never store
 * it and hand the cookie (a guest id, a renewed session) to the next visitor. So a `public` answer
 * that sets one becomes `private` (browsers still keep it for its max-age) and loses `s-maxage`.
 * RFC 9111 §3 lets a shared cache store a response with Set-Cookie unless told otherwise.
 */
export function privateWhenSettingCookies(response: Response): Response {
	const cacheControl = response.headers.get('cache-control');
	if (!cacheControl || !response.headers.has('set-cookie') || !/\bpublic\b|\bs-maxage\b/i.test(cacheControl)) return response;
	const directives = cacheControl
		.split(',')
		.map((d) => d.trim())
		.filter((d) => d && !/^s-maxage\b/i.test(d))
		.map((d) => (/^public$/i.test(d) ? 'private' : d));
	if (!directives.some((d) => /^private$/i.test(d))) directives.unshift('private');
	const headers = new Headers(response.headers);
	headers.set('cache-control', directives.join(', '));
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
