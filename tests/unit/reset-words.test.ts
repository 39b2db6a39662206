import { describe, expect, it } from 'vitest';
import { resetsMovedWords } from '../../src/lib/server/alerts/reset-notices';

describe('the notice of a new time zone for free allowances', () => {
	it('names each zone as the app does, not by its IANA id', () => {
		const words = resetsMovedWords({
			was: { timeZone: 'UTC', weekStart: 1 },
			now: { timeZone: 'America/New_York', weekStart: 1 },
			periods: [{ period: 'daily', next: '2026-12-07T05:00:00.000Z' }]
		});
		expect(words.title).toBe('Your free allowances now reset at 00:00 New York time (UTC−5)');
		expect(words.body).toBe('They reset at 00:00 UTC before. The next reset is Dec 7, 2026, 00:00 New York time (UTC−5).');
		expect(resetsMovedWords({ was: { timeZone: 'America/New_York', weekStart: 1 }, now: { timeZone: 'Europe/Berlin', weekStart: 1 }, periods: [{ period: 'weekly', next: '2026-12-06T23:00:00.000Z' }], teamName: 'Acme Studio' })).toEqual({
			title: "Acme Studio's free allowances now reset on Mondays at 00:00 Berlin time (UTC+1)",
			body: 'They reset on Mondays at 00:00 New York time (UTC−5) before. The next reset is Dec 7, 2026, 00:00 Berlin time (UTC+1).'
		});
	});
});
