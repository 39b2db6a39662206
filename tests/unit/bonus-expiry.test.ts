import { afterEach, describe, expect, it } from 'vitest';
import { bonusExpiryWords, readBonusExpiry } from '../../src/lib/client/admin/bonus-expiry';
import { appZone, dateTime, shortDate } from '../../src/lib/client/format';

describe('a bonus’s expiry day in the console’s forms', () => {
	const now = new Date('2026-12-02T15:00:00');

	it('is the end of the chosen day, on this device without a zone chosen in Settings, or never', () => {
		expect(readBonusExpiry('', now)).toEqual({ ok: true, expiresAt: null });
		expect(readBonusExpiry('2026-12-02', now)).toEqual({ ok: true, expiresAt: new Date('2026-12-02T23:59:59').toISOString() });
		expect(readBonusExpiry('2027-01-31', now)).toMatchObject({ ok: true });
	});

	it('refuses a day already over, before anything is sent (the server would refuse it after the confirm)', () => {
		const past = { ok: false, error: 'The expiry must be in the future: pick today or a later day, or leave it empty for never.' };
		expect(readBonusExpiry('2020-01-01', now)).toEqual(past);
		expect(readBonusExpiry('2026-12-01', now)).toEqual(past);
		expect(readBonusExpiry('not a day', now)).toEqual({ ok: false, error: 'Pick a day from the calendar, or leave it empty for never.' });
	});

	describe('in the app’s time zone (the admin’s choice in Settings), not the device’s', () => {
		afterEach(() => {
			appZone.now = () => null;
		});

		it('ends the chosen day there, and the summary names that day', () => {
			appZone.now = () => 'Europe/London';
			const read = readBonusExpiry('2027-01-31', now);
			expect(read).toEqual({ ok: true, expiresAt: '2027-01-31T23:59:59.000Z' });
			expect(bonusExpiryWords('2027-01-31', now)).toBe('The tokens expire at the end of Jan 31, 2027.');
			appZone.now = () => 'Asia/Tokyo';
			expect(readBonusExpiry('2027-01-31', now)).toEqual({ ok: true, expiresAt: '2027-01-31T14:59:59.000Z' });
			expect(bonusExpiryWords('2027-01-31', now)).toBe('The tokens expire at the end of Jan 31, 2027.');
			// A member in another zone reads the instant with its time, not a bare day it would overstate.
			expect(dateTime('2027-01-31T23:59:59.000Z', 'Asia/Tokyo')).toMatch(/Feb 1, 2027,? 08:59/);
		});
	});

	it('is summed up in the words the forms show, and not named when the field refuses it', () => {
		// The chosen day, not the next one (an end of day read in UTC can be the next day here).
		expect(bonusExpiryWords('2027-01-31', now)).toBe(`The tokens expire at the end of ${shortDate(new Date(2027, 0, 31, 12))}.`);
		expect(bonusExpiryWords('', now)).toBe('With no expiry date the tokens never expire.');
		expect(bonusExpiryWords('2020-01-01', now)).toBe('');
		expect(bonusExpiryWords('not a day', now)).toBe('');
	});
});
