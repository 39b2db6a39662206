// Figures one page asks for that another page saves too, inside its own answer (the dashboard's
// copy holds the account's summary and purchases): offline, the newer of the two saved copies
// shows, so a page never opened with a connection still shows what this device knows.
import type { Live } from './live.svelte';
import { session } from './session.svelte';
import { readSnapshot, type Snapshot } from './storage';

/**
 * `source`, showing the part `pick` takes of the snapshot saved under `key()` (null: none) while
 * that copy is newer than what `source` shows. The copy's `updatedAt` comes with it, so the page's
 * Freshness line says how old it is; `unavailable` holds only once neither has anything. The copy
 * is read once per user and key. Call during component initialisation.
 */
export function withSavedCopy<T, S>(source: Live<T>, key: () => string | null, pick: (saved: S) => T): Live<T> {
	/** undefined while the device is read; null when it holds no copy. */
	let copy = $state.raw<Snapshot<T> | null | undefined>(undefined);
	const userId = $derived(session.user?.id);
	const copyKey = $derived(key());

	$effect(() => {
		const user = userId;
		const k = copyKey;
		copy = undefined;
		if (!user || !k) return void (copy = null);
		let current = true;
		void readSnapshot<S>(user, k)
			.catch(() => undefined)
			.then((saved) => {
				if (current) copy = saved ? { data: pick(saved.data), updatedAt: saved.updatedAt } : null;
			});
		return () => (current = false);
	});

	const shown = $derived(copy && (source.updatedAt ?? -Infinity) < copy.updatedAt ? copy : null);

	return {
		get data() {
			return shown ? shown.data : source.data;
		},
		get updatedAt() {
			return shown ? shown.updatedAt : source.updatedAt;
		},
		get status() {
			return source.status;
		},
		get error() {
			return source.error;
		},
		get key() {
			return source.key;
		},
		get unavailable() {
			return source.unavailable && copy === null;
		},
		refresh: () => source.refresh(),
		set: (value) => source.set(value)
	};
}
