// Unlimited use as the console says it: an account's unlimited lots in force, and the question asked
// before granting one. Granting is a cost decision: what the member uses is recorded, takes no tokens,
// and the site pays for it; the question names who, which model and until when, before anything is sent.
import { endOfDayWords, readBonusExpiry } from './bonus-expiry';
import { dateTime } from '../format';

/** What an unlimited lot covers and until when: "Every model · no end date", "GPT-5 Nano only · until Dec 31, 2026, 23:59". */
export function unlimitedScope(lot: { model: string | null; expiresAt: string | null }, modelName: (key: string) => string): string {
	return `${lot.model ? `${modelName(lot.model)} only` : 'Every model'} · ${lot.expiresAt ? `until ${dateTime(lot.expiresAt)}` : 'no end date'}`;
}

/** Until when unlimited use granted with the form's day (the bonus form's expiry field, a day of the site's zone `siteZone`) lasts, said under the form. */
export function unlimitedEndWords(day: string, siteZone: string | null, now: Date = new Date()): string {
	const read = readBonusExpiry(day, siteZone, now);
	if (!read.ok) return '';
	return read.expiresOn ? `Unlimited use ends at ${endOfDayWords(read.expiresOn, siteZone)}.` : 'With no end date it lasts until it is ended here.';
}

/** The question before granting: `name` gets unlimited use of `modelName` (null: every model) until the form's day, and what that costs. */
export function unlimitedQuestion(name: string, modelName: string | null, day: string, siteZone: string | null, now: Date = new Date()): string {
	const read = readBonusExpiry(day, siteZone, now);
	const until = read.ok && read.expiresOn ? `until ${endOfDayWords(read.expiresOn, siteZone)}` : 'with no end date';
	return `Give ${name} unlimited use of ${modelName ?? 'every model'} ${until}? Their use is recorded but takes no tokens: the site pays for all of it.`;
}
