/**
 * The postgres.js client Drizzle is given, with every query it sends run as a prepared statement.
 *
 * Drizzle's `execute()` and query builder send `unsafe(text, params, { prepare: false })`. postgres.js
 * runs such an unprepared query that has parameters in two round trips: Parse and Describe first, then,
 * on the server's ParameterDescription, Bind and Execute (`describeFirst` in postgres.js'
 * src/connection.js). Prepared, the statement is kept per connection under its text and parameter
 * types, and from its second run it is one round trip: Bind and Execute. The app's statements are
 * fixed texts with parameters, so the kept set stays small. A statement the server no longer has, or
 * whose result type changed under it (a migration by another process), is prepared again by
 * postgres.js itself (its `retryRoutines`). Transactions and savepoints get the same client.
 */
export function preparing<T extends object>(client: T): T {
	return new Proxy(client, {
		get(target, prop, receiver) {
			if (prop === 'unsafe') {
				const unsafe = Reflect.get(target, prop, receiver) as (text: string, params?: unknown[], options?: object) => unknown;
				return (text: string, params?: unknown[], options?: object) => unsafe.call(target, text, params, { ...options, prepare: true });
			}
			if (prop === 'begin' || prop === 'savepoint') {
				const open = Reflect.get(target, prop, receiver) as (...args: unknown[]) => Promise<unknown>;
				return (...args: unknown[]) => {
					const body = args.pop() as (tx: T) => unknown;
					return open.call(target, ...args, (tx: T) => body(preparing(tx)));
				};
			}
			return Reflect.get(target, prop, receiver);
		}
	});
}
