import type { Handle } from '@sveltejs/kit';
import type { AnyRouter } from '@trpc/server';
import { HttpError } from '../http/refusals';
import { isTrpcPath } from '../../trpc-path';
import { callsNamed } from './calls';
import { trpcRefusal } from './edge-answer';

/** The method tRPC 10 takes for each kind of procedure (its HTTP_METHOD_PROCEDURE_TYPE_MAP, turned round). */
const METHOD_OF = { query: 'GET', mutation: 'POST' } as const;

/**
 * The one method the procedures a tRPC URL names take (callsNamed), or null when one names no procedure
 * (tRPC's 404 stands) or they take different methods (a batch tRPC answers call by call).
 */
function methodFor(router: AnyRouter, url: URL): 'GET' | 'POST' | null {
	const paths = callsNamed(url);
	if (!paths) return null;
	const procedures = router._def.procedures as Record<string, { _def: { query?: boolean; mutation?: boolean } } | undefined>;
	const methods = new Set(
		paths.map((p) => {
			const def = Object.hasOwn(procedures, p) ? procedures[p]!._def : undefined;
			return def?.query ? METHOD_OF.query : def?.mutation ? METHOD_OF.mutation : null;
		})
	);
	const [method] = methods;
	return methods.size === 1 && method ? method : null;
}

/**
 * A procedure asked with the wrong method answers `405 method_not_allowed` with `Allow`, as every
 * other route of the app does. tRPC 10 looks a procedure up by the method's kind, so a query sent by
 * POST (or a mutation by GET) was `404` "No "mutation"-procedure on path", which says the procedure
 * does not exist, and another method `405` without `Allow`. Answered before tRPC reads the request:
 * nothing runs for it.
 */
export function trpcMethods(router: AnyRouter): Handle {
	return ({ event, resolve }) => {
		if (!isTrpcPath(event.url.pathname)) return resolve(event);
		const allowed = methodFor(router, event.url);
		const method = event.request.method;
		if (!allowed || method === allowed) return resolve(event);
		const kind = allowed === METHOD_OF.query ? 'a query' : 'a mutation';
		return trpcRefusal(event.url, new HttpError('method_not_allowed', `${method} is not allowed here: this is ${kind}, asked with ${allowed}.`, undefined, { allow: allowed }));
	};
}
