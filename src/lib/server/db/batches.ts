import type { Executor } from './client';

/**
 * Requests that arrive while the database is busy go to it together (DESIGN.md "Throughput"):
 * while `inFlight` batches are out, new items wait and leave together in the next one, so under
 * load one round trip (and, for writes, one commit) serves many requests. An item never joins a
 * batch that was already sent, so a batch reads what every request before it committed.
 *
 * Used by the ledger's group commit (consumes and holds) and by reads that every metering request
 * makes (an account's spendable figures, a host site's user).
 */
export interface BatchOptions {
	/** Batches in flight at once per app process and database (a batch holds one connection). */
	inFlight: number;
	/**
	 * When a batch leaves while another is in flight and a slot is free. `'turn'`: at the end of the
	 * event loop's current turn (`setImmediate`, no timer), with every item submitted during it: the
	 * requests whose data arrived together, and the next calls of the callers a batch just answered.
	 * `'none'`: at once. With nothing in flight an item always leaves at once: an idle database adds
	 * no latency, and a queue never waits on a later turn to move (the embedded database answers in
	 * microtasks, so code awaiting it in a loop can hold a turn open for as long as it runs).
	 */
	gather: 'turn' | 'none';
	/** Items per batch at most. */
	maxBatch: number;
	/**
	 * How the waiting items are shared among the free slots. `'all'`: the next batch takes every
	 * waiting item (up to maxBatch). `'even'`: a batch takes at most its share of all the items out,
	 * waiting and in flight (their number ÷ inFlight, rounded up), so that the callers of a large
	 * batch, answered in one turn while a small batch holds the other slot, do not leave together
	 * and leave that slot carrying one item at a time: the batches stay of a size and every slot's
	 * connection keeps working. What is held back leaves when the next slot frees.
	 */
	share: 'all' | 'even';
	/**
	 * Further batches in flight beyond `inFlight`: while `inFlight` or more are out, a batch takes
	 * only items whose key (the batcher's `keyOf`: the account) no batch in flight has. A batch of
	 * such accounts takes no lock another holds, so it keeps another database core busy; on one hot
	 * account it would only queue behind the lock and make the batches smaller, so there it is never
	 * formed, and the even share counts these slots only while some waiting item could use them. 0: none.
	 */
	disjointSlots?: number;
}

/** Reads batch without gathering (there is no commit to share); two in flight keep two database cores busy. */
export const READ_BATCHES: Readonly<BatchOptions> = { inFlight: 2, gather: 'none', maxBatch: 256, share: 'all' };

/** One item's answer, or the error thrown to its caller alone. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
	item: I;
	resolve: (answer: O) => void;
	reject: (e: unknown) => void;
}

interface Queue<I, O> {
	waiting: Waiting<I, O>[];
	inFlight: number;
	/** Items in the batches in flight. */
	flying: number;
	/** The end-of-turn send scheduled by gather `'turn'`. */
	gathering: ReturnType<typeof setImmediate> | null;
	/** The keys of the items in flight, with their number. */
	busy: Map<string, number>;
}

/**
 * A batcher per database: `submit(exec, item)` resolves with the item's outcome from
 * `run(exec, items)`, which answers every item of a batch in order. When `run` throws (the
 * database is unreachable) every item of that batch rejects with its error. `keyOf` names what an
 * item locks (its account), for `disjointSlots`.
 */
export function batcher<I, O>(run: (exec: Executor, items: I[]) => Promise<Outcome<O>[]>, options: () => BatchOptions, keyOf?: (item: I) => string) {
	const queues = new WeakMap<Executor, Queue<I, O>>();
	const slots = (o: BatchOptions) => o.inFlight + (keyOf ? (o.disjointSlots ?? 0) : 0);
	const free = (q: Queue<I, O>) => (w: Waiting<I, O>) => !q.busy.has(keyOf!(w.item));

	const pump = (exec: Executor, q: Queue<I, O>): void => {
		if (q.inFlight >= slots(options())) return; // the batch that ends next pumps again
		if (options().gather === 'turn' && q.inFlight > 0) {
			q.gathering ??= setImmediate(() => {
				q.gathering = null;
				sendWhileFree(exec, q);
			});
		} else sendWhileFree(exec, q);
	};

	const sendWhileFree = (exec: Executor, q: Queue<I, O>): void => {
		while (q.waiting.length > 0 && q.inFlight < slots(options()) && send(exec, q));
	};

	/** Sends the next batch; false when only a disjoint slot is free and every waiting item's key is in flight. */
	const send = (exec: Executor, q: Queue<I, O>): boolean => {
		const o = options();
		const disjoint = q.inFlight >= o.inFlight;
		// The slots the waiting items can use: the disjoint ones only when some item's key is not in flight.
		const usable = slots(o) > o.inFlight && q.waiting.some(free(q)) ? slots(o) : o.inFlight;
		const size = Math.min(o.maxBatch, o.share === 'even' ? Math.ceil((q.waiting.length + q.flying) / usable) : o.maxBatch);
		const batch = disjoint ? takeFree(q, size) : q.waiting.splice(0, size);
		if (batch.length === 0) return false;
		q.inFlight++;
		q.flying += batch.length;
		count(q, batch, 1);
		void settle(exec, batch).finally(() => {
			q.inFlight--;
			q.flying -= batch.length;
			count(q, batch, -1);
			if (q.waiting.length > 0) pump(exec, q);
		});
		return true;
	};

	/** Adds (1) or removes (-1) a batch's keys to or from those in flight. */
	const count = (q: Queue<I, O>, batch: Waiting<I, O>[], by: 1 | -1): void => {
		if (!keyOf) return;
		for (const w of batch) {
			const key = keyOf(w.item);
			const n = (q.busy.get(key) ?? 0) + by;
			if (n === 0) q.busy.delete(key);
			else q.busy.set(key, n);
		}
	};

	/** Up to `size` waiting items whose keys no batch in flight has, taken out of the queue in their order. */
	const takeFree = (q: Queue<I, O>, size: number): Waiting<I, O>[] => {
		const taken: Waiting<I, O>[] = [];
		const isFree = free(q);
		q.waiting = q.waiting.filter((w) => (taken.length < size && isFree(w) ? (taken.push(w), false) : true));
		return taken;
	};

	const settle = async (exec: Executor, batch: Waiting<I, O>[]): Promise<void> => {
		try {
			const outcomes = await run(
				exec,
				batch.map((w) => w.item)
			);
			batch.forEach((w, i) => {
				const o = outcomes[i];
				if (!o) w.reject(new Error('The batch gave no answer for this item.'));
				else if (o.ok) w.resolve(o.value);
				else w.reject(o.error);
			});
		} catch (e) {
			for (const w of batch) w.reject(e);
		}
	};

	return function submit(exec: Executor, item: I): Promise<O> {
		let queue = queues.get(exec);
		if (!queue) queues.set(exec, (queue = { waiting: [], inFlight: 0, flying: 0, gathering: null, busy: new Map() }));
		const q = queue;
		return new Promise<O>((resolve, reject) => {
			q.waiting.push({ item, resolve, reject });
			pump(exec, q);
		});
	};
}
