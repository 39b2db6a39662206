import type { Executor } from './client';

/**
 * Requests that arrive while the database is busy go to it together (DESIGN.md "Throughput"):
 * with no batch in flight an item goes at once (an idle database adds no latency); while
 * `inFlight` batches are out, new items wait and leave together in the next one, so under load
 * one round trip (and, for writes, one commit) serves many requests. An item never joins a batch
 * that was already sent, so a batch reads what every request before it committed.
 *
 * Used by the ledger's group commit (consumes and holds) and by reads that every metering request
 * makes (an account's spendable figures, a host site's user).
 */
export interface BatchOptions {
	/** Batches in flight at once per app process and database (a batch holds one connection). */
	inFlight: number;
	/** Milliseconds a batch smaller than `maxBatch` waits for more items while another is in flight (0: none). */
	waitMs: number;
	/** Items per batch at most. */
	maxBatch: number;
}

/** Reads batch without a wait (there is no commit to share); two in flight keep two database cores busy. */
export const READ_BATCHES: Readonly<BatchOptions> = { inFlight: 2, waitMs: 0, maxBatch: 256 };

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
	timer: ReturnType<typeof setTimeout> | null;
}

/**
 * A batcher per database: `submit(exec, item)` resolves with the item's outcome from
 * `run(exec, items)`, which answers every item of a batch in order. When `run` throws (the
 * database is unreachable) every item of that batch rejects with its error.
 */
export function batcher<I, O>(run: (exec: Executor, items: I[]) => Promise<Outcome<O>[]>, options: () => BatchOptions) {
	const queues = new WeakMap<Executor, Queue<I, O>>();

	const pump = (exec: Executor, q: Queue<I, O>): void => {
		const { inFlight, waitMs, maxBatch } = options();
		while (q.inFlight < inFlight && q.waiting.length > 0) {
			if (waitMs > 0 && q.inFlight > 0 && q.waiting.length < maxBatch) {
				q.timer ??= setTimeout(() => {
					q.timer = null;
					if (q.inFlight < options().inFlight && q.waiting.length > 0) send(exec, q);
					pump(exec, q);
				}, waitMs);
				return;
			}
			send(exec, q);
		}
	};

	const send = (exec: Executor, q: Queue<I, O>): void => {
		if (q.timer) clearTimeout(q.timer);
		q.timer = null;
		const batch = q.waiting.splice(0, options().maxBatch);
		q.inFlight++;
		void settle(exec, batch).finally(() => {
			q.inFlight--;
			pump(exec, q);
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
		if (!queue) queues.set(exec, (queue = { waiting: [], inFlight: 0, timer: null }));
		const q = queue;
		return new Promise<O>((resolve, reject) => {
			q.waiting.push({ item, resolve, reject });
			pump(exec, q);
		});
	};
}
