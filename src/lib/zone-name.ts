// A time zone as a person reads it, on every page, in the console, in a refusal and (in its own copy,
// tests/unit/widget-words.test.ts holds them alike) in the widget: "Berlin time (UTC+1)". The city
// says whose clock, the offset how far it is from UTC at that moment, and the whole fits a phone's
// line after a time ("Jan 1, 2028, 00:59 Berlin time (UTC+1)"). What is stored and what the API
// sends stay IANA ids. Small on purpose: the dashboard's start loads it (`moment`, lib/client/format.ts).

/**
 * Cities renamed in the IANA database whose old ids browsers still give (CLDR keeps them: a device
 * in Kyiv says "Europe/Kiev"): named as they are called today.
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
export const UTC_ID = /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT|GMT0|GMT[+-]0|Greenwich)$/;

// One formatter per zone: a list names the same zone on every line.
const offsets = new Map<string, Intl.DateTimeFormat>();

/**
 * `zone`'s offset from UTC at `at`, as people write it: "UTC+1", "UTC−5" (a true minus sign),
 * "UTC+5:45", "UTC+0". Throws RangeError for an id the engine does not know.
 */
export function zoneOffset(zone: string, at: Date = new Date()): string {
	let format = offsets.get(zone);
	if (!format) offsets.set(zone, (format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })));
	// "GMT+1", "GMT-5", "GMT+5:45"; "GMT" or "GMT+0" (engines differ) at UTC's own offset.
	const gmt = format.formatToParts(at).find((p) => p.type === 'timeZoneName')!.value;
	return `UTC${gmt.slice(3) || '+0'}`.replace('-', '\u2212');
}

/**
 * A zone as every person-facing place names it, with its offset at `at` (a zone with summer time has
 * two): "Berlin time (UTC+1)", "Kyiv time (UTC+2)" for Europe/Kiev, "Indianapolis time (UTC−5)";
 * "UTC" for UTC by any name; "UTC−5" for Etc/GMT+5 (a bare offset, which names no place). An id the
 * engine does not know is shown as given (underscores as spaces).
 */
export function zoneName(zone: string, at: Date = new Date()): string {
	if (UTC_ID.test(zone)) return 'UTC';
	let offset: string;
	try {
		offset = zoneOffset(zone, at);
	} catch {
		return zone.replaceAll('_', ' ');
	}
	if (zone.startsWith('Etc/')) return offset;
	const city = zone.slice(zone.lastIndexOf('/') + 1).replaceAll('_', ' ');
	return `${RENAMED[city] ?? city} time (${offset})`;
}
