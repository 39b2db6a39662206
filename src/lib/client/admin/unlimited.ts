// An unlimited lot as the console says it: what it covers and until when (a user's page, its Account card).
// The bonus form's words for granting one are in unlimited-grant.ts, which loads with the form.
import { moment } from '../format';
import { EVERY_MODEL } from '../../model-words';

/** What an unlimited lot covers and until when: "Every model · no end date", "GPT-5 Nano only · until Dec 31, 2026, 23:59 UTC" (the zone named, as every moment tokens end or a limit resets). */
export function unlimitedScope(lot: { model: string | null; expiresAt: string | null }, modelName: (key: string) => string): string {
	return `${lot.model ? `${modelName(lot.model)} only` : EVERY_MODEL} · ${lot.expiresAt ? `until ${moment(lot.expiresAt)}` : 'no end date'}`;
}
