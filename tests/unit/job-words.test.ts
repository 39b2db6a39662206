import { describe, expect, it } from 'vitest';
import { appJobs } from '../../src/lib/server/schedule/app-jobs';
import { jobWords } from '../../src/lib/client/admin/jobs';

describe('the Jobs page’s words', () => {
	it('name every job the app runs and say what it does, and no job it no longer runs', () => {
		const names = appJobs().map((j) => j.name);
		expect(names.filter((n) => !jobWords[n]?.name || !jobWords[n]?.does)).toEqual([]);
		expect(Object.keys(jobWords).filter((n) => !names.includes(n))).toEqual([]);
	});
});
