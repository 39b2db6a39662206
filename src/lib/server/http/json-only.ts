import { HttpError } from './refusals';
import { REST_PATH } from './json-paths';
import { isTrpcPath } from '../../trpc-path';

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/**
 * Whether `request` carries a body that is not JSON. A cross-site form can post form-encoded or
 * text/plain without a CORS preflight; it cannot post application/json. A request with no body at
 * all (no Content-Type, no length) is not a form either: a documented bodyless POST (releasing a
 * hold) passes.
 */
export function sendsNonJson(request: Request): boolean {
	const method = request.method;
	const type = request.headers.get('content-type');
	if (type === null) {
		const length = Number(request.headers.get('content-length') ?? '0');
		return (Number.isNaN(length) || length > 0 || request.headers.has('transfer-encoding')) && method !== 'GET' && method !== 'HEAD';
	}
	const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE';
	return hasBody && !JSON_TYPE.test(type);
}

/**
 * Whether the first hook refuses `request` for its body: JSON endpoints (tRPC, the other `/api/`
 * routes) take JSON bodies only. REST v1 is left to its routes, which check the caller's key first:
 * a caller with a bad key learns that (401), and nothing about what it sent.
 */
export const rejectsNonJson = (request: Request, path: string): boolean =>
	(isTrpcPath(path) || (path.startsWith('/api/') && !path.startsWith(REST_PATH))) && sendsNonJson(request);

/** The refusal of a body that is not JSON. */
export const nonJsonBody = (): HttpError => new HttpError('unsupported_media_type', 'Send a JSON body with Content-Type: application/json.');
