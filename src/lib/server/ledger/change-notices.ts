import type { Executor } from '../db/client';
import { isTransaction, notifyAfterCommit } from '../db/notices';

/** The NOTIFY channel of balance changes (payload: the account id); live streams and alerts listen. */
export const CHANGE_CHANNEL = 'quota_account';

/**
 * Whether a ledger SQL function should NOTIFY inside its own transaction. Inside a caller's
 * transaction it must (the notice has to wait for that commit); a call on its own commits at
 * once and is announced right after, batched with others (`noticeChange`), which keeps
 * concurrent consumes from queueing on NOTIFY's commit lock.
 */
export function notifiesInTransaction(exec: Executor): boolean {
	return isTransaction(exec);
}

/** Announces a committed change of the account to every app process (within about 10 ms). */
export function noticeChange(exec: Executor, accountId: string): void {
	notifyAfterCommit(exec, CHANGE_CHANNEL, accountId);
}
