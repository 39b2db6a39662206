import { enqueue, type JobDefinition } from './jobs';
import type { Db, Executor } from '../db/client';
import { subscribeDomainEvents } from '../domain-events';
import { pruneJobs } from './view';
import { nextLotExpiry, refreshAccountFigures, rollOver, sweepExpired } from '../ledger';
import { forgetEndedRateLimits } from '../accounts';
import { mailJob } from '../mail/job';
import { webhookDeliveryJob } from '../webhooks';
import { anomalyJob } from '../anomalies';
import { topupJobs } from '../topup';
import { pushJob } from '../alerts/push';
import { alertCatchUpJob } from '../alerts/catch-up';
import { allowanceChangeJob } from '../alerts/allowance-notices';
import { allowanceResetsJob, poolResetsJob } from '../alerts/reset-notices';

/** The seconds of expiries this process has already asked a sweep for (pruned as they pass). */
const sweepsAsked = new WeakMap<Executor, Set<number>>();

/**
 * Asks for the ledger's sweep (a one-off `ledger.sweep`) at the first whole second after `expiresAt`
 * (a hold's or a lot's), so what expired is recorded within about a second (the runners look for
 * due jobs every second) rather than at the next minute's sweep, which stays the backstop: an
 * expired hold's tokens leave `held`, and an expired lot's loss reaches the statement, which the
 * balances already leave it out of. Expiries in the same second share one job (its key), and this
 * process asks for each second once.
 */
export async function sweepAtExpiry(exec: Executor, expiresAt: Date): Promise<void> {
	const second = Math.ceil(expiresAt.getTime() / 1000);
	let asked = sweepsAsked.get(exec);
	if (!asked) sweepsAsked.set(exec, (asked = new Set()));
	if (asked.has(second)) return;
	const now = Date.now() / 1000;
	for (const s of asked) if (s < now) asked.delete(s);
	asked.add(second);
	await enqueue(exec, 'ledger.sweep', null, { key: `expiry:${second}`, runAt: new Date(second * 1000), maxAttempts: 1 });
}

/**
 * The sweep's run: expires what is due, then asks for a run at the next lot expiry before its next
 * routine run (`checkSeconds` away), which does the same for the one after. A hold asks for its own
 * when it is made (POST /api/v1/holds), a lot granted to expire sooner than a routine run away when
 * it is granted (`sweepAtNewLotExpiries`).
 */
async function sweep(db: Db, checkSeconds: number): Promise<number> {
	const touched = await sweepExpired(db);
	const next = await nextLotExpiry(db.orm, new Date(Date.now() + checkSeconds * 1000));
	if (next) await sweepAtExpiry(db.orm, next);
	return touched;
}

/**
 * Subscribes the schedule to the ledger's new lots (`grant.created`, domain-events.ts): a lot that
 * expires sooner than the sweep's next routine run (`checkSeconds` away, when that run would look
 * for it), unlimited use until a date too, asks for a sweep at its expiry, in the grant's transaction. Every path that makes a lot
 * announces it (an admin's bonus, a REST grant, a campaign, a referral, the store, a rollover), so
 * none waits for the routine run; lots are otherwise ended at once (`endLots` records the loss then).
 * Once per process at start-up; returns the unsubscribe function.
 */
export function sweepAtNewLotExpiries(checkSeconds = CHECK_SECONDS): () => void {
	return subscribeDomainEvents(async (exec, event) => {
		const { expires_at: expiresAt } = event.data;
		if (event.type !== 'grant.created' || typeof expiresAt !== 'string') return;
		const at = new Date(expiresAt);
		if (at.getTime() <= Date.now() + checkSeconds * 1000) await sweepAtExpiry(exec, at);
	});
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
		{ name: 'ledger.sweep', everySeconds: CHECK_SECONDS, run: ({ db }) => sweep(db, checkSeconds) },
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
		alertCatchUpJob(),
		allowanceChangeJob(),
		allowanceResetsJob(),
		poolResetsJob()
	];
	return jobs.map((j) => (j.everySeconds === CHECK_SECONDS ? { ...j, everySeconds: checkSeconds } : j));
}
