import { TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { Handle } from '@sveltejs/kit';
import { config } from '../config';
import { DatabaseNotAnswering, RETRY_AFTER_SECONDS } from '../db/outage';
import { formatError, toTRPCError } from './errors';
import { callsNamed } from './calls';

/** Where the app's tRPC calls go: `/trpc/<procedure>[,<procedure>…]`, a batch with `?batch=1`. */
export const TRPC_PATH = '/trpc/';

const retryAfter = { 'retry-after': String(RETRY_AFTER_SECONDS) };

/**
 * The answer to a tRPC request that no procedure gave, for `error` (an outage before the session was
 * read, or a deadline passed: 503 with Retry-After), shaped as tRPC answers its calls: each call the
 * path names gets the error as `formatError` shapes it (`data.domainCode` "unavailable", `httpStatus`),
 * one object for one call, a list for a batch. tRPC's client reads any other body as "Unable to
 * transform response from server" and nothing else, which the app takes for being offline
 * (client/errors.ts isNetworkError): it told a person online to find a connection.
 */
export function trpcUnavailable(url: URL, error: unknown): Response {
	const failure = error instanceof TRPCError ? error : toTRPCError(error);
	const calls = callsNamed(url) ?? [url.pathname.slice(TRPC_PATH.length)];
	const shapes = calls.map((path) => ({
		error: formatError({ shape: { message: failure.message, code: TRPC_ERROR_CODES_BY_KEY[failure.code], data: { code: failure.code, httpStatus: 503, path } }, error: failure })
	}));
	const body = url.searchParams.get('batch') ? shapes : shapes[0];
	return new Response(JSON.stringify(body), { status: 503, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...retryAfter } });
}

/** What became of calls the database did not answer within `seconds`: a query changed nothing; a mutation may still take effect. */
function notAnsweredWords(seconds: number, method: string): string {
	const then = method === 'GET' ? 'Nothing changed: try again in a few seconds.' : 'What you asked may still be done: look again in a few seconds before you ask again.';
	return `Quota's database did not answer within ${seconds} s. ${then}`;
}

/**
 * A tRPC request's answer within API_ANSWER_WITHIN_SECONDS, as REST's (rest/handler.ts answerWithin):
 * past it, each of its calls is answered 503 `unavailable` (trpcUnavailable) in words that say what
 * became of it, where the app waited until its own timeout (20 s) and then said the person was offline.
 * The clock counts the session's lookup and the request's body (an app's calls are small). The work
 * left behind goes on and may commit; the outbox sends a write again under its one key.
 */
export const answerCallsWithin: Handle = async ({ event, resolve }) => {
	if (!event.url.pathname.startsWith(TRPC_PATH)) return resolve(event);
	const seconds = config().API_ANSWER_WITHIN_SECONDS;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<Response>((answer) => {
		timer = setTimeout(() => {
			const cause = new DatabaseNotAnswering(seconds);
			answer(trpcUnavailable(event.url, new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: notAnsweredWords(seconds, event.request.method), cause })));
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
