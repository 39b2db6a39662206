// The time zone picker's list (components/ZonePicker.svelte): every zone the browser knows, named as
// every page names it (lib/zone-name.ts), ordered by offset, and found by what a person types: a
// city, a region, the zone's name ("eastern", "central european", "utc") or an offset ("+5:30", "utc-3").
import { zoneFacts } from '$lib/time-zones';
import { zoneName } from '$lib/zone-name';
import { counted } from '$lib/counted';

export interface ZoneChoice {
	/** What is stored and sent: the IANA id, or '' for a choice of the page's own ("this device's zone"). */
	value: string;
	label: string;
	/** A second line: the zone's English name ("East Africa Time"), when it has one. */
	detail: string | null;
	/** Minutes east of UTC now: the list's order. */
	offset: number;
	/** What a search for a place or a name looks in, normalized (see `normalize`): the label without its offset, the id, the zone's English name. */
	words: string;
	/** The offset as it is typed ("utc+5:30 utc+5:30 utc+05:30"): only a term that is an offset is looked for here, so "utc" finds UTC, not every "(UTC+n)". */
	offsets: string;
	/** The label, normalized: a search ranks the places that begin with what was typed first. */
	name: string;
}

/** Lower case, without accents, underscores as spaces and a minus as a hyphen: "São Paulo" and "sao paulo" match. */
export function normalize(s: string): string {
	return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replaceAll('_', ' ').replaceAll('\u2212', '-');
}

/** "+5:30" and "+05:30", or "+3", "+3:00" and "+03:00": the ways an offset is typed. */
function offsetWords(minutes: number): string {
	const sign = minutes < 0 ? '-' : '+';
	const h = Math.floor(Math.abs(minutes) / 60);
	const m = String(Math.abs(minutes) % 60).padStart(2, '0');
	return `utc${sign}${h}:${m} utc${sign}${h}${m === '00' ? '' : `:${m}`} utc${sign}${String(h).padStart(2, '0')}:${m}`;
}

/** One zone as the picker lists it, with its offset and name at `at`; null for an id the engine does not know. */
export function zoneChoice(zone: string, at: Date): ZoneChoice | null {
	let facts;
	try {
		facts = zoneFacts(zone, at);
	} catch {
		return null;
	}
	const label = zoneName(zone, at);
	const name = normalize(label);
	const place = name.replace(/\(utc[^)]*\)/, '');
	return { value: zone, label, detail: facts.generic, offset: facts.offset, name, words: `${place} ${normalize(zone)} ${normalize(facts.generic ?? '')}`, offsets: offsetWords(facts.offset) };
}

/** The engine's own id for a zone ("US/Eastern" → "America/New_York"), or the id as given when it knows none. */
function canonicalZone(zone: string): string {
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
	} catch {
		return zone;
	}
}

/**
 * The choices for `zones` (the browser's list), west to east, then by place, and UTC (browsers list
 * only places); `keep` (a stored id the list names otherwise or not at all, e.g. "Asia/Kolkata" where
 * the list has "Asia/Calcutta") is listed too, in place of the list's entry for the same zone, so the
 * stored value stays chosen.
 */
export function zoneChoices(zones: readonly string[], at: Date, keep?: string): ZoneChoice[] {
	const kept = keep && canonicalZone(keep);
	const ids = [...new Set([...(keep ? [keep] : []), ...(kept === 'UTC' ? [] : ['UTC']), ...zones.filter((z) => z !== keep && z !== kept)])];
	return ids
		.map((z) => zoneChoice(z, at))
		.filter((c): c is ZoneChoice => c !== null)
		.sort((a, b) => a.offset - b.offset || a.name.localeCompare(b.name));
}

/** A typed term that is an offset ("+2", "utc+2", "gmt-5" once read as "utc-5", "+5:30"), not a name. */
const OFFSET_TERM = /^(utc)?[+-]\d/;

/**
 * Whether `term` (an offset, OFFSET_TERM) is `c`'s offset in one of the ways it is typed: the whole
 * hours, so "+1" is not UTC+10 too; with a colon, the minutes as far as typed ("+5:3" is on the way to +5:30).
 */
function isOffset(c: ZoneChoice, term: string): boolean {
	const typed = term.startsWith('utc') ? term : `utc${term}`;
	return c.offsets.split(' ').some((form) => (typed.includes(':') ? form.startsWith(typed) : form === typed));
}

/**
 * The choices a search finds: each word typed ("new york", "gmt-3") is somewhere in the choice's
 * words, or for a word that is an offset ("+5:30", "utc-3") in its offset; places that begin with the
 * first word come first, then those with a word that begins with it, each in the list's order. An
 * empty search finds every choice.
 */
export function matchZones(choices: readonly ZoneChoice[], query: string): ZoneChoice[] {
	const terms = normalize(query)
		.replace(/\bgmt/g, 'utc')
		.split(/[\s,()·/]+/)
		.filter(Boolean);
	if (!terms.length) return [...choices];
	const first = terms[0]!;
	const rank = (c: ZoneChoice) => (c.name.startsWith(first) ? 0 : c.name.split(/[\s(,]+/).some((w) => w.startsWith(first)) ? 1 : 2);
	return choices
		.filter((c) => terms.every((t) => (OFFSET_TERM.test(t) ? isOffset(c, t) : c.words.includes(t))))
		.map((c, i) => ({ c, i, r: rank(c) }))
		.sort((a, b) => a.r - b.r || a.i - b.i)
		.map((x) => x.c);
}

/** What the field's typed text comes to when it is left, Enter is pressed or the form saved: a zone, or why none. */
export type ZoneText = { zone: string } | { slip: string };

/**
 * The zone a text typed in the picker names without a choice from the list (WAI-ARIA's combobox: what
 * is typed is the value): an IANA id ("Europe/Berlin", any case, or an alias the engine knows, such as
 * "US/Eastern"), a zone as the field shows it ("Berlin time (UTC+1)"), or a search with exactly one
 * match ("addis"). A text with no match or several is a slip saying what to do, never a zone guessed.
 */
export function resolveZoneText(text: string, choices: readonly ZoneChoice[]): ZoneText {
	const typed = text.trim();
	const name = normalize(typed);
	const exact = choices.find((c) => (c.value && normalize(c.value) === name) || c.name === name);
	if (exact) return { zone: exact.value };
	const engine = canonicalZone(typed);
	const alias = engine !== typed ? choices.find((c) => c.value && canonicalZone(c.value) === engine) : undefined;
	if (alias) return { zone: alias.value };
	const found = matchZones(choices, typed);
	if (found.length === 1) return { zone: found[0]!.value };
	return found.length
		? { slip: `“${typed}” matches ${counted(found.length, 'time zone')}: pick one from the list, or type more of its city or name.` }
		: { slip: `No time zone matches “${typed}”: type a city, a zone's name such as Europe/Berlin or an offset like +5:30, then pick it from the list.` };
}
