// Time zones' facts for the pages that compare or offer them (the zone picker, the dashboard's
// today): a zone's offset in minutes, its English name, a day in it. How a zone is named to a
// person is lib/zone-name.ts. Pure (Intl only): the server uses it too.

export interface ZoneFacts {
	/** Minutes east of UTC at the moment asked about: 180 for Addis Ababa, −300 for New York in winter. */
	offset: number;
	/** The zone's name in English, when it has one: "East Africa Time", "Central European Time". */
	generic: string | null;
}

// One formatter per zone (making one is the costly part): a page labels the same few zones again and again.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The offset and the English name of `zone` at `at` (one formatter for both). Throws RangeError for
 * an id the engine does not know.
 */
export function zoneFacts(zone: string, at: Date = new Date()): ZoneFacts {
	let format = formatters.get(zone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			timeZoneName: 'longGeneric'
		});
		formatters.set(zone, format);
	}
	const minute = Math.floor(at.getTime() / 60_000) * 60_000;
	const p = Object.fromEntries(format.formatToParts(minute).map((x) => [x.type, x.value]));
	const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
	// A zone without a name of its own is named by its offset ("GMT+03:00"): that says nothing more.
	const generic = p.timeZoneName && !/^GMT/.test(p.timeZoneName) ? p.timeZoneName : null;
	return { offset: Math.round((wall - minute) / 60_000), generic };
}

/**
 * The calendar day (YYYY-MM-DD) it is in `zone` at `at`: the site's "today" for a date range the
 * server reads in the site's zone (the console's operations export), whatever the device's zone.
 */
export function dayIn(zone: string, at: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
