// The sign-up page's promise, from what the site really gives a newcomer (ledger/newcomer.ts). Pure,
// so every case is unit-tested.
import { counted } from './counted';

export type Period = 'daily' | 'weekly' | 'monthly' | 'never';

/** A module's free allowance for a newcomer: tokens per period, null = unlimited (never 0). */
export interface FreeAllowance {
	name: string;
	tokens: number | null;
	period: Period;
}

const per: Record<Period, string> = { daily: 'a day', weekly: 'a week', monthly: 'a month', never: 'to start' };

/**
 * "Free to start: 10,000 tokens a day on Chatbot and 5,000 a week on AI Forms. Buy tokens when you
 * need more." — or, when the site gives nothing free, "Buy tokens when you need them." `format`
 * writes a token count (thousands separators).
 */
export function freeStartWords(allowances: readonly FreeAllowance[], format: (n: number) => string): string {
	if (allowances.length === 0) return 'Buy tokens when you need them: you pay only for what you use.';
	const firstCount = allowances.findIndex((a) => a.tokens !== null);
	const parts = allowances.map((a, i) =>
		a.tokens === null ? `unlimited use of ${a.name}` : `${i === firstCount ? counted(a.tokens, 'token', format) : format(a.tokens)} ${per[a.period]} on ${a.name}`
	);
	return `Free to start: ${new Intl.ListFormat('en', { type: 'conjunction' }).format(parts)}. Buy tokens when you need more.`;
}
