/**
 * The words of a refusal by a limit or a balance, made from the figures the ledger returns with it
 * (`details`), so the message always matches its reason: a limit that is used up, or a request that
 * would go past what is left of it (with the cost, what is left and when it resets), or not enough
 * tokens. One wording for the REST API (English: "7,500", "Dec 7, 2026, 00:00 UTC") and the
 * pages (numbers and times in the reader's locale): only the formatter differs.
 */
import { counted } from './counted';
import { zoneName } from './zone-name';

/**
 * What one request may draw on, as its refusal and the pages say it: its feature's free allowance and
 * the tokens usable on its model (the API's `remaining`), a part of the account's Available. A request
 * that named no `model` (null) draws on general tokens only and is told so without a model: "spendable
 * on this feature"; `undefined` (an answer stored before the model was said) keeps "and model".
 */
export const spendableHere = (model: string | null | undefined): string => (model === null ? 'spendable on this feature' : 'spendable on this feature and model');

export type LimitOf = 'user' | 'team' | 'guest' | 'member' | 'allowance';

/**
 * The ledger's figures behind a refusal (tokens; `resets_at` ISO time, null = never), and what was
 * refused: a hold needs its tokens (`cost` is its `max_tokens`), a check or a consume costs them.
 */
export type RefusalDetails = { operation: 'check' | 'consume' | 'hold' } & (
	| {
			limit_of: LimitOf;
			cost: number;
			limit: number;
			used: number;
			left: number;
			period: 'daily' | 'weekly' | 'monthly' | 'never';
			resets_at: string | null;
			/** The site's time zone, in which the period resets. */
			time_zone: string;
			/** For allowances: the module's key (as /balance and webhooks say it), its name, and its own message for a used-up allowance. */
			module?: string;
			module_name?: string;
			module_message?: string;
	  }
	/**
	 * `model`: the model the request named (null: none, so general tokens only; absent in answers stored before it was said).
	 * `module`, `module_name` and `module_message` only when nothing at all is left to pay with (`available` 0, no free allowance).
	 */
	| { cost: number; available: number; model?: string | null; module?: string; module_name?: string; module_message?: string }
);

export interface Formatter {
	tokens(n: number): string;
	/** A reset time, in `timeZone`. */
	time(iso: string, timeZone: string): string;
}

/**
 * Page wording: numbers and times in the reader's locale (`undefined` = the browser's), the zone as
 * every page names it, after the time as a zone follows it (no comma between): "Dec 3, 2026, 00:00 UTC",
 * "Dec 3, 2026, 00:00 Berlin time (UTC+1)" (lib/zone-name.ts). `readerZone`: the zone the
 * reader reads times in (their Settings' choice, or the device's), which a reset time is shown in
 * rather than the site's; without it, the site's.
 */
export function localeFormatter(locale?: string, readerZone?: string): Formatter {
	return {
		tokens: (n) => new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(n),
		time: (iso, siteZone, timeZone = readerZone ?? siteZone) =>
			// The app's date-and-time form (lib/client/format.ts, dateTime): "Dec 3, 2026, 00:00", 24-hour.
			`${new Intl.DateTimeFormat(locale, { timeZone, month: 'short', day: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))} ${zoneName(timeZone, new Date(iso))}`
	};
}

/**
 * The server's wording (REST messages, inbox notices): the app's, in English whatever the server's locale: "7,500"
 * and "Dec 7, 2026, 00:00 UTC" (a reset in the site's zone, named as the pages name it), so a message a host site
 * shows reads as the app does.
 */
export const plainFormatter: Formatter = /* @__PURE__ */ localeFormatter('en');

const periodWord = { daily: 'daily ', weekly: 'weekly ', monthly: 'monthly ', never: '' } as const;

/** Whose limit, as a person reads it: "your daily cap", "the team's daily cap", "your daily free Chat allowance", … */
function limitName(d: Pick<Extract<RefusalDetails, { limit_of: LimitOf }>, 'limit_of' | 'period' | 'module_name'>): { name: string; where: string } {
	const period = periodWord[d.period];
	if (d.limit_of === 'allowance') return { name: `your ${period}free ${d.module_name ? `${d.module_name} ` : ''}allowance`, where: '' };
	return { name: `${d.limit_of === 'team' ? "the team's" : 'your'} ${period}cap`, where: d.limit_of === 'member' ? ' in this team' : '' };
}

const periodNow = { daily: 'today', weekly: 'this week', monthly: 'this month', never: 'in all' } as const;

/**
 * What a cap in force leaves, as the dashboard and the playground show it: "Your daily cap: 100 of
 * 14,600 tokens left today", "Your daily cap in this team: …".
 */
export function limitLeftText(d: { limit_of: Exclude<LimitOf, 'allowance'>; limit: number; left: number; period: keyof typeof periodNow }, f: Pick<Formatter, 'tokens'>): string {
	const { name, where } = limitName(d);
	return `${name[0]!.toUpperCase()}${name.slice(1)}${where}: ${f.tokens(d.left)} of ${counted(d.limit, 'token', f.tokens)} left ${periodNow[d.period]}`;
}

type UsedUp = { limit_of: Exclude<LimitOf, 'allowance'>; limit: number; period: keyof typeof periodNow; resets_at: string | null; time_zone: string };

/** Where a used-up cap stops its user spending, until when: "this pool until Dec 7, 2026, 00:00 …". */
const stoppedUntil = (d: UsedUp, f: Formatter) =>
	`${d.limit_of === 'team' || d.limit_of === 'member' ? 'this pool' : 'this account'}${d.resets_at ? ` until ${f.time(d.resets_at, d.time_zone)}` : ''}`;

/**
 * A cap of 0 tokens (a member barred from a pool, or an account's own "spend nothing"): nothing of it
 * is used and its reset frees nothing, so it is said as it is, never "used up … until <reset>":
 * "Your daily cap in this team is 0 tokens: nothing can be spent from this pool while it is set."
 */
function zeroCapText(d: { limit_of: LimitOf; period: keyof typeof periodNow }, f: Pick<Formatter, 'tokens'>): string {
	const { name, where } = limitName(d);
	return `${name[0]!.toUpperCase()}${name.slice(1)}${where} is ${counted(0, 'token', f.tokens)}: nothing can be spent from ${d.limit_of === 'user' || d.limit_of === 'guest' ? 'this account' : 'this pool'} while it is set.`;
}

/**
 * A cap in force with nothing left of it, as the dashboard's cap line says it: "Your weekly cap of
 * 1,000 tokens in this team is used up: you cannot spend from this pool until Dec 7, 2026, 00:00 …"
 * (the reset in `f`'s zone; `time_zone`: the site's). A cap of 0: zeroCapText.
 */
export function limitReachedText(d: UsedUp, f: Formatter): string {
	if (d.limit === 0) return zeroCapText(d, f);
	const { name, where } = limitName(d);
	return `${name[0]!.toUpperCase()}${name.slice(1)} of ${counted(d.limit, 'token', f.tokens)}${where} is used up: you cannot spend from ${stoppedUntil(d, f)}.`;
}

/** The Pace card's words while that cap leaves nothing: "Capped: nothing can be spent from this pool until …" (a cap of 0: while it is set). */
export const cappedText = (d: UsedUp, f: Formatter): string =>
	`Capped: nothing can be spent from ${d.limit === 0 ? `${d.limit_of === 'user' || d.limit_of === 'guest' ? 'this account' : 'this pool'} while its cap is 0 tokens` : stoppedUntil(d, f)}, whatever the balance.`;

/**
 * What stops a refused operation, in a heading's few words that agree with its message: "Not enough
 * free allowance" while some of it is left (allowance_exhausted means the request needs more than is
 * left, not that none is: the message says "more than the 8,547 left"), "Free allowance used up" only
 * once nothing is; a cap alike ("Not enough left under the cap" while some is left, "Cap reached"
 * once none is); "Not enough tokens", "Not available" for the other refusals.
 */
export function refusalHeading(code: 'insufficient_tokens' | 'allowance_exhausted' | 'cap_reached' | 'feature_disabled' | null, details: RefusalDetails | null): string {
	const someLeft = !!details && 'limit_of' in details && details.left > 0;
	if (code === 'allowance_exhausted') return someLeft ? 'Not enough free allowance' : 'Free allowance used up';
	if (code === 'insufficient_tokens') return 'Not enough tokens';
	if (code === 'cap_reached') return someLeft ? 'Not enough left under the cap' : 'Cap reached';
	return 'Not available';
}

/**
 * The message of a refusal. A module's own text ("You have used your free chat tokens for today…")
 * is shown only when nothing is left: of its free allowance, or of anything to pay with where the
 * module has no free allowance ("Your bot is paused until more tokens are added."). Without details
 * (e.g. feature_disabled) the ledger's `message` is the message.
 */
export function refusalMessage(details: RefusalDetails | null, message: string | null, f: Formatter): string | null {
	if (!details) return message;
	const asked = `This ${details.operation === 'hold' ? 'hold needs' : 'costs'} ${counted(details.cost, 'token', f.tokens)}, more than the`;
	// Not the account's Available (every model, every free allowance): what this request may draw on.
	if (!('limit_of' in details)) return details.module_message ?? `${asked} ${f.tokens(details.available)} ${spendableHere(details.model)}.`;
	const { name, where } = limitName(details);
	const resets = details.resets_at ? `it resets ${f.time(details.resets_at, details.time_zone)}` : '';
	if (details.left === 0) {
		if (details.limit === 0 && details.limit_of !== 'allowance') return zeroCapText(details, f);
		const configured = details.module_message;
		if (details.limit_of === 'allowance' && configured) return resets ? `${configured} ${resets[0]!.toUpperCase()}${resets.slice(1)}.` : configured;
		const sentence = `${name[0]!.toUpperCase()}${name.slice(1)} of ${counted(details.limit, 'token', f.tokens)}${where} is used up`;
		return resets ? `${sentence}; ${resets}.` : `${sentence}.`;
	}
	const sentence = `${asked} ${f.tokens(details.left)} left of ${name} of ${f.tokens(details.limit)}${where}`;
	return resets ? `${sentence}; ${resets}.` : `${sentence}.`;
}
