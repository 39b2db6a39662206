// How an admin page reads what it shows: one place for "loading", "could not load (why)" and
// "try again", so every page says the same thing the same way. What was read stays in memory only
// (the page's own state): admin data is other people's and is never written to this device.
import { TRPCClientError } from '@trpc/client';
import { errorMessage, isNetworkError } from '../errors';

/** `not_found`: what the page is about does not exist (a retry cannot help); `offline` and `error` may pass. */
export type LoadStatus = 'loading' | 'ready' | 'offline' | 'error' | 'not_found';

/** The domain code of a refusal (e.g. `not_found`), when the server gave one (kept here, out of the member pages' start: errors.ts). */
function domainCode(error: unknown): string | null {
	return error instanceof TRPCClientError ? ((error.data as { domainCode?: string | null } | undefined)?.domainCode ?? null) : null;
}

/** How a read failed: unanswered (`offline`), about nothing that exists (`not_found`), or else (`error`). */
export function failureStatus(error: unknown): 'offline' | 'error' | 'not_found' {
	return isNetworkError(error) ? 'offline' : domainCode(error) === 'not_found' ? 'not_found' : 'error';
}

/**
 * Runs a page's `read` (which stores what it read in the page's own state) and keeps its outcome.
 * A later call supersedes an earlier one: when an older read fails after a newer one started, its
 * error is dropped (the page is showing, or about to show, the newer answer).
 */
export class Loader<A extends unknown[] = []> {
	status = $state<LoadStatus>('loading');
	/** Why the last read failed, in the admin's words (offline says so); null when it did not. */
	error = $state<string | null>(null);
	#generation = 0;

	constructor(private readonly read: (...args: A) => Promise<void>) {}

	/** Reads again; resolves when done (never rejects: a failure is in `status` and `error`). */
	load = async (...args: A): Promise<void> => {
		const mine = ++this.#generation;
		this.status = 'loading';
		try {
			await this.read(...args);
			if (mine !== this.#generation) return;
			this.status = 'ready';
			this.error = null;
		} catch (e) {
			if (mine !== this.#generation) return;
			this.status = failureStatus(e);
			this.error = errorMessage(e);
		}
	};

	/** True until the first read answered, one way or the other. */
	get pending(): boolean {
		return this.status === 'loading' && this.error === null;
	}
}
