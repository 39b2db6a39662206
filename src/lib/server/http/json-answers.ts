import { json } from '@sveltejs/kit';
import { refusalBody, type AnswerCode } from './refusals';

/** The code (one of `answers`) of an error answer SvelteKit wrote itself, by its status. */
const CODE_OF: Record<number, AnswerCode> = {
	400: 'invalid_input',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not_found',
	405: 'method_not_allowed',
	413: 'payload_too_large',
	415: 'unsupported_media_type'
};

/** The `error` of an answer SvelteKit gave `status` without a refusal of ours. */
export const codeOfStatus = (status: number): string => CODE_OF[status] ?? (status >= 500 ? 'internal_error' : 'error');

/**
 * Every answer under /api/ is JSON: an error SvelteKit wrote itself (the plain-text 405 of a route
 * without that method, a 404 for no route) becomes `{"error","message"}` with the same status and
 * headers (`Allow` included). JSON answers and the event stream pass as they are. A 404 under /api/
 * says where the routes are listed (a path without its `v1/`, a misspelt one).
 */
export function jsonApiAnswer(response: Response, method: string, path: string): Response {
	const type = response.headers.get('content-type') ?? '';
	if (response.status < 400 || /^application\/([a-z0-9.+-]+\+)?json\b/i.test(type) || type.startsWith('text/event-stream')) return response;
	const allow = response.headers.get('allow');
	const message =
		response.status === 405
			? `${method} is not allowed here${allow ? `; use ${allow}` : ''}.`
			: response.status === 404
				? `No such API route${path.startsWith('/api/') ? ': GET /api/v1/openapi.json lists them' : ''}.`
				: (response.statusText || 'The request was refused.');
	const headers = new Headers(response.headers);
	headers.delete('content-type');
	headers.delete('content-length');
	headers.set('cache-control', 'no-store');
	return json(refusalBody(codeOfStatus(response.status), message), { status: response.status, headers });
}
