// The Limits page's form: limits typed as text with an Unlimited box (0 = disabled; empty without
// the box is refused: lib/limit-choice.ts) and the preview sentence of what each audience gets. Pure,
// so the sentence is unit-tested.

import { readTokenAmount } from '../amount';
import { MAX_TOKENS } from '$lib/token-range';
import { NO_LIMIT_CHOSEN, UNLIMITED, type LimitChoice } from '$lib/limit-choice';
import { counted } from '../../counted';

export type Period = 'daily' | 'weekly' | 'monthly' | 'never';
export type LimitType = 'none' | 'general' | 'role';

/** A limit field's value: null = unlimited, 0 = disabled (DESIGN.md "Allowance"). */
export type Limit = number | null;

/** A limit field as the admin has it: the number typed, and whether Unlimited is ticked (the number is then not read). */
export interface LimitDraft {
	text: string;
	unlimited: boolean;
}

/** The field for a stored limit: null ticks Unlimited; a module without the rule (undefined) starts empty, to be chosen. */
export const limitDraft = (limit: Limit | undefined): LimitDraft => ({ text: limit === null || limit === undefined ? '' : String(limit), unlimited: limit === null });

/** Reads a limit field: Unlimited ticked = null; else whole tokens from 0 to the ledger's maximum (separators allowed); empty is refused. */
export function readLimit(d: LimitDraft): { ok: true; value: Limit } | { ok: false; error: string } {
	if (d.unlimited) return { ok: true, value: null };
	if (d.text.trim() === '') return { ok: false, error: NO_LIMIT_CHOSEN };
	return readTokenAmount(d.text, { min: 0, max: MAX_TOKENS, what: 'A limit', rule: 'A whole number of tokens, 0 to turn it off, or tick Unlimited.' });
}

/** A limit as the server takes it: unlimited said in so many words. */
export const limitChoice = (limit: Limit): LimitChoice => limit ?? UNLIMITED;

/**
 * Reads a site default cap field (Periods, spend order and caps): blank = no cap (null), otherwise
 * whole tokens from 0 to the ledger's maximum. Blank stays "none" there: no default cap gives nothing
 * away (members still pay from their balance), unlike an allowance left unlimited.
 */
export function parseCap(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
	if (text.trim() === '') return { ok: true, value: null };
	return readTokenAmount(text, { min: 0, max: MAX_TOKENS, what: 'A daily cap' });
}

/** What a cap field shows for a stored cap (null: none, empty). */
export const capField = (cap: number | null) => (cap === null ? '' : String(cap));

/** When a module's free tokens reset, as its form and its summary say it. */
export const PERIOD_HINTS: Record<Period, string> = {
	daily: "Resets at midnight in the site's time zone.",
	weekly: "Resets at midnight on the site's week start.",
	monthly: 'Resets at midnight on the 1st of each month.',
	never: 'Never resets: a one-time total.'
};

/** The days a week may start on, by their number (0 = Sunday), as the site's settings store them. */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The site's spend orders, in words. */
export const SPEND_ORDERS = [
	{ value: 'allowance-first', label: 'Free allowance first, then the balance' },
	{ value: 'balance-first', label: 'Balance first, then the free allowance' }
] as const;

const per: Record<Period, string> = { daily: 'a day', weekly: 'a week', monthly: 'a month', never: 'in total, never reset' };

/** "2,000 free tokens a day", "unlimited free use", "nothing: Chatbot is disabled". */
export function allowanceWords(limit: Limit, period: Period, moduleName: string, format: (n: number) => string): string {
	if (limit === null) return 'unlimited free use';
	if (limit === 0) return `nothing: ${moduleName} is disabled for them`;
	return `${counted(limit, 'free token', format)} ${per[period]}`;
}

/** A limit as the form has it: `undefined` while what is typed is no limit at all ("ten"). */
type TypedLimit = Limit | undefined;

export interface LimitsForm {
	name: string;
	guest: TypedLimit;
	limitType: LimitType;
	members: TypedLimit;
	/** Each role's limit, by the role's name (the site's list of roles names them). */
	roles: { name: string; limit: TypedLimit }[];
	period: Period;
}

/** What the preview says of a limit typed that is no limit: it promises nothing (not "unlimited") until the field is fixed. */
export const UNREAD_LIMIT = '— until its limit above is a whole number of tokens';

/** One line per audience: a guest, a member (or each role and "any other role"), as the ledger would treat them today. */
export function previewLines(f: LimitsForm, format: (n: number) => string): { who: string; gets: string }[] {
	const words = (l: TypedLimit) => (l === undefined ? UNREAD_LIMIT : allowanceWords(l, f.period, f.name, format));
	const lines = [{ who: 'A guest', gets: words(f.guest) }];
	if (f.limitType === 'none') lines.push({ who: 'A member', gets: 'no free tokens: they pay from their balance' });
	else if (f.limitType === 'general') lines.push({ who: 'A member', gets: words(f.members) });
	else {
		for (const role of f.roles) lines.push({ who: `A member with the role ${role.name}`, gets: words(role.limit) });
		lines.push({ who: 'A member with any other role', gets: words(f.members) });
	}
	return lines;
}
