// The Limits page's form: each limit chosen in words (free tokens, typed as text; Unlimited; or None:
// pays from the balance), 0 tokens = not available, empty tokens refused (lib/limit-choice.ts), and the
// preview sentence of what each audience gets. Pure, so the sentence is unit-tested.

import { readTokenAmount } from '../amount';
import { MAX_TOKENS } from '$lib/token-range';
import { NO_LIMIT_CHOSEN, NONE, UNLIMITED, type LimitChoice } from '$lib/limit-choice';
import { counted } from '../../counted';
import { RESETS_QUIET_SECONDS } from '../../resets-quiet';

export type Period = 'daily' | 'weekly' | 'monthly' | 'never';
export type LimitType = 'none' | 'general' | 'role';

/** A limit in tokens: null = unlimited, 0 = not available to them (DESIGN.md "Allowance"). */
export type Limit = number | null;

/** What an audience gets, as the Limits page reads and saves it: a limit, or `'none'`: no free tokens, they pay from their balance. */
export type RuleLimit = Limit | typeof NONE;

/** A limit field's three choices in words: free tokens (a number typed), Unlimited, or None. */
export type LimitKind = 'tokens' | typeof UNLIMITED | typeof NONE;

/** A limit field as the admin has it: the choice, and the number typed (read only when the choice is tokens). */
export interface LimitDraft {
	choice: LimitKind;
	text: string;
}

/** The field for a limit: its choice, and the tokens when it has some; undefined (nothing to start from) is tokens left empty, to be chosen. */
export const limitDraft = (limit: RuleLimit | undefined): LimitDraft =>
	limit === null ? { choice: UNLIMITED, text: '' } : limit === NONE ? { choice: NONE, text: '' } : { choice: 'tokens', text: limit === undefined ? '' : String(limit) };

/** The rule of a typed number of tokens, as a field that refuses it says it. */
export const TOKENS_RULE = 'A whole number of tokens (0: not available), or choose Unlimited or None.';

/** Reads a limit field: Unlimited = null, None = 'none'; else whole tokens from 0 to the ledger's maximum (separators allowed); empty is refused. */
export function readLimit(d: LimitDraft): { ok: true; value: RuleLimit } | { ok: false; error: string } {
	if (d.choice === UNLIMITED) return { ok: true, value: null };
	if (d.choice === NONE) return { ok: true, value: NONE };
	if (d.text.trim() === '') return { ok: false, error: NO_LIMIT_CHOSEN };
	return readTokenAmount(d.text, { min: 0, max: MAX_TOKENS, what: 'A limit', rule: TOKENS_RULE });
}

/** A limit as the server takes it: unlimited and none said in so many words. */
export const limitChoice = (limit: RuleLimit): LimitChoice => limit ?? UNLIMITED;

/**
 * Reads a site default cap field (Periods, spend order and caps): blank = no cap (null), otherwise
 * whole tokens from 0 to the ledger's maximum. Blank stays "none" there: no default cap gives nothing
 * away (members still pay from their balance), unlike an allowance left unlimited.
 */
export function parseCap(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
	if (text.trim() === '') return { ok: true, value: null };
	return readTokenAmount(text, { min: 0, max: MAX_TOKENS, what: 'A daily cap', rule: CAP_RULE });
}

/** Why a site default cap that is not an amount at all (letters, a sign, a decimal) was refused; too many digits says the maximum. */
export const CAP_RULE = 'A daily cap is a whole number of tokens, or empty for none.';

/** Why a low balance share was refused: the rule the server keeps (ledger updateSiteSettings), in the form's words. */
export const LOW_SHARE_RULE = 'The low balance share is a whole percentage from 1 to 99.';

/** The site's low balance share as typed: a whole percentage from 1 to 99, with or without "%". */
export function parseLowShare(text: string): { ok: true; value: number } | { ok: false; error: string } {
	const m = /^\s*(\d{1,2})\s*%?\s*$/.exec(text);
	const n = m ? Number(m[1]) : 0;
	return n >= 1 && n <= 99 ? { ok: true, value: n } : { ok: false, error: LOW_SHARE_RULE };
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

/** "gets 2,000 free tokens a day", "gets unlimited free use", "cannot use Chatbot: not available to them", "gets no free tokens: they pay from their balance". */
function allowanceWords(limit: RuleLimit, guest: boolean, period: Period, moduleName: string, format: (n: number) => string): string {
	if (limit === NONE) return guest ? 'gets no free tokens: they need an account' : 'gets no free tokens: they pay from their balance';
	if (limit === null) return 'gets unlimited free use';
	if (limit === 0) return `cannot use ${moduleName}: not available to them, even with a balance`;
	return `gets ${counted(limit, 'free token', format)} ${per[period]}`;
}

/**
 * A limit as the form has it: `undefined` while the field is empty (no limit chosen yet), `{ invalid }`
 * while what is typed is not a limit ("-5", "1.5", "ten"), with the words the field's refusal says.
 */
export type TypedLimit = RuleLimit | undefined | { invalid: string };

/** What the preview takes of a limit field: what it reads, or why it cannot (empty is not chosen yet; anything else is not valid). */
export function typedLimit(d: LimitDraft): TypedLimit {
	const read = readLimit(d);
	if (read.ok) return read.value;
	return d.text.trim() === '' ? undefined : { invalid: read.error };
}

/** What a module does for someone whose free tokens have run out and who has no balance left (DESIGN.md "Allowance"). */
export type OnExhausted = 'message' | 'inactive';

export interface LimitsForm {
	name: string;
	guest: TypedLimit;
	limitType: LimitType;
	members: TypedLimit;
	/** Each role's limit, by the role's name (the site's list of roles names them). */
	roles: { name: string; limit: TypedLimit }[];
	period: Period;
	onExhausted: OnExhausted;
}

/** One preview line: who (said in bold) and the rest of its sentence, without the full stop. */
export interface PreviewLine {
	who: string;
	says: string;
}

/** A sentence of its own ("Enter a number….") as the end of another: its first letter small, without its full stop. */
function inSentence(words: string): string {
	return `${words.charAt(0).toLowerCase()}${words.slice(1).replace(/\.$/, '')}`;
}

/** What the preview says of a limit not chosen yet: it promises nothing (not "unlimited") until the field is filled in. */
export const UNSET_LIMIT = `has no limit set yet: ${inSentence(NO_LIMIT_CHOSEN)}`;

/** What the preview says of a limit typed wrong: not valid, in the words of the field's refusal; never "no limit", nor what it would give. */
export const invalidLimit = (refusal: string) => `has a limit that is not valid: ${inSentence(refusal)}`;

/** What one audience gets, in the preview's words. */
function says(limit: TypedLimit, guest: boolean, f: LimitsForm, format: (n: number) => string): string {
	if (limit === undefined) return UNSET_LIMIT;
	if (typeof limit === 'object' && limit !== null) return invalidLimit(limit.invalid);
	return allowanceWords(limit, guest, f.period, f.name, format);
}

/** Each audience the form sets, with its limit: a guest, then a user (or each role and "any other role"); none for users without a free allowance. */
function audiences(f: LimitsForm): { who: string; limit: TypedLimit }[] {
	const guest = { who: 'A guest', limit: f.guest };
	if (f.limitType === 'none') return [guest];
	if (f.limitType === 'general') return [guest, { who: 'A user', limit: f.members }];
	return [guest, ...f.roles.map((r) => ({ who: `A user with the role ${r.name}`, limit: r.limit })), { who: 'A user with any other role', limit: f.members }];
}

/** What the module does once nothing is left to pay with, in words. */
const outcome = (f: LimitsForm) => (f.onExhausted === 'inactive' ? `${f.name} shows as inactive` : 'the limit message shows');

/**
 * The preview, one line per audience as the ledger would treat them today (quota_spend_plan). Members
 * without a free allowance pay from their balance; once it is empty only "inactive" changes anything
 * for them (the ledger gives them no limit message: they had no free tokens to use up).
 */
export function previewLines(f: LimitsForm, format: (n: number) => string): PreviewLine[] {
	const lines = audiences(f).map(({ who, limit }, i) => ({ who, says: says(limit, i === 0, f, format) }));
	if (f.limitType === 'none') {
		const once = f.onExhausted === 'inactive' ? `, and once it is empty ${outcome(f)}` : '';
		lines.push({ who: 'A user', says: `gets no free tokens: they pay from their balance${once}` });
	}
	return lines;
}

/**
 * What happens when free tokens run out and no balance is left ("When the free tokens run out and no
 * balance is left: the limit message shows."), or null when no audience has free tokens that can run
 * out: never said of an unlimited limit (it never runs out), of 0 (the module is off for them, said
 * by its line), of None, of a limit not set yet or typed wrong, or of members without a free allowance. Said of everyone when
 * every audience of the preview has such tokens; else names those who do.
 */
export function runOutWords(f: LimitsForm): string | null {
	const each = audiences(f);
	const runOut = each.filter(({ limit }) => typeof limit === 'number' && limit > 0);
	if (runOut.length === 0) return null;
	const everyone = runOut.length === each.length && f.limitType !== 'none';
	const whose = everyone ? 'the free tokens' : `the free tokens of ${listed(runOut.map((a) => a.who.replace(/^A /, 'a ')))}`;
	return `When ${whose} run out and no balance is left: ${outcome(f)}.`;
}

/** "a", "a and b", "a, b and c". */
const listed = (items: string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** What a save of the site's settings that changed nothing says: nothing was saved, nor recorded in the audit log. */
export const SETTINGS_UNCHANGED = 'Nothing changed: the site settings are as they were.';

/** How long after a save the members whose resets it moved are told (alerts/reset-notices.ts waits so). */
const QUIET = counted(RESETS_QUIET_SECONDS / 60, 'minute');

/** Under the time zone field: who is told of a new zone, and when. */
export const ZONE_TOLD_HINT = `A new zone ends the free allowance windows whose start it moves: their use starts again from zero (what was used stays in the history). Members whose free allowances then reset at another time are told ${QUIET} after you save, and so are the owners and admins of such team pools. Change it again within those minutes and they are told once, of the last; put it back and no one is.`;

/** What a save of the site's settings says, by the fields it changed: nothing, or saved and recorded, and when a new zone or week start is told. */
export function siteSettingsSaid(changed: readonly string[]): string {
	if (!changed.length) return SETTINGS_UNCHANGED;
	const told = changed.includes('timeZone') || changed.includes('weekStart') ? ` Members whose free allowances now reset at another time are told in ${QUIET}.` : '';
	return `Site settings saved. Recorded in the audit log.${told}`;
}
