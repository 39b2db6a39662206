// A keyset-paged list a page shows (usage history, statement): its first page refreshed live, the
// older pages the user loaded with "Load more" kept below it.
import { errorMessage } from './errors';
import type { Live } from './live.svelte';

export interface Paged<R> {
	accountId: string;
	rows: R[];
	nextCursor: string | null;
}

/** The fresh first page with the older rows already loaded kept below it (`at`: a row's time, newest first). */
export function keepOlder<P extends Paged<{ id: string }>>(first: P, loaded: P | undefined, pageSize: number, at: (r: P['rows'][number]) => string): P {
	if (!loaded || loaded.rows.length <= pageSize || loaded.accountId !== first.accountId) return first;
	const seen = new Set(first.rows.map((r) => r.id));
	const last = first.rows.at(-1);
	const older = loaded.rows.filter((r) => !seen.has(r.id) && (!last || at(r) <= at(last)));
	return { ...first, rows: [...first.rows, ...older], nextCursor: older.length ? loaded.nextCursor : first.nextCursor };
}

/** "Load more" for `list` (LoadMore.svelte shows it): asks for the page after its cursor and appends it; says why when it cannot. */
export function moreLoader<P extends Paged<unknown>>(list: Live<P>, ask: (current: P, cursor: string) => Promise<P>) {
	let loading = $state(false);
	let error = $state<string | null>(null);
	return {
		get loading() {
			return loading;
		},
		get error() {
			return error;
		},
		/** Whether another page follows. */
		get more() {
			return Boolean(list.data?.nextCursor);
		},
		async loadMore() {
			const current = list.data;
			if (!current?.nextCursor) return;
			const key = list.key;
			loading = true;
			error = null;
			try {
				const next = await ask(current, current.nextCursor);
				// Another account or filter since: these rows belong to a list no longer shown.
				if (list.key !== key) return;
				list.set({ ...current, rows: [...current.rows, ...next.rows], nextCursor: next.nextCursor });
			} catch (e) {
				if (list.key === key) error = errorMessage(e);
			} finally {
				loading = false;
			}
		}
	};
}
