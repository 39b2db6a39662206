import type { Db } from '../db';
import type { Mailer } from '../mail';
import { balanceChanges } from '../live/balance-changes';
import { evaluateAlerts } from './evaluate';

/**
 * Runs `run(key)` after a key is poked, at most once at a time per key: pokes that arrive while
 * it waits are absorbed, and pokes during a run cause exactly one more run afterwards. A burst of
 * consumes on one account costs one or two evaluations, not one per consume.
 */
export function coalescePerKey(run: (key: string) => Promise<void>, delayMs: number) {
	const waiting = new Map<string, ReturnType<typeof setTimeout>>();
	const running = new Map<string, Promise<void>>();
	const again = new Set<string>();
	let stopped = false;
	const start = (key: string) => {
		waiting.delete(key);
		running.set(
			key,
			run(key).finally(() => {
				running.delete(key);
				if (again.delete(key)) poke(key);
			})
		);
	};
	function poke(key: string) {
		if (stopped) return;
		if (running.has(key)) again.add(key);
		else if (!waiting.has(key)) waiting.set(key, setTimeout(() => start(key), delayMs));
	}
	return {
		poke,
		/** Drops what waits and resolves once the runs under way have finished. */
		async stop() {
			stopped = true;
			for (const t of waiting.values()) clearTimeout(t);
			waiting.clear();
			again.clear();
			await Promise.all(running.values());
		}
	};
}

/**
 * Watches every committed balance change in this process (one LISTEN, shared with the live
 * streams) and evaluates the changed accounts' alerts. Each app process runs one; the dedupe
 * key keeps their alerts single. Returns the stop function.
 */
export async function startAlerts(db: Db, opts: { mailer?: Mailer; delayMs?: number } = {}): Promise<() => Promise<void>> {
	const queue = coalescePerKey(
		(accountId) =>
			evaluateAlerts(db, accountId, { mailer: opts.mailer })
				.then(() => undefined)
				.catch((e) => console.error(`[alerts] evaluating ${accountId} failed`, e)),
		opts.delayMs ?? 250
	);
	const unsubscribe = await balanceChanges(db).subscribeAll(queue.poke);
	return () => {
		unsubscribe();
		return queue.stop();
	};
}
