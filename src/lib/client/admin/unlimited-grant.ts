// Granting unlimited use in the console's bonus form: until when it lasts, and the question asked before
// it is sent. Granting is a cost decision: what the member uses is recorded, takes no tokens, and the
// site pays for it; the question names who, which model and until when, before anything is sent.
import { endOfDayWords, readBonusExpiry } from './bonus-expiry';

/** Until when unlimited use granted with the form's day (the bonus form's expiry field, a day of the site's zone `siteZone`) lasts, said under the form. */
export function unlimitedEndWords(day: string, siteZone: string | null, now: Date = new Date()): string {
	const read = readBonusExpiry(day, siteZone, now);
	if (!read.ok) return '';
	return read.expiresOn ? `Unlimited use ends at ${endOfDayWords(read.expiresOn, siteZone)}.` : 'With no end date it lasts until it is ended here.';
}

/** "until the end of Dec 31, 2026, Berlin time (UTC+1)", or "with no end date": the form's day, in the site's zone. */
function untilWords(day: string, siteZone: string | null, now: Date): string {
	const read = readBonusExpiry(day, siteZone, now);
	return read.ok && read.expiresOn ? `until ${endOfDayWords(read.expiresOn, siteZone)}` : 'with no end date';
}

/** The question before granting: `name` gets unlimited use of `modelName` (null: every model) until the form's day, and what that costs. */
export function unlimitedQuestion(name: string, modelName: string | null, day: string, siteZone: string | null, now: Date = new Date()): string {
	return `Give ${name} unlimited use of ${modelName ?? 'every model'} ${untilWords(day, siteZone, now)}? Their use is recorded but takes no tokens: the site pays for all of it.`;
}

/** What the form says once granted: the question's words, its end named in the site's zone as the question named it. */
export function unlimitedGrantedWords(modelName: string | null, day: string, siteZone: string | null, now: Date = new Date()): string {
	return `Unlimited use of ${modelName ?? 'every model'} granted ${untilWords(day, siteZone, now)}.`;
}
