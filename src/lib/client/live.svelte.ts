// A piece of server data as the page shows it: the snapshot saved on this device at once, then
// the network's answer (saved again), with its age whenever it could not be refreshed.
import { untrack } from 'svelte';
import { onRefresh } from './refresh.svelte';
import { session, sessionExpired } from './session.svelte';
import { readSnapshot, writeSnapshot } from './storage';
import { errorMessage, isNetworkError, isUnauthorized } from './errors';
import { answerOrder } from './answer-order';

export type LiveStatus = 'waiting' | 'loading' | 'fresh' | 'offline' | 'error';

export interface Live<T> {
	readonly data: T | undefined;
	/** When the shown data came from the server (ms since epoch), null before any. */
	readonly updatedAt: number | null;
	readonly status: LiveStatus;
	readonly error: string | null;
	/** The snapshot's key the data belongs to (null while unknown). */
	readonly key: string | null;
	/**
	 * Nothing to show and nothing on its way: this device has no saved copy (it was read) and the
	 * last request failed (offline, or the server's error), or nobody was ever signed in here and the
	 * device is offline (session `no-data`). The page says so (Unavailable.svelte) instead of showing
	 * skeletons, until a request answers.
	 */
	readonly unavailable: boolean;
	refresh(): Promise<void>;
	/** Replaces the data with a newer answer the page got otherwise (e.g. after a mutation). */
	set(data: T): void;
}

/**
 * `key` names the snapshot (null while its inputs are not known yet, e.g. the account); it is
 * re-read whenever the signed-in user or the key changes. Call during component initialisation.
 */
export function live<T>(key: () => string | null, fetcher: () => Promise<T>): Live<T> {
	let data = $state.raw<T | undefined>(undefined);
	let updatedAt = $state<number | null>(null);
	let status = $state<LiveStatus>('waiting');
	let error = $state<string | null>(null);
	/** The device's saved copy for the current key was looked for (whether or not there was one). */
	let read = $state(false);
	// A new key (another account, filter or user) drops every answer for the previous one; among
	// the answers for one key, a late answer to an earlier request is dropped (answer-order.ts).
	let generation = 0;
	const answers = answerOrder();
	let current: { userId: string; key: string } | null = null;

	async function refresh() {
		const target = current;
		if (!target) return;
		const mine = generation;
		const request = answers.send();
		// Trying again after a failure is not loading: a page that said it has nothing keeps saying so.
		if (data === undefined && !error) status = 'loading';
		try {
			const fresh = await fetcher();
			if (mine !== generation || !answers.take(request)) return;
			const at = Date.now();
			data = fresh;
			updatedAt = at;
			status = 'fresh';
			error = null;
			// The answer is plain data (never a $state proxy: `data` is raw), so it is saved as it is.
			await save(target, fresh, at);
		} catch (e) {
			if (mine !== generation || !answers.take(request)) return;
			if (isUnauthorized(e)) return sessionExpired(e);
			status = isNetworkError(e) ? 'offline' : 'error';
			error = errorMessage(e);
		}
	}

	/**
	 * Saves `value` as `target`'s snapshot in a task after the one that renders it: the copy IndexedDB
	 * makes is not added to the render's task (issue 16: tasks over 50 ms block a tap). Nothing is
	 * written once that user is no longer signed in (a sign-out wipes the device).
	 */
	async function save(target: { userId: string; key: string }, value: unknown, at: number) {
		await new Promise((resolve) => setTimeout(resolve, 0));
		if (session.user?.id === target.userId) await writeSnapshot(target.userId, target.key, value, at);
	}

	// The key and the user as values: an answer that gives the page a new object with the same key
	// (the settings a refresh after every action reads again) keeps the data shown, which the next
	// answer updates in place. Starting over blanked it: the page emptied and redrew its lists.
	const userKey = $derived(session.user?.id);
	const snapshotKey = $derived(key());

	$effect(() => {
		const userId = userKey;
		const k = snapshotKey;
		generation++;
		const mine = generation;
		data = undefined;
		updatedAt = null;
		status = 'waiting';
		error = null;
		read = false;
		current = userId && k ? { userId, key: k } : null;
		if (!current) return;
		const target = current;
		// The saved copy shows while the network answers; the network does not wait for it.
		void readSnapshot<T>(target.userId, target.key)
			.catch(() => undefined)
			.then((saved) => {
				if (mine !== generation) return;
				read = true;
				if (!saved || data !== undefined) return;
				data = saved.data;
				updatedAt = saved.updatedAt;
			});
		untrack(() => void refresh()); // what refresh reads and writes is not what this effect follows
	});

	$effect(() => onRefresh(refresh));

	return {
		get data() {
			return data;
		},
		get updatedAt() {
			return updatedAt;
		},
		get status() {
			return status;
		},
		get error() {
			return error;
		},
		get key() {
			return current?.key ?? null;
		},
		get unavailable() {
			// `error` is set exactly while the last request failed (offline, or the server's error).
			return data === undefined && (session.status === 'no-data' || (read && error !== null));
		},
		refresh,
		set(value: T) {
			answers.supersede();
			data = value;
			const at = Date.now();
			updatedAt = at;
			status = 'fresh';
			if (current) void save(current, $state.snapshot(value), at);
		}
	};
}

/**
 * Whether a read has its answer (saved or fresh), or has none coming (the page says so instead): what
 * a block waits for to be laid out when its size depends on the data, so that nothing moves after.
 */
export function settled(source: Pick<Live<unknown>, 'data' | 'unavailable'>): boolean {
	return source.data !== undefined || source.unavailable;
}
