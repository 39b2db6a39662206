import { describe, expect, it } from 'vitest';
import { dayIn, offsetLabel, zoneLabel, zonePlace } from '../../src/lib/time-zones';
import { matchZones, zoneChoices } from '../../src/lib/client/zone-choices';

// One way to name a time zone on every page: "Addis Ababa (Africa) · UTC+03:00", never the IANA id
// ("Africa/Addis_Ababa") nor half of it ("Africa/Addis Ababa"); the picker finds a zone by what a
// person types.

const winter = new Date('2026-01-15T12:00:00Z');
const summer = new Date('2026-07-15T12:00:00Z');

describe('a time zone’s name', () => {
	it('is its place, then its region, then its offset from UTC at that moment', () => {
		expect(zoneLabel('Africa/Addis_Ababa', winter)).toBe('Addis Ababa (Africa) · UTC+03:00');
		expect(zoneLabel('Europe/Berlin', winter)).toBe('Berlin (Europe) · UTC+01:00');
		expect(zoneLabel('Europe/Berlin', summer)).toBe('Berlin (Europe) · UTC+02:00');
		expect(zoneLabel('America/New_York', winter)).toBe('New York (America) · UTC\u221205:00');
		expect(zoneLabel('Asia/Kathmandu', winter)).toBe('Kathmandu (Asia) · UTC+05:45');
	});

	it('names nested regions narrow to wide, and cities by their names of today', () => {
		expect(zonePlace('America/Indiana/Indianapolis')).toBe('Indianapolis (Indiana, America)');
		expect(zonePlace('America/Argentina/Buenos_Aires')).toBe('Buenos Aires (Argentina, America)');
		// Browsers still list the old ids (CLDR keeps them).
		expect(zonePlace('Europe/Kiev')).toBe('Kyiv (Europe)');
		expect(zonePlace('Asia/Calcutta')).toBe('Kolkata (Asia)');
		expect(zonePlace('Asia/Saigon')).toBe('Ho Chi Minh (Asia)');
	});

	it('says UTC once, and a bare offset as an offset (Etc/GMT+5 is five hours behind)', () => {
		for (const utc of ['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']) expect(zoneLabel(utc, winter)).toBe('UTC');
		expect(zoneLabel('Etc/GMT+5', winter)).toBe('UTC\u221205:00');
		expect(zoneLabel('Etc/GMT-14', winter)).toBe('UTC+14:00');
	});

	it('shows an id the engine does not know as given, readable', () => {
		expect(zoneLabel('Mars/Olympus_Mons', winter)).toBe('Mars/Olympus Mons');
	});

	it('writes offsets with two-digit hours and minutes and a true minus sign', () => {
		expect([offsetLabel(0), offsetLabel(330), offsetLabel(-570), offsetLabel(765)]).toEqual(['UTC+00:00', 'UTC+05:30', 'UTC\u221209:30', 'UTC+12:45']);
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
		expect(choices.find((c) => c.value === 'Africa/Addis_Ababa')).toMatchObject({ label: 'Addis Ababa (Africa) · UTC+03:00', detail: 'East Africa Time', offset: 180 });
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

	it('finds nothing for what no zone has, and everything for an empty search', () => {
		expect(found('atlantis')).toEqual([]);
		expect(found('  ')).toHaveLength(choices.length);
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
