import { describe, expect, it, vi } from 'vitest';
import { batcher, type Outcome } from '../../src/lib/server/db/batches';
import type { Executor } from '../../src/lib/server/db/client';

// The scheduling of db/batches.ts, with a `run` the test controls: when a batch leaves, what it
// carries, and whose promise each answer settles. (The SQL behind each use is tested with it.)
const db = {} as Executor;

/** A run that records each batch and answers it only when the test says so. */
function controlled() {
	const batches: { items: number[]; answer: (outcomes?: Outcome<string>[]) => void; fail: (e: unknown) => void }[] = [];
	const run = (_exec: Executor, items: number[]) =>
		new Promise<Outcome<string>[]>((resolve, reject) => {
			batches.push({ items, answer: (o) => resolve(o ?? items.map((i) => ({ ok: true, value: `answer ${i}` }))), fail: reject });
		});
	return { batches, run };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('batches', () => {
	it('sends an item at once when nothing is in flight, and gathers what arrives meanwhile into the next batch', async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 1, gather: 'none', maxBatch: 10, share: 'all' }));
		const first = submit(db, 1);
		expect(batches.map((b) => b.items)).toEqual([[1]]);
		const later = [2, 3, 4].map((i) => submit(db, i));
		await tick();
		expect(batches).toHaveLength(1); // they wait for the batch in flight
		batches[0]!.answer();
		expect(await first).toBe('answer 1');
		await tick();
		expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
		batches[1]!.answer();
		expect(await Promise.all(later)).toEqual(['answer 2', 'answer 3', 'answer 4']);
	});

	it('never adds an item to a batch already sent: it goes in the next one', async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 2, gather: 'none', maxBatch: 10, share: 'all' }));
		void submit(db, 1);
		void submit(db, 2);
		const third = submit(db, 3);
		expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
		batches[1]!.answer();
		await tick();
		expect(batches.map((b) => b.items)).toEqual([[1], [2], [3]]);
		batches[2]!.answer();
		expect(await third).toBe('answer 3');
	});

	it('keeps batches within maxBatch and answers each item in its order', async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 1, gather: 'none', maxBatch: 3, share: 'all' }));
		void submit(db, 0);
		const rest = [1, 2, 3, 4, 5].map((i) => submit(db, i));
		batches[0]!.answer();
		await tick();
		batches[1]!.answer();
		await tick();
		batches[2]!.answer();
		expect(batches.map((b) => b.items)).toEqual([[0], [1, 2, 3], [4, 5]]);
		expect(await Promise.all(rest)).toEqual([1, 2, 3, 4, 5].map((i) => `answer ${i}`));
	});

	it('gives one item its own error and its neighbours their answers; a batch that fails fails its items only', async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 1, gather: 'none', maxBatch: 10, share: 'all' }));
		const a = submit(db, 1);
		batches[0]!.fail(new Error('connection lost'));
		await expect(a).rejects.toThrow('connection lost');
		const blocker = submit(db, 0);
		const [b, c] = [submit(db, 2), submit(db, 3)];
		batches.at(-1)!.answer();
		expect(await blocker).toBe('answer 0');
		await tick();
		expect(batches.at(-1)!.items).toEqual([2, 3]);
		batches.at(-1)!.answer([{ ok: false, error: new Error('item 2 refused') }, { ok: true, value: 'answer 3' }]);
		await expect(b).rejects.toThrow('item 2 refused');
		expect(await c).toBe('answer 3');
	});

	it('rejects an item the batch gave no answer for, rather than leaving it waiting', async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 1, gather: 'none', maxBatch: 10, share: 'all' }));
		const a = submit(db, 1);
		batches[0]!.answer([]);
		await expect(a).rejects.toThrow('no answer');
	});

	it("with gather 'turn', while a batch is in flight, sends at the end of the event loop's turn everything submitted in it, with no timer", async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 2, gather: 'turn', maxBatch: 10, share: 'all' }));
		const first = submit(db, 1); // idle: at once
		expect(batches.map((b) => b.items)).toEqual([[1]]);
		const second = [2, 3].map((i) => submit(db, i));
		expect(batches).toHaveLength(1); // a slot is free, but a batch is in flight: gathering this turn
		await new Promise((r) => setImmediate(r));
		expect(batches.map((b) => b.items)).toEqual([[1], [2, 3]]);
		void submit(db, 4); // both slots taken: waits
		batches[1]!.answer();
		// The callers batch 2 answered submit again in the same turn: they leave together with 4.
		await Promise.all(second).then(() => [5, 6].map((i) => submit(db, i)));
		await new Promise((r) => setImmediate(r));
		expect(batches.map((b) => b.items)).toEqual([[1], [2, 3], [4, 5, 6]]);
		batches[0]!.answer();
		expect(await first).toBe('answer 1');
	});

	it("with gather 'turn', splits what one turn gathered into batches of maxBatch over the free slots", async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 3, gather: 'turn', maxBatch: 2, share: 'all' }));
		void submit(db, 0);
		[1, 2, 3, 4, 5].forEach((i) => void submit(db, i));
		await new Promise((r) => setImmediate(r));
		expect(batches.map((b) => b.items)).toEqual([[0], [1, 2], [3, 4]]);
		batches[1]!.answer();
		await vi.waitFor(() => expect(batches.map((b) => b.items)).toEqual([[0], [1, 2], [3, 4], [5]]));
	});

	it("with share 'even', a batch takes its share of the items out, so a burst answered together does not leave the other slot one item at a time", async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 2, gather: 'turn', maxBatch: 64, share: 'even' }));
		const first = submit(db, 1); // idle: at once
		const burst = Array.from({ length: 15 }, (_, i) => submit(db, i + 2));
		await new Promise((r) => setImmediate(r));
		// 16 out over 2 slots: 8 each. The one with item 1 still holds its slot, so 8 leave, 7 wait.
		expect(batches.map((b) => b.items.length)).toEqual([1, 8]);
		batches[0]!.answer();
		expect(await first).toBe('answer 1');
		await vi.waitFor(() => expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15, 16]]));
		batches[1]!.answer();
		batches[2]!.answer();
		expect(await Promise.all(burst)).toEqual(Array.from({ length: 15 }, (_, i) => `answer ${i + 2}`));
	});

	it("with share 'all', the next batch takes every waiting item", async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 2, gather: 'turn', maxBatch: 64, share: 'all' }));
		void submit(db, 1);
		Array.from({ length: 15 }, (_, i) => void submit(db, i + 2));
		await new Promise((r) => setImmediate(r));
		expect(batches.map((b) => b.items.length)).toEqual([1, 15]);
	});

	it('moves while other code keeps the microtask queue busy, as a loop awaiting the embedded database does (no later turn needed)', async () => {
		// A database that answers in microtasks, as PGlite does: a loop awaiting it never lets a turn end.
		const run = async (_exec: Executor, items: number[]) => items.map((i) => ({ ok: true as const, value: `answer ${i}` }));
		const submit = batcher(run, () => ({ inFlight: 2, gather: 'turn', maxBatch: 10, share: 'all' }));
		let done = false;
		const answers = Promise.all([1, 2, 3, 4].map((i) => submit(db, i))).then((a) => ((done = true), a));
		for (let spins = 0; !done && spins < 100_000; spins++) await Promise.resolve();
		expect(done).toBe(true);
		expect(await answers).toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
	});

	it('keeps one queue per database', async () => {
		const { batches, run } = controlled();
		const submit = batcher(run, () => ({ inFlight: 1, gather: 'none', maxBatch: 10, share: 'all' }));
		void submit(db, 1);
		void submit({} as Executor, 2);
		expect(batches.map((b) => b.items)).toEqual([[1], [2]]);
	});
});
