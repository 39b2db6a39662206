import type { Db } from '../db';
import { logFailure } from '../log';
import { balanceChanges } from '../ledger';
import { batchKeys } from '../alerts/watcher';
import { accountsWithRules, checkTopup } from './claim';

/**
 * Watches every committed balance change, whichever process made it, and checks the auto top-up
 * rule of each changed account that has one on: the crossing claims its top-up at once and queues
 * the charge job. One app process at a time runs it (hooks.server.ts, db.runInOneProcess); the
 * claim's row lock keeps top-ups single while a handover overlaps (claim.ts). The `topup.check` job
 * catches what no watcher heard (a notice lost while the LISTEN was down, or during a handover).
 */
export async function startTopups(db: Db, opts: { delayMs?: number } = {}): Promise<() => Promise<void>> {
	const queue = batchKeys(async (accountIds) => {
		try {
			for (const id of await accountsWithRules(db.orm, accountIds)) {
				await checkTopup(db, id).catch((e) => logFailure('topup', `checking ${id} failed`, e));
			}
		} catch (e) {
			logFailure('topup', `checking ${accountIds.length} account(s) failed`, e);
		}
	}, opts.delayMs ?? 250);
	const unsubscribe = await balanceChanges(db).subscribeAll(queue.poke);
	return () => {
		unsubscribe();
		return queue.stop();
	};
}
