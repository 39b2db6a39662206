/**
 * Each scheduled job's name and what it does, in the admin's words (the Jobs page). Every job the
 * app runs has an entry (tests/unit/job-words.test.ts); the page shows a job's key beside them.
 */
export const jobWords: Record<string, { name: string; does: string }> = {
	'ledger.sweep': { name: 'Expiry sweep', does: 'Expires holds and lots that are due' },
	'ledger.figures': { name: 'Users list figures', does: 'Refreshes the balance, use and last use the users list sorts by' },
	'ledger.rollover': { name: 'Allowance rollover', does: 'Rolls unused free tokens over when a period ends' },
	'accounts.rate-limit-sweep': { name: 'Rate limit sweep', does: 'Forgets ended sign-in and sign-up counters' },
	'schedule.prune': { name: 'Schedule clean-up', does: 'Forgets one-off jobs that ended two weeks ago' },
	'webhooks.deliver': { name: 'Webhook delivery', does: 'Sends the webhooks that are due' },
	'mail.send': { name: 'Mail', does: 'Sends one mail' },
	'push.send': { name: 'Push', does: 'Sends one push message to one device' },
	'alerts.evaluate': { name: 'Alert catch-up', does: 'Checks the alert steps of balances changed while no process listened' },
	'anomalies.check': { name: 'Anomaly check', does: "Compares recent use with each account's baseline and opens flags" },
	'topup.check': { name: 'Auto top-up check', does: 'Checks the auto top-up rules for crossings a process missed' },
	'topup.charge': { name: 'Auto top-up charge', does: 'Charges one claimed top-up, or sends its one-tap notice' }
};
