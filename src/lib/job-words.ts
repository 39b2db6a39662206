/**
 * Each scheduled job's name and what it does, in the admin's words (the Jobs page). Every job the
 * app runs has an entry (tests/unit/job-words.test.ts); the page shows a job's key beside them.
 * `asked`: when the app asks for a run of its own besides the routine one, which is then the fallback.
 */
export const jobWords: Record<string, { name: string; does: string; asked?: string }> = {
	// schedule/app-jobs.ts sweepAtExpiry: a hold asks for a run at its expiry when it is made, a lot
	// when it is granted or when a run finds it next; the runners look for due jobs every second.
	'ledger.sweep': { name: 'Expiry sweep', does: 'Expires holds and lots that are due', asked: 'about a second after each hold or lot expires' },
	'ledger.figures': { name: 'Users list figures', does: 'Refreshes the balance, use and last use the users list sorts by' },
	'ledger.rollover': { name: 'Allowance rollover', does: 'Rolls unused free tokens over when a period ends' },
	'accounts.rate-limit-sweep': { name: 'Rate limit sweep', does: 'Forgets ended sign-in and sign-up counters' },
	'schedule.prune': { name: 'Schedule clean-up', does: 'Forgets one-off jobs that ended two weeks ago' },
	'webhooks.deliver': { name: 'Webhook delivery', does: 'Sends the webhooks that are due' },
	'mail.send': { name: 'Mail', does: 'Sends one mail' },
	'push.send': { name: 'Push', does: 'Sends one push message to one device' },
	'alerts.evaluate': { name: 'Alert catch-up', does: 'Checks the alert steps of balances changed while no process listened' },
	'alerts.allowance-change': { name: 'Allowance change notices', does: 'Tells up to 500 members whose free allowance a change of the Limits altered, then queues the rest' },
	'alerts.allowance-resets': { name: 'Allowance reset notices', does: 'Tells up to 500 members whose free allowances now reset at another time (a new time zone or week start), then queues the rest' },
	'alerts.pool-allowance-resets': { name: 'Team pool reset notices', does: "Tells the owners and admins of up to 100 team pools whose free allowances now reset at another time (a new time zone or week start), then queues the rest" },
	'anomalies.check': { name: 'Anomaly check', does: "Compares recent use with each account's baseline and opens flags" },
	'topup.check': { name: 'Auto top-up check', does: 'Checks the auto top-up rules for crossings a process missed' },
	'topup.charge': { name: 'Auto top-up charge', does: 'Charges one claimed top-up, or sends its one-tap notice' }
};

/** A recurring job's interval in words: "every 5 s", "every minute", "every 10 min", "every hour". */
function every(seconds: number): string {
	if (seconds < 60) return `every ${seconds} s`;
	if (seconds < 3600) return seconds === 60 ? 'every minute' : `every ${seconds / 60} min`;
	return seconds === 3600 ? 'every hour' : `every ${seconds / 3600} h`;
}

/**
 * When a job runs, as its line on the Jobs page says it: a recurring job's interval, after the runs
 * the app asks for when it asks for them (the expiry sweep); a one-off's try.
 */
export function jobCadence(job: { name: string; everySeconds: number | null; attempts: number }): string {
	// `attempts` counts the tries started: none yet reads "not run yet", never "try 0".
	if (!job.everySeconds) return `one-off, ${job.attempts === 0 ? 'not run yet' : job.attempts === 1 ? 'tried once' : `tried ${job.attempts} times`}`;
	const asked = jobWords[job.name]?.asked;
	return asked ? `${asked}, and ${every(job.everySeconds)} as the fallback` : every(job.everySeconds);
}
