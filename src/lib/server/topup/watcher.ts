import type { Db } from '../db';
import { logFailure } from '../log';
import { balanceChanges } from '../ledger';
import { batchKeys } from '../alerts/watcher';
import { accountsWithRules, checkTopup } from './claim';

/**
 * Watches every committed balance change in this process and checks the auto top-up rule of each
 * changed account that has one on: the crossing claims its top-up at once and queues the charge
 * job. Each app process runs one; the claim's row lock keeps their top-ups single (claim.ts).
 * The `topup.check` job catches what a process missed (a notice lost while the LISTEN was down).
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
