import { describe, expect, it } from 'vitest';
import { appJobs } from '../../src/lib/server/schedule/app-jobs';
import { jobCadence, jobWords } from '../../src/lib/job-words';

describe('the Jobs page’s words', () => {
	it('name every job the app runs and say what it does, and no job it no longer runs', () => {
		const names = appJobs().map((j) => j.name);
		expect(names.filter((n) => !jobWords[n]?.name || !jobWords[n]?.does)).toEqual([]);
		expect(Object.keys(jobWords).filter((n) => !names.includes(n))).toEqual([]);
	});

	it('say the expiry sweep runs about a second after each expiry, the routine run its fallback, not only "every 1 min"', () => {
		expect(jobCadence({ name: 'ledger.sweep', everySeconds: 60, attempts: 0 })).toBe('about a second after each hold or lot expires, and every minute as the fallback');
		expect(jobCadence({ name: 'ledger.rollover', everySeconds: 60, attempts: 0 })).toBe('every minute');
		expect(jobCadence({ name: 'accounts.rate-limit-sweep', everySeconds: 600, attempts: 0 })).toBe('every 10 min');
		expect(jobCadence({ name: 'schedule.prune', everySeconds: 3600, attempts: 0 })).toBe('every hour');
		expect(jobCadence({ name: 'mail.send', everySeconds: null, attempts: 2 })).toBe('one-off, tried 2 times');
		expect(jobCadence({ name: 'mail.send', everySeconds: null, attempts: 1 })).toBe('one-off, tried once');
		// A one-off job waiting for its time (the allowance reset notices, 5 minutes after a zone change): not "try 0".
		expect(jobCadence({ name: 'alerts.allowance-resets', everySeconds: null, attempts: 0 })).toBe('one-off, not run yet');
	});
});
