import { z } from 'zod';
import type { Db } from '../db';
import type { JobDefinition } from '../schedule';
import { accountsChangedAfter, lastEntryId } from '../ledger';
import { logFailure } from '../log';
import { accountsToAlert, evaluateAlerts } from './evaluate';

const state = z.object({ cursor: z.number().int().nonnegative() });

export interface CatchUpOptions {
	/** Entries younger than this are left for the next run (ledger/change-log.ts). Default 120 s. */
	settleSeconds?: number;
	/** Entries read per batch (default 5000) and batches per run (default 20): a backlog is worked off over several runs. */
	batch?: number;
	maxBatches?: number;
}

/**
 * One run of `alerts.evaluate`: evaluates the alerts of every account whose balance changed since
 * the saved cursor (an entry id), batch by batch, saving the cursor after each. The NOTIFY
 * watcher (watcher.ts) is the fast path; this catches what no process heard — changes committed
 * while every app process was down or while a LISTEN was reconnecting. It never makes a second
 * alert for a crossing the watcher already alerted: an evaluation only alerts a step deeper than
 * the one recorded, under the account's lock, with a unique key per crossing (evaluate.ts). The
 * first run starts at the newest entry. Returns the accounts looked at and the alerts made.
 */
export async function catchUpAlerts(
	db: Db,
	saved: unknown,
	saveState: (s: z.infer<typeof state>) => Promise<void>,
	opts: CatchUpOptions & { signal?: AbortSignal } = {}
): Promise<{ accounts: number; alerts: number }> {
	const parsed = state.safeParse(saved);
	let cursor = parsed.success ? parsed.data.cursor : await lastEntryId(db.orm);
	if (!parsed.success) await saveState({ cursor });
	let accounts = 0;
	let alerts = 0;
	for (let batch = 0; batch < (opts.maxBatches ?? 20) && !opts.signal?.aborted; batch++) {
		const changed = await accountsChangedAfter(db.orm, cursor, { limit: opts.batch, settleSeconds: opts.settleSeconds });
		accounts += changed.accountIds.length;
		for (const accountId of await accountsToAlert(db.orm, changed.accountIds)) {
			// One account failing is logged, not retried here: its next change brings it back.
			alerts += (await evaluateAlerts(db, accountId).catch((e) => (logFailure('alerts', `catching up ${accountId} failed`, e), []))).length;
		}
		if (changed.cursor !== cursor) await saveState({ cursor: (cursor = changed.cursor) });
		if (!changed.more) break;
	}
	return { accounts, alerts };
}

/** The schedule's `alerts.evaluate` job: every minute, the catch-up above (several processes: one runs it at a time). */
export function alertCatchUpJob(opts: CatchUpOptions = {}): JobDefinition {
	return {
		name: 'alerts.evaluate',
		everySeconds: 60,
		leaseSeconds: 300,
		run: ({ db, payload, saveState, signal }) => catchUpAlerts(db, payload, saveState, { ...opts, signal })
	};
}
