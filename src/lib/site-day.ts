// "Today" on the dashboard is the site's day, the one caps and free allowances count: a viewer whose
// own zone starts the day at another moment is told so, in words the server writes with the figures
// (the dashboard's start JavaScript has no room for the zone arithmetic).
import { zoneFacts } from './time-zones';
import { UTC_ID, zoneName, zoneOffset } from './zone-name';

const en = new Intl.NumberFormat('en').format;
const DAY = 86_400_000;

/** The viewer's wall clock at `at` in `zone`: its calendar day (as a UTC midnight) and "HH:MM". */
function wall(zone: string, at: number): { day: number; time: string } {
	const local = at + zoneFacts(zone, new Date(at)).offset * 60_000;
	const minutes = Math.floor((local % DAY) / 60_000);
	return { day: local - (local % DAY), time: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}` };
}

/** The instant the site's day that holds `now` began (its midnight, after any summer-time change that day). */
function siteMidnight(siteZone: string, now: number): number {
	const today = wall(siteZone, now).day;
	let start = today - zoneFacts(siteZone, new Date(today)).offset * 60_000;
	start = today - zoneFacts(siteZone, new Date(start)).offset * 60_000;
	return start;
}

/**
 * The Used this month card's line and what the figures' meaning adds, when the viewer's zone
 * (`viewerZone`, their Settings' choice) starts the day at another moment than the site's: "1,478
 * since 09:00" (the site's midnight on the viewer's clock, short enough for a summary card on a
 * 390 px phone) and the sentence that says why. null when their midnight is the site's: "today"
 * then means the same to both. A viewer with no zone of their own reads the device's, which the
 * server cannot know: the words then say the site's zone ("14,350 today (UTC)") and carry `start`,
 * the site's midnight (ISO), for the page to show them only when the device's clock does not read
 * 00:00 then.
 */
export function siteDayWords(usedToday: number, siteZone: string, viewerZone: string | null, now: Date = new Date()): { sub: string; meaning: string; start?: string } | null {
	let start: number;
	try {
		start = siteMidnight(siteZone, now.getTime());
	} catch {
		return null; // a zone this engine does not know: nothing to compare
	}
	if (!viewerZone) {
		const zone = UTC_ID.test(siteZone) ? 'UTC' : zoneOffset(siteZone, now);
		return {
			sub: `${en(usedToday)} today (${zone})`,
			meaning: `This month and today are the site's days, midnight to midnight in ${zoneName(siteZone, now)}, as caps, free allowances and Reports count them, not this device's.`,
			start: new Date(start).toISOString()
		};
	}
	let began: { day: number; time: string };
	let viewerToday: number;
	try {
		began = wall(viewerZone, start);
		viewerToday = wall(viewerZone, now.getTime()).day;
	} catch {
		return null;
	}
	if (began.time === '00:00') return null;
	const when = `${began.day < viewerToday ? 'yesterday ' : ''}at ${began.time}`;
	const yours = zoneName(viewerZone, now);
	return {
		sub: `${en(usedToday)} since ${began.time}`,
		meaning: `This month and today are the site's days, midnight to midnight in ${zoneName(siteZone, now)}, as caps and free allowances count them: its today began ${when} in your zone, ${yours}.`
	};
}
