// A long list renders in steps: the rows of the first screen in the task that brings the data, the
// rest a few at a time in later tasks, each after a frame was painted. A page of 50 rows in one task
// is 150–250 ms on a phone (4× CPU in Lighthouse's terms), during which a tap waits (issue 16: no
// task over 50 ms); in steps the first screen paints sooner and no task is long.

/** Rows rendered at once: more than a phone or a 1280×800 window shows, so nothing on screen moves. */
export const FIRST_ROWS = 20;
/** Rows added per later task. */
export const STEP_ROWS = 15;

/**
 * The part of `rows()` to render now (`.rows`): its first `first` rows at once, then `step` more
 * after each painted frame until all are shown. Once grown, it stays grown: a list replaced later
 * (a refresh, another filter, "Load more") renders whole. Call during component initialisation.
 */
export function staged<R>(rows: () => readonly R[], first = FIRST_ROWS, step = STEP_ROWS): { readonly rows: readonly R[] } {
	let limit = $state(first);
	const all = $derived(rows());
	$effect(() => {
		if (all.length <= limit) return;
		// A frame, then a task: the step comes after the paint, not inside the frame that paints.
		let timer: ReturnType<typeof setTimeout> | undefined;
		const frame = requestAnimationFrame(() => (timer = setTimeout(() => (limit += step))));
		return () => {
			cancelAnimationFrame(frame);
			clearTimeout(timer);
		};
	});
	return {
		get rows() {
			return all.length <= limit ? all : all.slice(0, limit);
		}
	};
}
