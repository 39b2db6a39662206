import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { Handle } from '@sveltejs/kit';
import { config } from '../config';
import { RETRY_AFTER_SECONDS } from '../db/outage';
import { HttpError } from '../http/refusals';
import { isTrpcPath, TRPC_URL } from '../../trpc-path';
import { formatError, toTRPCError } from './errors';
import { callsNamed } from './calls';

/**
 * The answer to a tRPC request that a hook gives itself, no procedure having run (its method, its
 * body's type or its origin refused; an outage before the session was read; a deadline passed),
 * shaped as tRPC answers its calls: each call the path names gets `refusal` as `formatError` shapes
 * it (`data.domainCode` the refusal's code, `httpStatus` its status), one object for one call, a list
 * for a batch; the status and headers (Allow, Retry-After) are the refusal's. tRPC's client reads any
 * other body as "Unable to transform response from server" and nothing else, which the app takes for
 * being offline (client/errors.ts isNetworkError): it told a person online to find a connection.
 */
export function trpcRefusal(url: URL, refusal: HttpError): Response {
	const failure = toTRPCError(refusal);
	const calls = callsNamed(url) ?? [url.pathname.slice(TRPC_URL.length + 1)];
	const shapes = calls.map((path) => ({
		error: formatError({ shape: { message: failure.message, code: TRPC_ERROR_CODES_BY_KEY[failure.code], data: { code: failure.code, httpStatus: refusal.status, path } }, error: failure })
	}));
	const body = url.searchParams.get('batch') ? shapes : shapes[0];
	return new Response(JSON.stringify(body), { status: refusal.status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...refusal.headers } });
}

/** Calls the database did not answer within `seconds`, in words that say what became of them: a query changed nothing; a mutation may still take effect. */
function notAnswered(seconds: number, method: string): HttpError {
	const then = method === 'GET' ? 'Nothing changed: try again in a few seconds.' : 'What you asked may still be done: look again in a few seconds before you ask again.';
	return new HttpError('unavailable', `Quota's database did not answer within ${seconds} s. ${then}`, undefined, { 'retry-after': String(RETRY_AFTER_SECONDS) });
}

/**
 * A tRPC request's answer within API_ANSWER_WITHIN_SECONDS, as REST's (rest/handler.ts answerWithin):
 * past it, each of its calls is answered 503 `unavailable` (trpcRefusal) in words that say what
 * became of it, where the app waited until its own timeout (20 s) and then said the person was offline.
 * The clock counts the session's lookup and the request's body (an app's calls are small). The work
 * left behind goes on and may commit; the outbox sends a write again under its one key.
 */
export const answerCallsWithin: Handle = async ({ event, resolve }) => {
	if (!isTrpcPath(event.url.pathname)) return resolve(event);
	const seconds = config().API_ANSWER_WITHIN_SECONDS;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<Response>((answer) => {
		timer = setTimeout(() => {
			answer(trpcRefusal(event.url, notAnswered(seconds, event.request.method)));
		}, seconds * 1000);
	});
	const answer = Promise.resolve(resolve(event));
	answer.catch(() => {}); // past the deadline nobody awaits it: a later failure is not unhandled
	try {
		return await Promise.race([answer, late]);
	} finally {
		clearTimeout(timer);
	}
};
