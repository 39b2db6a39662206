// SCHEDULE_CHECK_SECONDS: the routine checks (every job that runs each minute) take the configured
// interval; the jobs with an interval of their own (deliveries, sweeps, pruning) keep it.
import { describe, expect, it } from 'vitest';
import { appJobs } from '../../src/lib/server/schedule/app-jobs';

const intervals = (checkSeconds?: number) => Object.fromEntries(appJobs(checkSeconds).map((j) => [j.name, j.everySeconds ?? null]));

describe('the schedule’s routine checks', () => {
	it('run every minute by default and as often as configured, and only they change', () => {
		const byDefault = intervals();
		const minute = Object.keys(byDefault).filter((name) => byDefault[name] === 60);
		expect(minute).toEqual(expect.arrayContaining(['ledger.sweep', 'ledger.rollover', 'anomalies.check', 'topup.check', 'alerts.evaluate', 'ledger.figures']));
		const fast = intervals(5);
		for (const [name, seconds] of Object.entries(byDefault)) expect(fast[name], name).toBe(seconds === 60 ? 5 : seconds);
		expect(fast['webhooks.deliver']).toBe(2);
		expect(fast['schedule.prune']).toBe(3600);
	});
});
