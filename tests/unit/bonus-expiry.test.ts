import { describe, expect, it } from 'vitest';
import { bonusExpiryWords, readBonusExpiry } from '../../src/lib/client/admin/bonus-expiry';

describe('a bonus’s expiry day in the console’s forms: a day of the site’s calendar', () => {
	const now = new Date('2026-12-02T15:00:00Z');

	it('is sent as the day picked (the server makes the instant), or never', () => {
		expect(readBonusExpiry('', 'Europe/Berlin', now)).toEqual({ ok: true, expiresOn: null });
		expect(readBonusExpiry('2026-12-12', 'Europe/Berlin', now)).toEqual({ ok: true, expiresOn: '2026-12-12' });
		// Today is still a day to pick: it ends tonight in the site's zone.
		expect(readBonusExpiry('2026-12-02', 'Europe/Berlin', now)).toEqual({ ok: true, expiresOn: '2026-12-02' });
	});

	it('refuses a day already over in the site’s zone, before anything is sent', () => {
		const past = { ok: false, error: 'The expiry must be in the future: pick today or a later day, or leave it empty for never.' };
		expect(readBonusExpiry('2020-01-01', 'Europe/Berlin', now)).toEqual(past);
		expect(readBonusExpiry('2026-12-01', 'Europe/Berlin', now)).toEqual(past);
		// At 15:00 UTC it is already Dec 3 in Tokyo (from 15:00) and Kiritimati (UTC+14): Dec 2 is over there, not in Berlin.
		expect(readBonusExpiry('2026-12-02', 'Asia/Tokyo', now)).toEqual(past);
		expect(readBonusExpiry('2026-12-02', 'Pacific/Kiritimati', now)).toEqual(past);
		expect(readBonusExpiry('not a day', 'Europe/Berlin', now)).toEqual({ ok: false, error: 'Pick a day from the calendar, or leave it empty for never.' });
		expect(readBonusExpiry('2026-02-30', 'Europe/Berlin', now)).toMatchObject({ ok: false });
	});

	it('names the day picked and the site’s zone, whatever zone this device is in', () => {
		expect(bonusExpiryWords('2026-12-12', 'Europe/Berlin', now)).toBe('The tokens expire at the end of Dec 12, 2026, Berlin time (UTC+1).');
		expect(bonusExpiryWords('2026-12-12', 'Asia/Tokyo', now)).toBe('The tokens expire at the end of Dec 12, 2026, Tokyo time (UTC+9).');
		// The offset of that day, not of today: Berlin's summer time in July.
		expect(bonusExpiryWords('2027-07-01', 'Europe/Berlin', now)).toBe('The tokens expire at the end of Jul 1, 2027, Berlin time (UTC+2).');
		expect(bonusExpiryWords('2026-12-12', 'UTC', now)).toBe('The tokens expire at the end of Dec 12, 2026, UTC.');
		// Until Settings has said the site's zone: the site's time, not a zone it may not be.
		expect(bonusExpiryWords('2026-12-12', null, now)).toMatch(/^The tokens expire at the end of Dec 1[23], 2026, the site's time\.$/);
	});

	it('says never for no day, and nothing for a day the field refuses', () => {
		expect(bonusExpiryWords('', 'Europe/Berlin', now)).toBe('With no expiry date the tokens never expire.');
		expect(bonusExpiryWords('2020-01-01', 'Europe/Berlin', now)).toBe('');
		expect(bonusExpiryWords('not a day', 'Europe/Berlin', now)).toBe('');
	});
});
