import type { Db } from '../db';
import { logFailure } from '../log';
import { balanceChanges } from '../ledger';
import { accountsToAlert, evaluateAlerts } from './evaluate';

/**
 * Runs `run(keys)` with the keys poked during the last `delayMs`, one batch at a time: keys poked
 * while a batch runs go into the next one. A burst of consumes on one account, or on thousands
 * of accounts, costs one batch, not one evaluation per consume.
 */
export function batchKeys(run: (keys: string[]) => Promise<void>, delayMs: number) {
	const waiting = new Set<string>();
	let timer: ReturnType<typeof setTimeout> | null = null;
	let running: Promise<void> | null = null;
	let stopped = false;
	const schedule = () => {
		if (!stopped && !timer && !running && waiting.size) timer = setTimeout(start, delayMs);
	};
	const start = () => {
		timer = null;
		const keys = [...waiting];
		waiting.clear();
		running = run(keys).finally(() => {
			running = null;
			schedule();
		});
	};
	return {
		poke(key: string) {
			if (stopped) return;
			waiting.add(key);
			schedule();
		},
		/** Drops what waits and resolves once the batch under way has finished. */
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = null;
			waiting.clear();
			await running;
		}
	};
}

/**
 * Watches every committed balance change, whichever process made it (one LISTEN, shared with the
 * live streams), and evaluates the alerts of the changed accounts whose level moved for someone.
 * One app process at a time runs it (hooks.server.ts, db.runInOneProcess): in each, it read every
 * change's figures once per process. The dedupe key keeps alerts single while a handover overlaps.
 * Returns the stop function.
 */
export async function startAlerts(db: Db, opts: { delayMs?: number } = {}): Promise<() => Promise<void>> {
	const queue = batchKeys(async (accountIds) => {
		try {
			// Most changes cross nobody's threshold: two reads for the whole batch find the few that do.
			for (const accountId of await accountsToAlert(db.orm, accountIds)) {
				await evaluateAlerts(db, accountId).catch((e) => logFailure('alerts', `evaluating ${accountId} failed`, e));
			}
		} catch (e) {
			logFailure('alerts', `checking ${accountIds.length} account(s) failed`, e);
		}
	}, opts.delayMs ?? 250);
	const unsubscribe = await balanceChanges(db).subscribeAll(queue.poke);
	return () => {
		unsubscribe();
		return queue.stop();
	};
}
