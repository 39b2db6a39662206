import { describe, expect, it } from 'vitest';
import { dayIn } from '../../src/lib/time-zones';
import { zoneName, zoneOffset } from '../../src/lib/zone-name';
import { matchZones, resolveZoneText, zoneChoices } from '../../src/lib/client/zone-choices';

// One way to name a time zone wherever a person reads one (lib/zone-name.ts): "Berlin time (UTC+1)",
// never the IANA id ("Europe/Berlin") nor half of it, nor the engine's "GMT+1"; the picker finds a
// zone by what a person types.

const winter = new Date('2026-01-15T12:00:00Z');
const summer = new Date('2026-07-15T12:00:00Z');

describe('a time zone’s name', () => {
	it('is its city’s time, then its offset from UTC at that moment, as short as it is exact', () => {
		expect(zoneName('Europe/Berlin', winter)).toBe('Berlin time (UTC+1)');
		expect(zoneName('Europe/Berlin', summer)).toBe('Berlin time (UTC+2)');
		expect(zoneName('Africa/Addis_Ababa', winter)).toBe('Addis Ababa time (UTC+3)');
		expect(zoneName('America/New_York', winter)).toBe('New York time (UTC\u22125)');
		expect(zoneName('Asia/Kathmandu', winter)).toBe('Kathmandu time (UTC+5:45)');
		expect(zoneName('America/St_Johns', winter)).toBe('St Johns time (UTC\u22123:30)');
		expect(zoneName('Europe/London', winter)).toBe('London time (UTC+0)');
		expect(zoneName('America/Indiana/Indianapolis', winter)).toBe('Indianapolis time (UTC\u22125)');
	});

	it('names cities by their names of today, as browsers still give the old ids (CLDR keeps them)', () => {
		expect(zoneName('Europe/Kiev', winter)).toBe('Kyiv time (UTC+2)');
		expect(zoneName('Asia/Calcutta', winter)).toBe('Kolkata time (UTC+5:30)');
		expect(zoneName('Asia/Saigon', winter)).toBe('Ho Chi Minh time (UTC+7)');
	});

	it('says UTC once, and a bare offset as an offset (Etc/GMT+5 is five hours behind)', () => {
		for (const utc of ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']) expect(zoneName(utc, winter)).toBe('UTC');
		expect(zoneName('Etc/GMT+5', winter)).toBe('UTC\u22125');
		expect(zoneName('Etc/GMT-14', winter)).toBe('UTC+14');
		expect(zoneOffset('Asia/Kolkata', winter)).toBe('UTC+5:30');
	});

	it('shows an id the engine does not know as given, readable', () => {
		expect(zoneName('Mars/Olympus_Mons', winter)).toBe('Mars/Olympus Mons');
	});

	it('fits a phone’s line after a time for every zone the browser knows, and no two places share a name', () => {
		const zones = Intl.supportedValuesOf('timeZone');
		const names = zones.map((z) => zoneName(z, winter));
		expect(names.every((n) => /^([^/_]+ time \(UTC[+\u2212]\d{1,2}(:\d\d)?\)|UTC([+\u2212]\d{1,2})?)$/.test(n))).toBe(true);
		// "Dec 14, 2026, 19:39 " and the name on a 390 px line of the app's 14 px text: 48 characters or fewer.
		expect(Math.max(...names.map((n) => n.length))).toBeLessThanOrEqual(28);
		const places = names.map((n) => n.replace(/ \(.*$/, '')).filter((p) => p !== 'UTC');
		expect(new Set(places).size).toBe(places.length);
	});
});

describe('the time zone picker’s list', () => {
	const zones = Intl.supportedValuesOf('timeZone');
	const choices = zoneChoices(zones, winter);
	const found = (q: string) => matchZones(choices, q).map((c) => c.value);

	it('holds every zone the browser knows, and UTC, named, west to east', () => {
		expect(choices.map((c) => c.value).sort()).toEqual([...new Set(['UTC', ...zones])].sort());
		const offsets = choices.map((c) => c.offset);
		expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
		expect(choices.find((c) => c.value === 'Africa/Addis_Ababa')).toMatchObject({ label: 'Addis Ababa time (UTC+3)', detail: 'East Africa Time', offset: 180 });
		expect(choices.every((c) => !c.label.includes('_') && !c.label.includes('/'))).toBe(true);
	});

	it('finds a zone by its city (accents and case aside), the places that begin with it first', () => {
		expect(found('addis')).toEqual(['Africa/Addis_Ababa']);
		expect(found('ADDIS ab')).toEqual(['Africa/Addis_Ababa']);
		expect(found('sao paulo')).toEqual(['America/Sao_Paulo']);
		expect(found('lon')[0]).toBe('Europe/London');
		expect(found('utc')[0]).toBe('UTC');
		expect(found('kyiv')).toEqual([zones.find((z) => z === 'Europe/Kyiv' || z === 'Europe/Kiev')]);
	});

	it('finds zones by their name and by an offset however it is typed', () => {
		expect(found('east africa time')).toContain('Africa/Addis_Ababa');
		expect(found('central european')).toContain('Europe/Berlin');
		const india = found('+5:30');
		expect(india.length).toBeGreaterThan(0);
		expect(india.every((z) => choices.find((c) => c.value === z)!.offset === 330)).toBe(true);
		expect(found('utc-5')).toContain('America/New_York');
		expect(found('gmt-5')).toEqual(found('utc-5'));
		expect(found('UTC\u221205:00')).toEqual(found('utc-05:00'));
	});

	it('finds UTC by its name, not every zone whose label says its offset from UTC; an offset only where one is typed', () => {
		expect(found('UTC')).toEqual(['UTC']);
		expect(found('utc')).toEqual(['UTC']);
		// A stored Etc/UTC is listed in UTC's place, and found by the same name.
		expect(matchZones(zoneChoices(zones, winter, 'Etc/UTC'), 'UTC').map((c) => c.value)).toEqual(['Etc/UTC']);
		// "(UTC+1)" in a label is no place: "time" and "berlin" are, the offset is found as one.
		expect(found('Berlin time (UTC+1)')).toEqual(['Europe/Berlin']);
		// A whole hour is that hour, not the hours that begin with its digit; with a colon, the minutes as far as typed.
		const at = (q: string) => new Set(matchZones(choices, q).map((c) => c.offset));
		expect(at('+1')).toEqual(new Set([60]));
		expect(at('utc+1')).toEqual(new Set([60]));
		expect(at('GMT-5')).toEqual(new Set([-300]));
		expect(at('+5:3')).toEqual(new Set([330]));
		expect(at('+05:30')).toEqual(new Set([330]));
	});

	it('finds nothing for what no zone has, and everything for an empty search', () => {
		expect(found('atlantis')).toEqual([]);
		expect(found('  ')).toHaveLength(choices.length);
	});

	it('takes a typed zone without a pick from the list: its IANA id in any case, an alias, the zone as shown, or a search with one match', () => {
		const take = (text: string) => resolveZoneText(text, choices);
		expect(take('Europe/Berlin')).toEqual({ zone: 'Europe/Berlin' });
		expect(take('  asia/tokyo ')).toEqual({ zone: 'Asia/Tokyo' });
		expect(take('Berlin time (UTC+1)')).toEqual({ zone: 'Europe/Berlin' });
		expect(take('addis')).toEqual({ zone: 'Africa/Addis_Ababa' });
		expect(take('UTC')).toEqual({ zone: 'UTC' });
		// An id the list names otherwise: the list's entry for the same zone.
		expect(take('US/Eastern')).toEqual({ zone: 'America/New_York' });
	});

	it('refuses, saying what to do, a text that names no zone or several, rather than guess one', () => {
		expect(resolveZoneText('atlantis', choices)).toEqual({
			slip: "No time zone matches “atlantis”: type a city, a zone's name such as Europe/Berlin or an offset like +5:30, then pick it from the list."
		});
		const several = resolveZoneText('+5:30', choices);
		expect(several).toEqual({ slip: expect.stringMatching(/^“\+5:30” matches \d+ time zones: pick one from the list, or type more of its city or name\.$/) });
		expect(resolveZoneText('Europe', choices)).toMatchObject({ slip: expect.stringContaining('matches') });
	});

	it('takes a page’s own first choice by its words (Settings: this device’s zone)', () => {
		const device = { value: '', label: "Device's zone", detail: null, offset: 0, name: "device's zone", words: "device's zone", offsets: '' };
		expect(resolveZoneText("device's zone", [device, ...choices])).toEqual({ zone: '' });
	});

	it('keeps a stored id the browser lists under another name, in that name’s place', () => {
		const alias = zones.includes('Asia/Calcutta') ? 'Asia/Kolkata' : 'Asia/Calcutta';
		const kept = zoneChoices(zones, winter, alias);
		expect(kept.length).toBe(choices.length);
		expect(zoneChoices(zones, winter, 'Etc/UTC').filter((c) => c.label === 'UTC').map((c) => c.value)).toEqual(['Etc/UTC']);
		expect(kept.filter((c) => c.label.startsWith('Kolkata')).map((c) => c.value)).toEqual([alias]);
	});
});

describe('the day it is in a zone', () => {
	// The console's export range defaults to the site's today: a device west or east of the site must not shift it.
	it('is that zone’s calendar day, not the device’s nor UTC’s', () => {
		const at = new Date('2026-12-31T23:30:00Z');
		expect(dayIn('Etc/UTC', at)).toBe('2026-12-31');
		expect(dayIn('Europe/Berlin', at)).toBe('2027-01-01');
		expect(dayIn('Pacific/Kiritimati', new Date('2026-03-01T10:00:00Z'))).toBe('2026-03-02');
		expect(dayIn('America/Los_Angeles', new Date('2026-03-01T05:00:00Z'))).toBe('2026-02-28');
	});
});
