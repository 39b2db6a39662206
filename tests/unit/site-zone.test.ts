import { describe, expect, it } from 'vitest';
import { zoneUnlikeSite } from '../../src/lib/client/site-zone';

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
