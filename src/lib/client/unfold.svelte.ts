// A long list shown a screenful first and the rest a slice per task, so a phone's main thread is never
// held for the whole list at once. Svelte builds a list's rows in one task: 50 audit entries (about 1,000
// elements) were a 210 ms task on Lighthouse's phone (4× CPU), the page's Total Blocking Time. A row a
// person can reach is on the page within a few frames; input is answered between the slices.

/** Rows built in the first task: about what a phone's first screen shows of a list under its page's header. */
export const FIRST_ROWS = 6;
/** Rows built in each later task: six audit entries are about 30 ms of Lighthouse's phone, under a long task's 50 (twelve were 57). */
export const STEP_ROWS = 6;

/**
 * `rows()` as a page shows it: its first `first` rows at once, then `step` more each task (a
 * `setTimeout` 0) until all show. A new list (another first row by `key`: a filter changed) starts
 * over at `first`; rows appended to the same list (Load more) or edited in place unfold from where it
 * was. Create it in a component's script (it runs an effect there); `rows` is what to render.
 */
export function unfold<T>(rows: () => readonly T[], key: (row: T) => unknown, { first = FIRST_ROWS, step = STEP_ROWS } = {}): { readonly rows: readonly T[] } {
	// How many rows show, and of which list (its first row's key): a new list shows `first` at once, in
	// the same render that brings it, not all of them until an effect notices.
	let count = $state.raw<{ head: unknown; shown: number }>({ head: undefined, shown: first });
	const headOf = (all: readonly T[]) => (all.length ? key(all[0]!) : undefined);
	const shownOf = (all: readonly T[]) => (headOf(all) === count.head ? count.shown : first);
	$effect(() => {
		const all = rows();
		const shown = shownOf(all);
		if (shown >= all.length) return;
		const next = setTimeout(() => (count = { head: headOf(all), shown: shown + step }), 0);
		return () => clearTimeout(next);
	});
	return {
		get rows() {
			const all = rows();
			const shown = shownOf(all);
			return shown >= all.length ? all : all.slice(0, shown);
		}
	};
}
