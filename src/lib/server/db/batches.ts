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
}

/**
 * A batcher per database: `submit(exec, item)` resolves with the item's outcome from
 * `run(exec, items)`, which answers every item of a batch in order. When `run` throws (the
 * database is unreachable) every item of that batch rejects with its error.
 */
export function batcher<I, O>(run: (exec: Executor, items: I[]) => Promise<Outcome<O>[]>, options: () => BatchOptions) {
	const queues = new WeakMap<Executor, Queue<I, O>>();

	const pump = (exec: Executor, q: Queue<I, O>): void => {
		if (q.inFlight >= options().inFlight) return; // the batch that ends next pumps again
		if (options().gather === 'turn' && q.inFlight > 0) {
			q.gathering ??= setImmediate(() => {
				q.gathering = null;
				sendWhileFree(exec, q);
			});
		} else sendWhileFree(exec, q);
	};

	const sendWhileFree = (exec: Executor, q: Queue<I, O>): void => {
		while (q.inFlight < options().inFlight && q.waiting.length > 0) send(exec, q);
	};

	const send = (exec: Executor, q: Queue<I, O>): void => {
		const o = options();
		const share = o.share === 'even' ? Math.ceil((q.waiting.length + q.flying) / o.inFlight) : o.maxBatch;
		const batch = q.waiting.splice(0, Math.min(o.maxBatch, share));
		q.inFlight++;
		q.flying += batch.length;
		void settle(exec, batch).finally(() => {
			q.inFlight--;
			q.flying -= batch.length;
			if (q.waiting.length > 0) pump(exec, q);
		});
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
		if (!queue) queues.set(exec, (queue = { waiting: [], inFlight: 0, flying: 0, gathering: null }));
		const q = queue;
		return new Promise<O>((resolve, reject) => {
			q.waiting.push({ item, resolve, reject });
			pump(exec, q);
		});
	};
}
