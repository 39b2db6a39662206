const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * JSON endpoints (tRPC, REST) take JSON bodies only. A cross-site form can post
 * form-encoded or text/plain without a CORS preflight; it cannot post application/json.
 * A request with no body at all (no Content-Type, no length) is not a form either: a documented
 * bodyless POST (releasing a hold) passes.
 */
export function rejectsNonJson(request: Request, path: string): boolean {
	if (!path.startsWith('/trpc') && !path.startsWith('/api/')) return false;
	const method = request.method;
	const type = request.headers.get('content-type');
	if (type === null) {
		const length = Number(request.headers.get('content-length') ?? '0');
		return (Number.isNaN(length) || length > 0 || request.headers.has('transfer-encoding')) && method !== 'GET' && method !== 'HEAD';
	}
	const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
	return hasBody && !JSON_TYPE.test(type);
}
