import type { JobDefinition } from './jobs';
import { pruneJobs } from './view';
import { refreshAccountFigures, rollOver, sweepExpired } from '../ledger';
import { forgetEndedRateLimits } from '../accounts';
import { mailJob } from '../mail/job';
import { webhookDeliveryJob } from '../webhooks';
import { anomalyJob } from '../anomalies';
import { topupJobs } from '../topup';
import { pushJob } from '../alerts/push';
import { alertCatchUpJob } from '../alerts/catch-up';

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
