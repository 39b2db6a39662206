import { describe, expect, it } from 'vitest';
import { readerZone, timesInWords, zoneUnlikeSite } from '../../src/lib/client/site-zone';
import { zoneName, zoneOffset } from '../../src/lib/zone-name';

const december = new Date(Date.UTC(2026, 11, 4, 19));

describe("naming the reader's zone where its clock is not the site's", () => {
	it('names Tokyo for a UTC site, and Berlin in winter', () => {
		expect(zoneUnlikeSite('Asia/Tokyo', 'UTC', december)).toBe('Tokyo time (UTC+9)');
		expect(zoneUnlikeSite('Europe/Berlin', 'UTC', december)).toBe('Berlin time (UTC+1)');
	});

	it('says nothing when both clocks read the same, or the site is not known yet', () => {
		expect(zoneUnlikeSite('UTC', 'UTC', december)).toBeNull();
		expect(zoneUnlikeSite('Europe/London', 'UTC', december)).toBeNull(); // UTC+00:00 in winter
		expect(zoneUnlikeSite('Asia/Seoul', 'Asia/Tokyo', december)).toBeNull();
		expect(zoneUnlikeSite('Asia/Tokyo', null, december)).toBeNull();
	});
});

describe('the line a list says above its times (TimesIn)', () => {
	it('names the member’s chosen zone where its clock is not the site’s, with what is in it', () => {
		expect(timesInWords('Times', 'Europe/Berlin', 'UTC', december)).toBe('Times are in your zone, Berlin time (UTC+1).');
		expect(timesInWords('Dates and times on this page', 'Asia/Tokyo', 'Europe/Berlin', december)).toBe('Dates and times on this page are in your zone, Tokyo time (UTC+9).');
	});

	it('says nothing where the clocks agree (London in winter on a UTC site), or before the site’s zone is known', () => {
		expect(timesInWords('Times', 'Europe/London', 'UTC', december)).toBeNull();
		expect(timesInWords('Times', 'Europe/Berlin', null, december)).toBeNull();
	});

	it('without a zone chosen in Settings, goes by the device’s', () => {
		const device = readerZone(null);
		expect(device).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
		expect(timesInWords('Times', null, device, december)).toBeNull();
		expect(timesInWords('Times', null, zoneOffset(device, december) === zoneOffset('UTC', december) ? 'Asia/Tokyo' : 'UTC', december)).toBe(`Times are in your zone, ${zoneName(device, december)}.`);
	});
});
