// The Limits page's rollover form (issue 17.3): fields typed as text, read into the setting the
// ledger stores, and the sentence that says what the setting does. Pure, so both are unit-tested.
import type { Period } from './limits';
import { parseTokenAmount, readTokenAmount } from '../amount';
import { counted } from '../../counted';
import { percentText } from '../../percent';

/** As the ledger stores it (ledger/rollover.ts RolloverSetting): exactly one cap; expiry in periods, null = never. */
export interface RolloverSetting {
	capTokens: number | null;
	capPercent: number | null;
	expiresAfterPeriods: number | null;
}

export interface RolloverFields {
	on: boolean;
	capKind: 'tokens' | 'percent';
	cap: string;
	/** Blank = never expires. */
	expiresAfter: string;
}

/** The longest expiry (ledger MAX_ROLLOVER_PERIODS). */
const MAX_PERIODS = 120;

/** The form's fields for a stored setting (null: off, with a 100% cap ready). */
export function rolloverFields(s: RolloverSetting | null): RolloverFields {
	if (!s) return { on: false, capKind: 'percent', cap: '100', expiresAfter: '' };
	return {
		on: true,
		capKind: s.capTokens !== null ? 'tokens' : 'percent',
		cap: String(s.capTokens ?? s.capPercent ?? ''),
		expiresAfter: s.expiresAfterPeriods === null ? '' : String(s.expiresAfterPeriods)
	};
}

/**
 * The fields with the cap's unit switched: a number typed for one unit means another thing in the
 * other (100% of the limit is not 100 tokens), so the cap is emptied for the admin to fill in the
 * new unit, and the summary states no outcome until they do (rolloverPreview).
 */
export function withCapKind(f: RolloverFields, capKind: RolloverFields['capKind']): RolloverFields {
	return capKind === f.capKind ? f : { ...f, capKind, cap: '' };
}

/** The hint under the cap: its rule, and, while it is empty (a switched unit empties it), that it needs a value. */
export function capHint(f: RolloverFields): string {
	const rule = f.capKind === 'percent' ? '1 to 100.' : 'At least 1.';
	if (f.cap.trim()) return rule;
	return f.capKind === 'percent' ? 'Needs a value: a whole percent of the limit, 1 to 100.' : 'Needs a value: a number of tokens, at least 1.';
}

const whole = parseTokenAmount;

/** Reads the fields: the setting to save (null = off), or each field that is wrong and why, in the form's order. */
export function parseRollover(f: RolloverFields): { ok: true; value: RolloverSetting | null } | { ok: false; problems: { field: 'cap' | 'expiresAfter'; error: string }[] } {
	if (!f.on) return { ok: true, value: null };
	const problems: { field: 'cap' | 'expiresAfter'; error: string }[] = [];
	let cap: { capTokens: number | null; capPercent: number | null } = { capTokens: null, capPercent: null };
	if (f.capKind === 'tokens') {
		const read = readTokenAmount(f.cap, { min: 1, max: Number.MAX_SAFE_INTEGER, what: 'The maximum held', rule: 'A whole number of tokens, at least 1.' });
		if (read.ok) cap = { capTokens: read.value, capPercent: null };
		else problems.push({ field: 'cap', error: read.error });
	} else {
		const percent = whole(f.cap);
		if (percent >= 1 && percent <= 100) cap = { capTokens: null, capPercent: percent };
		else problems.push({ field: 'cap', error: 'A whole percent from 1 to 100.' });
	}
	const expires = f.expiresAfter.trim() === '' ? null : whole(f.expiresAfter);
	if (expires !== null && !(expires >= 1 && expires <= MAX_PERIODS)) problems.push({ field: 'expiresAfter', error: `1 to ${MAX_PERIODS} periods, or empty for never.` });
	if (problems.length) return { ok: false, problems };
	return { ok: true, value: { ...cap, expiresAfterPeriods: expires } };
}

const unit: Record<Exclude<Period, 'never'>, [string, string, string]> = {
	daily: ['day', 'days', 'the next day'],
	weekly: ['week', 'weeks', 'the next week'],
	monthly: ['month', 'months', 'the next month']
};

/**
 * What the setting does, in one sentence: "Unused free tokens roll over into the next week, up to
 * 50% of the limit held at a time; each week's rollover expires 2 weeks after its week ends."
 */
export function rolloverWords(s: RolloverSetting | null, period: Period, format: (n: number) => string): string {
	if (period === 'never') return 'These free tokens never reset, so there is nothing to roll over.';
	if (!s) return 'Unused free tokens are lost when the period resets.';
	const [one, many, next] = unit[period];
	const cap = s.capTokens !== null ? counted(s.capTokens, 'token', format) : `${percentText(s.capPercent!)} of the limit`;
	const k = s.expiresAfterPeriods;
	const expiry = k === null ? 'they never expire' : `each ${one}'s rollover expires ${k === 1 ? `when ${next} ends` : `${k} ${many} after its ${one} ends`}`;
	return `Unused free tokens roll over into ${next}, up to ${cap} held at a time; ${expiry}.`;
}

/**
 * The form's summary as the admin types: what the fields would do once saved, or, while a field holds
 * a value the form cannot save, no outcome at all (the saved setting's "lost" is not what they are asking for).
 */
export function rolloverPreview(f: RolloverFields, period: Period, format: (n: number) => string): string {
	const parsed = parseRollover(f);
	return parsed.ok ? rolloverWords(parsed.value, period, format) : 'Once the fields above hold values the form takes, this says what happens to unused free tokens.';
}
