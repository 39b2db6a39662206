// @vitest-environment browser-state
// A long list shows a screenful at once and the rest a slice per task: a new list starts over, rows
// appended to the same list unfold from where it was, and an edited row does not fold it again.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { unfold } from './unfold.svelte';
import { mounted } from '../../../tests/helpers/component.svelte';

const rowsOf = (from: number, n: number, tag = '') => Array.from({ length: n }, (_, i) => ({ id: from + i, tag }));
type Row = { id: number; tag: string };

let unmount = () => {};
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
	unmount();
	vi.useRealTimers();
});

/** A list held in state, shown through unfold (3 at once, then 2 a task). */
function shownList(initial: Row[]) {
	const m = mounted(() => {
		let rows = $state.raw(initial);
		const view = unfold(() => rows, (r) => r.id, { first: 3, step: 2 });
		return { view, set: (next: Row[]) => (rows = next) };
	});
	unmount = m.unmount;
	return m.value;
}

/** Runs the next task (a slice), then the effects it caused; the ids shown after it. */
function nextTask(view: { rows: readonly Row[] }) {
	vi.advanceTimersToNextTimer();
	flushSync();
	return view.rows.map((r) => r.id);
}

describe('unfold', () => {
	it('shows the first rows at once, then a slice per task until all show, and no task after', () => {
		const { view } = shownList(rowsOf(1, 8));
		expect(view.rows.map((r) => r.id)).toEqual([1, 2, 3]);
		expect(nextTask(view)).toEqual([1, 2, 3, 4, 5]);
		expect(nextTask(view)).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(nextTask(view)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('shows a short list whole, with no task scheduled', () => {
		const { view } = shownList(rowsOf(1, 3));
		expect(view.rows.map((r) => r.id)).toEqual([1, 2, 3]);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('starts a new list (another first row) over, in the same render, and unfolds appended rows from where it was', () => {
		const list = shownList(rowsOf(1, 5));
		nextTask(list.view);
		expect(list.view.rows).toHaveLength(5);
		// A filter changed: the new list shows its first 3, never all 6 at once.
		list.set(rowsOf(100, 6));
		expect(list.view.rows.map((r) => r.id)).toEqual([100, 101, 102]);
		flushSync();
		expect(nextTask(list.view)).toEqual([100, 101, 102, 103, 104]);
		expect(nextTask(list.view)).toHaveLength(6);
		// Load more: the same list, longer; what showed stays, the rest unfolds.
		list.set([...rowsOf(100, 6), ...rowsOf(106, 4)]);
		flushSync();
		expect(list.view.rows.length).toBeGreaterThanOrEqual(6);
		expect(nextTask(list.view)).toHaveLength(9);
		expect(nextTask(list.view)).toHaveLength(10);
	});

	it('keeps what shows when a row is edited in place (new objects, the same keys)', () => {
		const list = shownList(rowsOf(1, 6));
		nextTask(list.view);
		list.set(rowsOf(1, 6, 'edited'));
		flushSync();
		expect(list.view.rows.map((r) => [r.id, r.tag])).toEqual(rowsOf(1, 5, 'edited').map((r) => [r.id, r.tag]));
	});
});
