// Instants are written in the reader's zone (their Settings' choice, else the device's); days that
// count (windows, caps, reports, the usage filter) are the site's. Where the two clocks differ, a
// page names the zone its times are in, so "Dec 5, 04:07" is not read as a time of the site's day.
import { zoneName, zoneOffset } from '$lib/zone-name';

/** The zone a page writes instants in: `chosen` (the member's Settings' zone), else the device's. */
export const readerZone = (chosen: string | null): string => chosen ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * The reader's zone as pages name it ("Tokyo time (UTC+9)") when its clock reads otherwise
 * than the site's at `at`; null when they read the same (or the site's zone is not known yet), and
 * times then need no zone said. `reader` and `site`: IANA ids.
 */
export function zoneUnlikeSite(reader: string, site: string | null | undefined, at: Date = new Date()): string | null {
	if (!site) return null;
	try {
		return zoneOffset(reader, at) === zoneOffset(site, at) ? null : zoneName(reader, at);
	} catch {
		return zoneName(reader, at); // a zone this engine does not know: say it rather than imply the site's
	}
}

/**
 * The line a list says above its times (components/TimesIn.svelte): "Times are in your zone, Tokyo
 * time (UTC+9)."; null where the reader's clock reads as the site's (zoneUnlikeSite). `what`: what is
 * in the reader's zone ("Dates and times on this page"); `chosen`: the member's Settings' zone, else
 * the device's (readerZone); `site`: the site's IANA zone.
 */
export function timesInWords(what: string, chosen: string | null, site: string | null | undefined, at: Date = new Date()): string | null {
	const zone = zoneUnlikeSite(readerZone(chosen), site, at);
	return zone ? `${what} are in your zone, ${zone}.` : null;
}
