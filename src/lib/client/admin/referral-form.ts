// The Bonuses page's referral rules form: what the admin types, read with the server's limits
// (referrals/settings.ts), so each slip is said beside its field before anything is sent.
import { parseTokenAmount, readTokenAmount } from '../amount';
import type { Inputs, Outputs } from '../api-types';
import { MAX_TOKENS } from '$lib/token-range';
import { counted, figure } from '../../counted';

export type ReferralRules = Outputs['admin']['referrals']['rules'];
export type ReferralInput = Inputs['admin']['referrals']['setRules'];

/** The form as typed: the numbers as text. */
export interface ReferralDraft {
	enabled: boolean;
	referrerTokens: string;
	referredTokens: string;
	requirePurchase: boolean;
	/** Empty: the bonus never expires. */
	expiresDays: string;
	dailyLimit: string;
}

export type ReferralField = 'referrerTokens' | 'referredTokens' | 'expiresDays' | 'dailyLimit';
/** In the form's order: the first slip is where Save puts the focus. */
export const REFERRAL_FIELDS: ReferralField[] = ['referrerTokens', 'referredTokens', 'expiresDays', 'dailyLimit'];

/** The most days a bonus may last, and referrals a member is rewarded for in a day (the server's schema). */
const MAX_DAYS = 3650;
const MAX_DAILY = 1000;

export const draftOf = (r: ReferralRules): ReferralDraft => ({
	enabled: r.enabled,
	referrerTokens: String(r.referrerTokens),
	referredTokens: String(r.referredTokens),
	requirePurchase: r.requirePurchase,
	expiresDays: r.expiresDays === null ? '' : String(r.expiresDays),
	dailyLimit: String(r.dailyLimit)
});

/** A whole number typed with or without separators, from min to max; null when it is not one. */
function wholeIn(text: string, min: number, max: number): number | null {
	const n = parseTokenAmount(text);
	return n >= min && n <= max ? n : null;
}

/** The summary's expiry as a save would keep it: "never expiring", "lasting 30 days", or "expiry to fix" for a slip (never "lasting 0 days"). */
export function expiryWords(text: string): string {
	if (!text.trim()) return 'never expiring';
	const days = wholeIn(text, 1, MAX_DAYS);
	return days === null ? 'expiry to fix' : `lasting ${counted(days, 'day')}`;
}

/**
 * The rules to send, or what is wrong, by field (said under the field's label): each side's
 * tokens 0 to 1,000,000,000,000; the expiry empty (never) or 1 to 3,650 days; 1 to 1,000 rewarded
 * referrals per member per day; with referrals on, some tokens for one side at least.
 */
export function readReferralDraft(d: ReferralDraft): { input: ReferralInput } | { problems: Partial<Record<ReferralField, string>> } {
	const problems: Partial<Record<ReferralField, string>> = {};
	const referrer = readTokenAmount(d.referrerTokens, { min: 0, max: MAX_TOKENS });
	const referred = readTokenAmount(d.referredTokens, { min: 0, max: MAX_TOKENS });
	if (!referrer.ok) problems.referrerTokens = referrer.error;
	if (!referred.ok) problems.referredTokens = referred.error;
	const expires = d.expiresDays.trim() === '' ? null : wholeIn(d.expiresDays, 1, MAX_DAYS);
	if (expires === null && d.expiresDays.trim() !== '') problems.expiresDays = `A whole number of days from 1 to ${figure(MAX_DAYS)}, or empty for never.`;
	const daily = wholeIn(d.dailyLimit, 1, MAX_DAILY);
	if (daily === null) problems.dailyLimit = `A whole number of new users from 1 to ${figure(MAX_DAILY)}.`;
	if (d.enabled && referrer.ok && referred.ok && referrer.value + referred.value === 0) {
		problems.referrerTokens = 'Give at least one side some tokens, or turn referrals off.';
	}
	if (!referrer.ok || !referred.ok || daily === null || REFERRAL_FIELDS.some((f) => problems[f])) return { problems };
	return {
		input: { enabled: d.enabled, referrerTokens: referrer.value, referredTokens: referred.value, requirePurchase: d.requirePurchase, expiresDays: expires, dailyLimit: daily }
	};
}

/**
 * The summary under the form while referrals are on, as a save would keep the rules: each side's
 * tokens, when they are given, how long they last. A side the form refuses (readReferralDraft: not a
 * whole number in range, or both sides 0) is "to fix", never a figure, as the expiry is (expiryWords).
 */
export function referralSummary(d: ReferralDraft): string {
	const read = readReferralDraft(d);
	const problems = 'problems' in read ? read.problems : {};
	const inviter = problems.referrerTokens ? null : parseTokenAmount(d.referrerTokens);
	const newUser = problems.referredTokens ? null : parseTokenAmount(d.referredTokens);
	let given: string;
	if (inviter === null && newUser === null) given = "The inviter's and the new user's tokens to fix";
	else if (inviter === null) given = `The inviter's tokens to fix and ${counted(newUser!, 'token')} to the new user`;
	else if (newUser === null) given = `${counted(inviter, 'token')} to the inviter and the new user's tokens to fix`;
	else given = `${counted(inviter, 'token')} to the inviter and ${figure(newUser)} to the new user`;
	const when = d.requirePurchase ? 'when the new user first buys' : 'when the new user signs up';
	return `${given}, ${when}, ${expiryWords(d.expiresDays)}; shown on both dashboards as “Referral bonus”.`;
}
