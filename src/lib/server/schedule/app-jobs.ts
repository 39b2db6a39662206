import { enqueue, type JobDefinition } from './jobs';
import type { Executor } from '../db/client';
import { pruneJobs } from './view';
import { refreshAccountFigures, rollOver, sweepExpired } from '../ledger';
import { forgetEndedRateLimits } from '../accounts';
import { mailJob } from '../mail/job';
import { webhookDeliveryJob } from '../webhooks';
import { anomalyJob } from '../anomalies';
import { topupJobs } from '../topup';
import { pushJob } from '../alerts/push';
import { alertCatchUpJob } from '../alerts/catch-up';

/** The seconds of hold expiries this process has already asked a sweep for (pruned as they pass). */
const sweepsAsked = new WeakMap<Executor, Set<number>>();

/**
 * Asks for the ledger's sweep (a one-off `ledger.sweep`) at the first whole second after a hold's
 * expiry, so an expired hold's tokens come back and leave `held` within about a second (the
 * runners look for due jobs every second) rather than at the next minute's sweep, which stays the
 * backstop. Holds that expire in the same second share one job (its key), and this process asks
 * for each second once.
 */
export async function sweepWhenHoldExpires(exec: Executor, expiresAt: Date): Promise<void> {
	const second = Math.ceil(expiresAt.getTime() / 1000);
	let asked = sweepsAsked.get(exec);
	if (!asked) sweepsAsked.set(exec, (asked = new Set()));
	if (asked.has(second)) return;
	const now = Date.now() / 1000;
	for (const s of asked) if (s < now) asked.delete(s);
	asked.add(second);
	await enqueue(exec, 'ledger.sweep', null, { key: `hold-expiry:${second}`, runAt: new Date(second * 1000), maxAttempts: 1 });
}

/** The interval of the routine checks (expired lots, rollovers, unusual use, the catch-ups of auto top-ups and alerts). */
const CHECK_SECONDS = 60;

/**
 * Every job of the app, in one list for start-up (the composition root of the schedule: the work
 * itself lives in its domain). Intervals are seconds between the end of a run and the next.
 * `checkSeconds` (SCHEDULE_CHECK_SECONDS) replaces the routine checks' minute: every job that runs
 * each minute runs that often instead; the others keep their own interval.
 */
export function appJobs(checkSeconds = CHECK_SECONDS): JobDefinition[] {
	const jobs: JobDefinition[] = [
		{ name: 'ledger.sweep', everySeconds: CHECK_SECONDS, run: ({ db }) => sweepExpired(db) },
		{ name: 'ledger.rollover', everySeconds: CHECK_SECONDS, leaseSeconds: 300, run: ({ db }) => rollOver(db) },
		// The admin list's figure sorts (ledger/figures-summary.ts); its cursor lives in its own table,
		// moved in the same statement as the figures it covers.
		{ name: 'ledger.figures', everySeconds: CHECK_SECONDS, leaseSeconds: 300, run: ({ db }) => refreshAccountFigures(db.orm) },
		{ name: 'accounts.rate-limit-sweep', everySeconds: 600, run: ({ db }) => forgetEndedRateLimits(db) },
		{ name: 'schedule.prune', everySeconds: 3600, run: ({ db }) => pruneJobs(db.orm) },
		webhookDeliveryJob(),
		mailJob(),
		anomalyJob(),
		...topupJobs(),
		pushJob(),
		alertCatchUpJob()
	];
	return jobs.map((j) => (j.everySeconds === CHECK_SECONDS ? { ...j, everySeconds: checkSeconds } : j));
}
