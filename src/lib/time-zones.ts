// Time zones as people read them: "Addis Ababa (Africa) · UTC+03:00" for the IANA id
// Africa/Addis_Ababa. Every page that shows or offers a zone names it so (Settings, quiet hours, the
// admin's Limits and audit log, a refusal's reset time on a page); what is stored and sent stays
// the IANA id. Pure (Intl only): the server words audit entries with it too.

const MINUS = '\u2212';

/**
 * Cities renamed in the IANA database whose old ids browsers still list (CLDR keeps them:
 * Intl.supportedValuesOf gives "Europe/Kiev"): shown by their names of today.
 */
const RENAMED: Record<string, string> = {
	Asmera: 'Asmara',
	Calcutta: 'Kolkata',
	Enderbury: 'Kanton',
	Faeroe: 'Faroe',
	Godthab: 'Nuuk',
	Katmandu: 'Kathmandu',
	Kiev: 'Kyiv',
	Ponape: 'Pohnpei',
	Rangoon: 'Yangon',
	Saigon: 'Ho Chi Minh',
	Truk: 'Chuuk'
};

/** Ids that are UTC itself, by any of its names. */
const UTC_ID = /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT|GMT0|GMT[+-]0|Greenwich)$/;
/** Etc/GMT+5 and the like: a bare offset, its sign inverted (POSIX): Etc/GMT+5 is UTC−05:00. */
const BARE_OFFSET = /^Etc\/GMT[+-]\d{1,2}$/;

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

/** "UTC+03:00", "UTC−05:00", "UTC+05:45" (a true minus sign), for minutes east of UTC. */
export function offsetLabel(minutes: number): string {
	const abs = Math.abs(minutes);
	const hh = String(Math.floor(abs / 60)).padStart(2, '0');
	const mm = String(abs % 60).padStart(2, '0');
	return `UTC${minutes < 0 ? MINUS : '+'}${hh}:${mm}`;
}

/**
 * Where a zone's clocks are, from its id: "Addis Ababa (Africa)", "Indianapolis (Indiana, America)",
 * "Kyiv (Europe)" for Europe/Kiev, "UTC"; null for a bare offset (Etc/GMT+5), which names no place.
 */
export function zonePlace(zone: string): string | null {
	if (UTC_ID.test(zone)) return 'UTC';
	if (BARE_OFFSET.test(zone)) return null;
	const parts = zone.split('/').map((p) => p.replaceAll('_', ' '));
	const city = parts.pop()!;
	const shown = RENAMED[city] ?? city;
	return parts.length ? `${shown} (${parts.reverse().join(', ')})` : shown;
}

/**
 * A zone as every page names it: "Addis Ababa (Africa) · UTC+03:00", with its offset at `at` (a zone
 * with summer time has two); "UTC"; "UTC−05:00" for Etc/GMT+5. An id the engine does not know is
 * shown as given (underscores as spaces).
 */
export function zoneLabel(zone: string, at: Date = new Date()): string {
	const place = zonePlace(zone);
	if (place === 'UTC') return place;
	let offset: number;
	try {
		offset = zoneFacts(zone, at).offset;
	} catch {
		return zone.replaceAll('_', ' ');
	}
	return place ? `${place} · ${offsetLabel(offset)}` : offsetLabel(offset);
}

/**
 * The calendar day (YYYY-MM-DD) it is in `zone` at `at`: the site's "today" for a date range the
 * server reads in the site's zone (the console's operations export), whatever the device's zone.
 */
export function dayIn(zone: string, at: Date = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
