// A signed-in page's first queries (lib/page-queries.ts) are sent by its HTML while the app's
// scripts are still downloading (lib/server/http/first-queries.ts): on a phone that saves the round
// trip the page would otherwise start only after them. A query the page makes with the same path
// and input takes that answer, once; an error, another page or another input means the page asks
// the server itself, the same procedure of the same table (`ask`), as every refresh does.
import { getUntypedClient } from '@trpc/client';
import { trpc } from './trpc';
import type { PageQuery, QueryInput, QueryOutput, QueryPath } from '$lib/page-queries';

interface FirstQueries {
	/** The page the queries were made for. */
	page: string;
	/** Each call's path and input ([path] alone when it has none). */
	calls: [path: string, input?: unknown][];
	/** tRPC's batch response: one `{ result: { data } }` or `{ error }` per call, or null if it failed. */
	answers: Promise<unknown[] | null>;
	taken: Set<string>;
}

declare global {
	interface Window {
		__quotaFirst?: FirstQueries;
	}
}

/** The early answer to `path` with `input`, if this page load asked for exactly that; null otherwise. */
async function takeFirst<T>(path: string, input: unknown): Promise<{ data: T } | null> {
	const first = typeof window === 'undefined' ? undefined : window.__quotaFirst;
	if (!first || first.page !== location.pathname || first.taken.has(path)) return null;
	const index = first.calls.findIndex(([p, i]) => p === path && JSON.stringify(i) === JSON.stringify(input));
	if (index < 0) return null;
	first.taken.add(path);
	const answers = await first.answers;
	// The answers are usually in before the scripts. Rendering them in a task of their own keeps the
	// app's start and the figures' render two tasks, not one long one that a tap would wait behind.
	await new Promise((resolve) => setTimeout(resolve, 0));
	const answer = answers?.[index] as { result?: { data: T } } | undefined;
	return answer?.result ? { data: answer.result.data } : null;
}

/** Asks the server `q`'s procedure with `input` (by default the first render's); `signal` aborts it. */
export function ask<P extends QueryPath>(q: PageQuery<P>, input: QueryInput<P> = q.input, opts: { signal?: AbortSignal } = {}): Promise<QueryOutput<P>> {
	return getUntypedClient(trpc()).query(q.path, input, opts) as Promise<QueryOutput<P>>;
}

/** The answer the inline script already asked for `q` with `input`, else the server's (`ask`). */
export async function firstOr<P extends QueryPath>(q: PageQuery<P>, input: QueryInput<P> = q.input, opts: { signal?: AbortSignal } = {}): Promise<QueryOutput<P>> {
	const early = await takeFirst<QueryOutput<P>>(q.path, input);
	return early ? early.data : ask(q, input, opts);
}

/** The answer the inline script already asked for `q` with `input`, or null. */
export async function firstAnswer<P extends QueryPath>(q: PageQuery<P>, input: QueryInput<P> = q.input): Promise<QueryOutput<P> | null> {
	return (await takeFirst<QueryOutput<P>>(q.path, input))?.data ?? null;
}

/** Signing out or switching user: nothing asked for the previous user may be shown. */
export function forgetFirstAnswers() {
	if (typeof window !== 'undefined') delete window.__quotaFirst;
}
