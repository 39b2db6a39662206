// The queries a signed-in page starts with, in one typed table: the page's HTML sends them while
// the scripts download (lib/server/http/first-queries.ts), the page takes those answers for its
// first render and asks the same procedures again on every refresh (lib/client/page-query.ts).
// Inputs are fixed, so the request can be written into the prerendered page ahead.
import type { AnyQueryProcedure, AnyRouter, inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '$lib/server/trpc/router';

type Record_<R extends AnyRouter> = R['_def']['record'];

/** Every query procedure of a router, as tRPC names it on the wire ('ledger.history'). */
type QueryPaths<R extends AnyRouter, Prefix extends string = ''> = {
	[K in keyof Record_<R> & string]: Record_<R>[K] extends AnyRouter
		? QueryPaths<Record_<R>[K], `${Prefix}${K}.`>
		: Record_<R>[K] extends AnyQueryProcedure
			? `${Prefix}${K}`
			: never;
}[keyof Record_<R> & string];

type At<T, Path extends string> = Path extends `${infer Head}.${infer Rest}`
	? Head extends keyof T
		? At<T[Head], Rest>
		: never
	: Path extends keyof T
		? T[Path]
		: never;

export type QueryPath = QueryPaths<AppRouter>;
export type QueryInput<P extends QueryPath> = At<inferRouterInputs<AppRouter>, P>;
/** The answer as the browser gets it (JSON). */
export type QueryOutput<P extends QueryPath> = At<inferRouterOutputs<AppRouter>, P>;

/** One query a page starts with: its procedure and the input its first render asks with. */
export interface PageQuery<P extends QueryPath = QueryPath> {
	path: P;
	input: QueryInput<P>;
}

/** A table entry; its input keeps its own type (the page reads e.g. its `limit` back). */
const query = <P extends QueryPath, I extends QueryInput<P>>(path: P, input: I): PageQuery<P> & { input: I } => ({ path, input });

/** What every signed-in page asks first: who is signed in and their settings (which account, time zone). */
export const everyPage = {
	settings: query('settings.get', undefined),
	profile: query('me.profile', undefined)
};

/**
 * The signed-in pages that start with queries of their own, by pathname, and those queries (the
 * other signed-in pages send every page's alone: lib/server/http/first-queries.ts). `accountId` is
 * left out: the server answers for the user's active account and names it, so the request is the
 * same for everyone. The browser's start loads this table: only what the pages read is in it.
 */
export const pageQueries = {
	'/dashboard': { overview: query('ledger.dashboard', {}) },
	'/usage': {
		history: query('ledger.history', { limit: 50, feature: null, model: null, from: null, to: null }),
		catalog: query('ledger.catalog', undefined)
	},
	'/statement': { statement: query('ledger.statement', { limit: 50 }) }
} satisfies Record<string, Record<string, PageQuery>>;
