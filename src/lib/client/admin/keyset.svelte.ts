// A server list read a page at a time by keyset cursor, as the admin pages show it. Held in memory
// only: admin data is other people's, and is never written to this device's storage.
import { errorMessage } from '../errors';
import { failureStatus } from './loader.svelte';

export interface Page<T> {
	rows: T[];
	nextCursor: string | null;
}

/** `not_found`: the query names something that does not exist (a retry cannot help), as `Loader` says it. */
export type ListStatus = 'idle' | 'loading' | 'ready' | 'offline' | 'error' | 'not_found';

export class KeysetList<T, Q, P extends Page<T> = Page<T>> {
	rows = $state.raw<T[]>([]);
	/** The first page's whole answer (e.g. the users list's guest rows ride along with it). */
	first = $state.raw<P | null>(null);
	status = $state<ListStatus>('idle');
	error = $state<string | null>(null);
	more = $state(false);
	/** The query the rows shown answer (null before the first answer, or after a new query failed). Words
	 *  about the list ("3 accounts matching …") name this, not what is in the search box: while a new
	 *  query is typed or loading, the rows still answer the old one. */
	answered = $state.raw<Q | null>(null);
	#cursor: string | null = null;
	#query: Q | null = null;
	#generation = 0;

	constructor(private readonly fetchPage: (query: Q, cursor: string | null) => Promise<P>) {}

	/** Starts over with `query`; an answer to an older query that arrives later is dropped. */
	load(query: Q): Promise<void> {
		this.#query = query;
		this.#cursor = null;
		return this.#fetch(true);
	}

	get loading() {
		return this.status === 'loading';
	}

	/** Appends the next page, if there is one and none is loading. */
	loadMore(): Promise<void> {
		if (!this.more || this.status === 'loading' || this.#query === null) return Promise.resolve();
		return this.#fetch(false);
	}

	/** Replaces one row in place (after an edit), leaving the order as the server gave it. */
	update(match: (row: T) => boolean, change: (row: T) => T) {
		this.rows = this.rows.map((r) => (match(r) ? change(r) : r));
	}

	async #fetch(fresh: boolean) {
		const mine = ++this.#generation;
		this.status = 'loading';
		try {
			const page = await this.fetchPage(this.#query as Q, this.#cursor);
			if (mine !== this.#generation) return;
			if (fresh) [this.first, this.answered] = [page, this.#query];
			this.rows = fresh ? page.rows : [...this.rows, ...page.rows];
			this.#cursor = page.nextCursor;
			this.more = page.nextCursor !== null;
			this.status = 'ready';
			this.error = null;
		} catch (e) {
			if (mine !== this.#generation) return;
			// The rows shown answered the query before: under a new query's filters they read as its matches.
			if (fresh) [this.rows, this.first, this.more, this.answered] = [[], null, false, null];
			this.status = failureStatus(e);
			this.error = errorMessage(e);
		}
	}
}
